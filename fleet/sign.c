/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "safefile.h"
#include "sign.h"

#define ROW_CONTEXT "httptoken fleet row v1"
#define ROW_HEAD    (sizeof(ROW_CONTEXT) + 1 + 8 + 8 + 4)

int
ht_sign_paths(const char *keyfile, char *secret, char *pub, size_t size)
{
	char dir[HT_PATH_MAX];

	if (ht_dirname(keyfile, dir, sizeof(dir)) != 0)
		return -1;
	if (snprintf(secret, size, "%s/signing.key", dir) >= (int)size ||
	    snprintf(pub, size, "%s/signing.pub", dir) >= (int)size)
		return -1;
	return 0;
}

static enum ht_status
write_new(const char *path, const unsigned char *buf, size_t len, mode_t mode,
          struct ht_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0 && errno == EEXIST)
		return ht_error_set(err, HT_ERR_EXISTS, "%s already exists", path);
	if (fd < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "cannot create %s: %s", path,
		                    strerror(errno));
	if (fchmod(fd, mode) != 0 || ht_write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		unlink(path);
		return ht_error_set(err, HT_ERR_IO, "%s: write failed: %s", path, strerror(e));
	}
	close(fd);
	return HT_OK;
}

enum ht_status
ht_sign_keygen(const char *secret_path, const char *pub_path, struct ht_error *err)
{
	unsigned char seed[HT_SIGN_SEED], pk[HT_SIGN_PUB], sk[crypto_sign_SECRETKEYBYTES];
	enum ht_status s;
	char dir[HT_PATH_MAX];

	if (access(secret_path, F_OK) == 0 || access(pub_path, F_OK) == 0)
		return ht_error_set(err, HT_ERR_EXISTS, "%s or %s already exists", secret_path,
		                    pub_path);
	if (ht_dirname(secret_path, dir, sizeof(dir)) != 0)
		return ht_error_set(err, HT_ERR_USAGE, "%s: path too long", secret_path);
	if ((s = ht_check_parent_dir(secret_path, "signing key", err)) != HT_OK)
		return s;
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(sk, sizeof(sk));
	s = write_new(secret_path, seed, sizeof(seed), 0600, err);
	sodium_memzero(seed, sizeof(seed));
	if (s == HT_OK)
		s = write_new(pub_path, pk, sizeof(pk), 0644, err);
	if (s != HT_OK)
		unlink(secret_path);
	if (s == HT_OK)
		ht_fsync_dir(dir);
	return s;
}

/* Reads exactly len bytes of a checked file. */
static enum ht_status
read_exact(const char *path, const char *what, int secret, unsigned char *buf, size_t len,
           struct ht_error *err)
{
	unsigned char extra;
	struct stat sb;
	enum ht_status s;
	ssize_t r;
	int fd;

	if ((s = ht_open_safely(path, what, &sb, &fd, err)) != HT_OK)
		return s;
	if (secret && (sb.st_mode & 077) != 0) {
		close(fd);
		return ht_error_set(err, HT_ERR_CONFIG, "%s %s: mode %04o, must not be readable "
		                    "by group or others (chmod 600)", what, path,
		                    (unsigned)(sb.st_mode & 07777));
	}
	r = read(fd, buf, len);
	if (r == (ssize_t)len && read(fd, &extra, 1) == 0) {
		close(fd);
		return HT_OK;
	}
	close(fd);
	sodium_memzero(buf, len);
	return ht_error_set(err, HT_ERR_CONFIG, "%s %s: expected exactly %zu bytes", what,
	                    path, len);
}

enum ht_status
ht_sign_load_secret(const char *path, struct ht_signer *sg, struct ht_error *err)
{
	unsigned char seed[HT_SIGN_SEED];
	enum ht_status s = read_exact(path, "signing key", 1, seed, sizeof(seed), err);

	if (s != HT_OK)
		return s;
	crypto_sign_seed_keypair(sg->pk, sg->sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return HT_OK;
}

enum ht_status
ht_sign_load_public(const char *path, unsigned char pk[HT_SIGN_PUB], struct ht_error *err)
{
	return read_exact(path, "signing public key", 0, pk, HT_SIGN_PUB, err);
}

void
ht_signer_wipe(struct ht_signer *sg)
{
	sodium_memzero(sg, sizeof(*sg));
}

/* The signed message's fixed head; the payload follows it. */
static void
row_head(enum ht_row_kind kind, uint64_t id, uint64_t version, size_t len,
         unsigned char head[ROW_HEAD])
{
	struct ht_writer w = { head, ROW_HEAD, 0, 0 };

	ht_put_bytes(&w, ROW_CONTEXT, sizeof(ROW_CONTEXT));
	ht_put_u8(&w, (uint8_t)kind);
	ht_put_u64(&w, id);
	ht_put_u64(&w, version);
	ht_put_u32(&w, (uint32_t)len);
}

/* Ed25519ph would avoid the copy; rows are small, so the plain scheme
 * signs head || payload from one buffer. */
#define ROW_MSG_MAX (ROW_HEAD + 4096)

void
ht_row_sign(const struct ht_signer *sg, enum ht_row_kind kind, uint64_t id,
            uint64_t version, const unsigned char *payload, size_t len,
            unsigned char sig[HT_SIG_BYTES])
{
	unsigned char msg[ROW_MSG_MAX];

	if (len > ROW_MSG_MAX - ROW_HEAD) {
		memset(sig, 0, HT_SIG_BYTES);   /* verifies as nothing */
		return;
	}
	row_head(kind, id, version, len, msg);
	memcpy(msg + ROW_HEAD, payload, len);
	crypto_sign_detached(sig, NULL, msg, ROW_HEAD + len, sg->sk);
}

int
ht_row_verify(const unsigned char pk[HT_SIGN_PUB], enum ht_row_kind kind, uint64_t id,
              uint64_t version, const unsigned char *payload, size_t len,
              const unsigned char *sig, size_t sig_len)
{
	unsigned char msg[ROW_MSG_MAX];

	if (sig_len != HT_SIG_BYTES || len > ROW_MSG_MAX - ROW_HEAD)
		return -1;
	row_head(kind, id, version, len, msg);
	memcpy(msg + ROW_HEAD, payload, len);
	return crypto_sign_verify_detached(sig, msg, ROW_HEAD + len, pk) == 0 ? 0 : -1;
}
