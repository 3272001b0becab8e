/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Last use across a fleet. Each host records uses in its own last-use
 * directory, as on a single host (the replica is never rewritten for
 * them); sync pushes the entries written since its last push to the
 * database in batches, naming this host; list and show read the
 * database's when it is reachable and show whichever use is newer, so any
 * host shows the latest use across the fleet. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "fleetctl.h"
#include "newfile.h"
#include "safefile.h"

#define PUSH_BATCH 500
#define WATERMARK_SUFFIX ".lastpush"   /* when the last push started */

static void
this_host(char host[HT_LASTUSE_HOST_MAX + 1])
{
	const char *h = fleet_host();
	size_t i;

	for (i = 0; h[i] != '\0' && i < HT_LASTUSE_HOST_MAX; i++)
		host[i] = (unsigned char)h[i] >= 0x21 && (unsigned char)h[i] <= 0x7e ? h[i] : '?';
	host[i] = '\0';
}

static int64_t
read_watermark(const char *path)
{
	char buf[32] = { 0 };
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0)
		return 0;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return r > 0 ? strtoll(buf, NULL, 10) : 0;
}

static void
write_watermark(const char *path, int64_t t)
{
	struct ht_file_owner own = { (uid_t)-1, (gid_t)-1, 0600 };
	struct ht_error err = { 0 };
	struct ht_newfile nf;
	char line[32];
	int n = snprintf(line, sizeof(line), "%" PRId64 "\n", t);

	if (ht_newfile_open(&nf, path, &own, &err) != HT_OK)
		return;
	if (ht_write_all(nf.fd, line, (size_t)n) != 0) {
		ht_newfile_discard(&nf);
		return;
	}
	(void)ht_newfile_publish(&nf, HT_WRITE_REPLACE, &err);
}

struct push {
	const struct ctl *ctl;
	struct ht_pg *pg;
	uint64_t ids[PUSH_BATCH];
	struct ht_lastuse uses[PUSH_BATCH];
	size_t n;
	unsigned long pushed;
	char host[HT_LASTUSE_HOST_MAX + 1];
};

static enum ht_status
flush(struct push *p, struct ht_error *err)
{
	enum ht_status s = ht_pg_lastuse_push(p->pg, p->ids, p->uses, p->n, err);

	if (s == HT_OK)
		p->pushed += p->n;
	p->n = 0;
	return s;
}

/* One directory entry: a token id whose file changed since `since`. */
static enum ht_status
push_entry(struct push *p, int dfd, const char *name, int64_t since, struct ht_error *err)
{
	struct stat st;
	ht_id id;

	if (strlen(name) != HT_ID_HEX_LEN || ht_id_parse(name, &id) != 0 ||
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
	    (int64_t)st.st_mtime < since)
		return HT_OK;
	if (ht_lastused_read(p->ctl->db, id, &p->uses[p->n]) <= 0)
		return HT_OK;
	if (p->uses[p->n].host[0] == '\0')
		memcpy(p->uses[p->n].host, p->host, sizeof(p->host));
	p->ids[p->n++] = id;
	return p->n == PUSH_BATCH ? flush(p, err) : HT_OK;
}

int
fleet_lastuse_push(const struct ctl *ctl, struct ht_pg *pg, unsigned long *pushed)
{
	char dir[HT_PATH_MAX], mark[HT_PATH_MAX];
	struct ht_error err = { 0 };
	struct push *p = calloc(1, sizeof(*p));
	int64_t since, started = (int64_t)time(NULL);
	enum ht_status s = HT_OK;
	struct dirent *de;
	DIR *d;
	int fd, rc;

	*pushed = 0;
	if (p == NULL)
		return tk_error(EX_OSERR, "out of memory");
	if ((rc = fleet_side_path(ctl, ".lastused", dir, sizeof(dir))) != 0 ||
	    (rc = fleet_side_path(ctl, WATERMARK_SUFFIX, mark, sizeof(mark))) != 0) {
		free(p);
		return rc;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		rc = errno == ENOENT ? 0 : tk_error(EX_IOERR, "last use %s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(p);
		return rc;
	}
	p->ctl = ctl;
	p->pg = pg;
	this_host(p->host);
	/* A file written in the second the last push started is pushed
	 * again rather than missed. */
	since = read_watermark(mark);
	while (s == HT_OK && (de = readdir(d)) != NULL)
		s = push_entry(p, dirfd(d), de->d_name, since, &err);
	if (s == HT_OK)
		s = flush(p, &err);
	closedir(d);
	*pushed = p->pushed;
	free(p);
	if (s != HT_OK)
		return tk_fail(s, &err);
	write_watermark(mark, started);
	return 0;
}

/* The database's last uses, compact: the text fields of every entry in
 * one pool, "service\0client\0host\0". */
struct lastuse_entry {
	uint64_t id;
	int64_t time;
	size_t off;
};

static int
by_id(const void *key, const void *elem)
{
	uint64_t a = *(const uint64_t *)key, b = ((const struct lastuse_entry *)elem)->id;

	return a < b ? -1 : a > b;
}

static int
entry_order(const void *a, const void *b)
{
	return by_id(&((const struct lastuse_entry *)a)->id, b);
}

static void
map_add(void *ctx, uint64_t id, const struct ht_lastuse *use)
{
	struct fleet_lastuse *m = ctx;
	size_t need = strlen(use->service) + strlen(use->from) + strlen(use->host) + 3;

	if (m->failed)
		return;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct lastuse_entry *e = realloc(m->v, cap * sizeof(*e));

		if (e == NULL) {
			m->failed = 1;
			return;
		}
		m->v = e;
		m->cap = cap;
	}
	if (m->pool_len + need > m->pool_cap) {
		size_t cap = (m->pool_cap ? m->pool_cap * 2 : 16384) + need;
		char *p = realloc(m->pool, cap);

		if (p == NULL) {
			m->failed = 1;
			return;
		}
		m->pool = p;
		m->pool_cap = cap;
	}
	m->v[m->n] = (struct lastuse_entry){ id, use->time, m->pool_len };
	m->pool_len += (size_t)sprintf(m->pool + m->pool_len, "%s", use->service) + 1;
	m->pool_len += (size_t)sprintf(m->pool + m->pool_len, "%s", use->from) + 1;
	m->pool_len += (size_t)sprintf(m->pool + m->pool_len, "%s", use->host) + 1;
	m->n++;
}

void
fleet_lastuse_load(const struct ctl *ctl, const uint64_t *id, struct fleet_lastuse *m)
{
	struct ht_error err = { 0 };
	struct ht_pg *pg = NULL;

	memset(m, 0, sizeof(*m));
	if (!fleet_enabled(ctl))
		return;
	m->fleet = 1;
	this_host(m->host);
	if (fleet_connect(ctl, &pg, &err) != 0 ||
	    ht_pg_lastuse_fetch(pg, id, map_add, m, &err) != HT_OK) {
		tk_note("warning: last use as this host saw it only: %s", err.msg);
		m->n = 0;
	} else if (m->failed) {
		tk_note("warning: last use as this host saw it only: out of memory");
		m->n = 0;
	} else if (m->n > 1) {
		/* The database orders ids as signed numbers. */
		qsort(m->v, m->n, sizeof(*m->v), entry_order);
	}
	ht_pg_close(pg);
}


void
fleet_lastuse_merge(const struct fleet_lastuse *m, uint64_t id, struct ht_lastuse *use)
{
	const struct lastuse_entry *e;
	const char *p;

	if (!m->fleet)
		return;
	/* A use this host recorded: this host saw it. */
	if (use->time > 0 && use->host[0] == '\0')
		memcpy(use->host, m->host, sizeof(m->host));
	e = m->n > 0 ? bsearch(&id, m->v, m->n, sizeof(*m->v), by_id) : NULL;
	if (e == NULL || e->time <= use->time)
		return;
	memset(use, 0, sizeof(*use));
	use->time = e->time;
	p = m->pool + e->off;
	snprintf(use->service, sizeof(use->service), "%s", p);
	p += strlen(p) + 1;
	snprintf(use->from, sizeof(use->from), "%s", p);
	p += strlen(p) + 1;
	snprintf(use->host, sizeof(use->host), "%s", p);
}

void
fleet_lastuse_free(struct fleet_lastuse *m)
{
	free(m->v);
	free(m->pool);
	memset(m, 0, sizeof(*m));
}
