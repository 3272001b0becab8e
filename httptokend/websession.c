/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Session files. The directory is root's alone (0700); each session is
 * one file named by the keyed hash (BLAKE2b, key in the directory's
 * "key" file) of its secret, holding its user, the uid that opened it,
 * when, and its outstanding form nonces. Its mtime is the last use: a
 * click updates that, not the token store. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "safefile.h"
#include "websession.h"

#define KEY_FILE   "key"
#define RECORD_MAX 2048
#define NAME_HEX   (crypto_generichash_BYTES * 2)

static int
refuse(struct jbuf *err, int code, const char *msg)
{
	jbuf_puts(err, "tokenctl: ");
	jbuf_puts(err, msg);
	jbuf_puts(err, "\n");
	return code;
}

/* The directory exists, is a directory, root's, and no one else's. */
static int
dir_check(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077) != 0)
		return -1;
	return 0;
}

static int
path_of(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The hashing key, made on first use. */
static int
load_key(const char *dir, unsigned char key[crypto_generichash_KEYBYTES])
{
	char path[4096];
	struct stat st;
	int fd;

	if (dir_check(dir) != 0 || path_of(path, sizeof(path), dir, KEY_FILE) != 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		randombytes_buf(key, crypto_generichash_KEYBYTES);
		if (ht_write_all(fd, key, crypto_generichash_KEYBYTES) != 0 || fsync(fd) != 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (errno != EEXIST ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077) != 0 || st.st_size != crypto_generichash_KEYBYTES ||
	    read(fd, key, crypto_generichash_KEYBYTES) != crypto_generichash_KEYBYTES) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The file name of a secret: hex of its keyed hash. */
static int
name_of(const char *dir, const char *secret, char name[NAME_HEX + 1])
{
	unsigned char key[crypto_generichash_KEYBYTES], h[crypto_generichash_BYTES];

	if (load_key(dir, key) != 0)
		return -1;
	crypto_generichash(h, sizeof(h), (const unsigned char *)secret, strlen(secret), key,
	                   sizeof(key));
	sodium_memzero(key, sizeof(key));
	sodium_bin2hex(name, NAME_HEX + 1, h, sizeof(h));
	return 0;
}

static int
is_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void
format_record(struct jbuf *b, const struct ws_record *r)
{
	jbuf_puts(b, "httptoken-web-session 1\nuser ");
	jbuf_puts(b, r->user);
	jbuf_puts(b, "\nuid ");
	jbuf_int(b, (long)r->uid);
	jbuf_puts(b, "\nopener ");
	jbuf_int(b, (long)r->opener);
	jbuf_puts(b, "\ncreated ");
	jbuf_int(b, (long)r->created);
	jbuf_puts(b, "\n");
	for (int i = 0; i < r->nnonces; i++) {
		jbuf_puts(b, "nonce ");
		jbuf_puts(b, r->nonces[i]);
		jbuf_puts(b, "\n");
	}
}

int
ws_parse_record(const char *buf, size_t len, struct ws_record *r)
{
	char copy[RECORD_MAX + 1], *save = NULL, *line;
	long long v;
	int seen = 0;

	if (len > RECORD_MAX || memchr(buf, '\0', len) != NULL)
		return -1;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	memset(r, 0, sizeof(*r));
	line = strtok_r(copy, "\n", &save);
	if (line == NULL || strcmp(line, "httptoken-web-session 1") != 0)
		return -1;
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char extra;

		if (strncmp(line, "user ", 5) == 0 && strlen(line + 5) <= WS_USER_MAX &&
		    line[5] != '\0') {
			strcpy(r->user, line + 5);
			seen |= 1;
		} else if (sscanf(line, "uid %lld%c", &v, &extra) == 1 && v > 0 && v < 0xffffffffLL) {
			r->uid = (uid_t)v;
			seen |= 2;
		} else if (sscanf(line, "opener %lld%c", &v, &extra) == 1 && v >= 0 &&
		           v < 0xffffffffLL) {
			r->opener = (uid_t)v;
			seen |= 4;
		} else if (sscanf(line, "created %lld%c", &v, &extra) == 1 && v > 0) {
			r->created = v;
			seen |= 8;
		} else if (strncmp(line, "nonce ", 6) == 0 && is_hex(line + 6, WS_NONCE_HEX) &&
		           r->nnonces < WS_NONCES_KEPT) {
			strcpy(r->nonces[r->nnonces++], line + 6);
		} else {
			return -1;
		}
	}
	return seen == 15 ? 0 : -1;
}

int
ws_create(const struct ws_config *c, const struct ws_record *r,
          char secret[WS_SECRET_HEX + 1], struct jbuf *err)
{
	unsigned char raw[WS_SECRET_HEX / 2];
	char name[NAME_HEX + 1], path[4096];
	struct jbuf b = { 0 };
	int fd, rc = 0;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(secret, WS_SECRET_HEX + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	if (name_of(c->dir, secret, name) != 0 ||
	    path_of(path, sizeof(path), c->dir, name) != 0)
		return refuse(err, EX_CONFIG, "the session directory is missing or unsafe "
		              "(it must be root's, mode 0700)");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return refuse(err, EX_CANTCREAT, "cannot create a session file");
	format_record(&b, r);
	if (b.failed || ht_write_all(fd, b.data, b.len) != 0) {
		unlink(path);
		rc = refuse(err, EX_IOERR, "cannot write a session file");
	}
	close(fd);
	jbuf_free(&b);
	return rc;
}

/* Regular, root's, single link, no larger than a record. */
static int
file_safe(int fd, struct stat *st)
{
	return fstat(fd, st) == 0 && S_ISREG(st->st_mode) && st->st_uid == 0 &&
	       st->st_nlink == 1 && (st->st_mode & 077) == 0 && st->st_size <= RECORD_MAX;
}

static int
read_record(int fd, struct ws_record *r)
{
	char buf[RECORD_MAX + 1];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	return n < 0 || n > RECORD_MAX ? -1 : ws_parse_record(buf, (size_t)n, r);
}

static int
expired(const struct ws_config *c, const struct stat *st, const struct ws_record *r,
        time_t now)
{
	return now - r->created >= WS_ABSOLUTE_S || r->created > now ||
	       now - st->st_mtime >= c->idle_s;
}

int
ws_open(const struct ws_config *c, const char *secret, uid_t peer, struct ws_record *r,
        int *fd, struct jbuf *err)
{
	char name[NAME_HEX + 1], path[4096];
	struct stat st;

	*fd = -1;
	if (!is_hex(secret, WS_SECRET_HEX))
		return refuse(err, EX_NOPERM, WS_REFUSED);
	if (name_of(c->dir, secret, name) != 0 || path_of(path, sizeof(path), c->dir, name) != 0)
		return refuse(err, EX_CONFIG, "the session directory is missing or unsafe "
		              "(it must be root's, mode 0700)");
	if ((*fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return refuse(err, EX_NOPERM, WS_REFUSED);
	if (flock(*fd, LOCK_EX) != 0) {
		ws_release(*fd);
		*fd = -1;
		return refuse(err, EX_NOPERM, WS_REFUSED);
	}
	if (!file_safe(*fd, &st) || read_record(*fd, r) != 0 || r->opener != peer ||
	    expired(c, &st, r, time(NULL))) {
		/* A broken or expired session goes; another caller's stays. */
		if (!file_safe(*fd, &st) || read_record(*fd, r) != 0 || r->opener == peer)
			unlink(path);
		ws_release(*fd);
		*fd = -1;
		return refuse(err, EX_NOPERM, WS_REFUSED);
	}
	/* A use: the idle clock restarts. */
	(void)futimens(*fd, NULL);
	return 0;
}

/* Rewrites the record in place, under the lock ws_open took: a rename
 * would hand the next request a new file with no lock on it, and two
 * requests could then spend the same nonce. A record cut short by a
 * crash reads as broken, which ends the session: the user logs in again. */
int
ws_save(int fd, const struct ws_record *r)
{
	struct jbuf b = { 0 };
	int rc = 0;

	format_record(&b, r);
	if (b.failed || ftruncate(fd, 0) != 0 || pwrite(fd, b.data, b.len, 0) != (ssize_t)b.len)
		rc = -1;
	jbuf_free(&b);
	return rc;
}

void
ws_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

int
ws_remove(const struct ws_config *c, const char *secret)
{
	char name[NAME_HEX + 1], path[4096];

	if (!is_hex(secret, WS_SECRET_HEX) || name_of(c->dir, secret, name) != 0 ||
	    path_of(path, sizeof(path), c->dir, name) != 0)
		return -1;
	return unlink(path);
}

/* Removes the session files for which doomed says so; user is doomed's
 * argument. */
static void
remove_where(const struct ws_config *c, int (*doomed)(const struct ws_config *,
             const struct stat *, const struct ws_record *, const char *), const char *user)
{
	DIR *d = opendir(c->dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct ws_record r;
		struct stat st;
		int fd;

		if (!is_hex(e->d_name, NAME_HEX))
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | (user == NULL ? LOCK_NB : 0)) == 0 &&
		    (!file_safe(fd, &st) || read_record(fd, &r) != 0 || doomed(c, &st, &r, user)))
			unlinkat(dirfd(d), e->d_name, 0);
		close(fd);
	}
	closedir(d);
}

static int
is_expired(const struct ws_config *c, const struct stat *st, const struct ws_record *r,
           const char *unused)
{
	(void)unused;
	return expired(c, st, r, time(NULL));
}

static int
is_users(const struct ws_config *c, const struct stat *st, const struct ws_record *r,
         const char *user)
{
	(void)c;
	(void)st;
	return strcmp(r->user, user) == 0;
}

/* Removes expired and broken session files (at each login). */
void
ws_sweep(const struct ws_config *c)
{
	remove_where(c, is_expired, NULL);
}

void
ws_end_user(const struct ws_config *c, const char *user)
{
	remove_where(c, is_users, user);
}

/* A bulk revoke (revoke --user USER) that succeeded ends USER's sessions:
 * whoever revoked them all wants that account's web access gone too. */
void
ws_after(const struct ws_config *c, int argc, char **argv, int rc)
{
	int i = 0;

	if (rc != 0)
		return;
	while (i < argc && argv[i][0] == '-')
		i += strcmp(argv[i], "--wait") == 0 || strcmp(argv[i], "--db") == 0 ||
		     strcmp(argv[i], "--keyfile") == 0 ? 2 : 1;
	if (i >= argc || strcmp(argv[i], "revoke") != 0)
		return;
	/* A dry run revoked nothing: the sessions stay. */
	for (int j = i + 1; j < argc; j++)
		if (strcmp(argv[j], "--dry-run") == 0)
			return;
	for (i++; i < argc; i++) {
		if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			ws_end_user(c, argv[i + 1]);
		else if (strncmp(argv[i], "--user=", 7) == 0)
			ws_end_user(c, argv[i] + 7);
	}
}

void
ws_new_nonce(struct ws_record *r, char out[WS_NONCE_HEX + 1])
{
	unsigned char raw[WS_NONCE_HEX / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, WS_NONCE_HEX + 1, raw, sizeof(raw));
	if (r->nnonces == WS_NONCES_KEPT) {
		memmove(r->nonces[0], r->nonces[1], sizeof(r->nonces[0]) * (WS_NONCES_KEPT - 1));
		r->nnonces--;
	}
	memcpy(r->nonces[r->nnonces++], out, WS_NONCE_HEX + 1);
}

/* 0 when nonce was outstanding (and is now used), else -1. */
int
ws_take_nonce(struct ws_record *r, const char *nonce)
{
	int found = -1;

	if (!is_hex(nonce, WS_NONCE_HEX))
		return -1;
	for (int i = 0; i < r->nnonces; i++)
		if (sodium_memcmp(r->nonces[i], nonce, WS_NONCE_HEX) == 0)
			found = i;
	if (found < 0)
		return -1;
	memmove(r->nonces[found], r->nonces[found + 1],
	        sizeof(r->nonces[0]) * (size_t)(r->nnonces - found - 1));
	r->nnonces--;
	return 0;
}
