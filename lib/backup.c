#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "safefile.h"
#include "store_impl.h"

#define PATH_BUF 4096

/* Copies src_fd into a fresh temp beside dest and renames it over dest. */
static enum ht_status
copy_to(int src_fd, const char *dest, mode_t mode, uid_t uid, gid_t gid,
        struct ht_error *err)
{
	char tmp[PATH_BUF];
	enum ht_status s;
	int fd = ht_make_temp(dest, tmp, sizeof(tmp));

	if (fd < 0)
		return ht_error_set(err, HT_ERR_IO, "%s: cannot create: %s", dest, strerror(errno));
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0 || ht_copy_fd(src_fd, fd) < 0)
		s = ht_error_set(err, HT_ERR_IO, "%s: %s", dest, strerror(errno));
	else
		s = ht_publish(fd, tmp, dest, err);
	close(fd);
	if (s != HT_OK)
		unlink(tmp);
	return s;
}

enum ht_status
ht_store_backup(const char *path, const struct ht_key *key, const char *dest,
                struct ht_error *err)
{
	struct ht_store *st;
	unsigned long count;
	enum ht_status s;

	/* The live file is never written in place, so the inode we opened is a
	 * consistent snapshot for as long as we hold it. */
	if (ht_store_open(path, key, &st, err) != HT_OK)
		return err->status;
	s = ht_store_verify(st, &count, err);
	if (s == HT_OK)
		s = copy_to(gdbm_fdesc(st->dbf), dest, 0600, geteuid(), getegid(), err);
	ht_store_close(st);
	return s;
}

/* Opens src as a store and checks every value under key. */
static enum ht_status
open_verified(const char *src, const struct ht_key *key, struct ht_store *st,
              struct ht_error *err)
{
	unsigned long count;
	struct stat sb;
	int fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "backup %s: %s", src,
		                    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ht_error_set(err, HT_ERR_DATA, "backup %s: not a regular file", src);
	}
	if (ht_store_attach(fd, src, GDBM_READER | GDBM_NOMMAP | GDBM_XVERIFY | GDBM_NOLOCK,
	                    key, st, err) != HT_OK ||
	    ht_store_verify(st, &count, err) != HT_OK) {
		if (st->dbf != NULL)
			gdbm_close(st->dbf);
		st->dbf = NULL;
		err->status = HT_ERR_DATA;
		return HT_ERR_DATA;
	}
	return HT_OK;
}

enum ht_status
ht_store_restore(const char *path, const struct ht_key *key, const char *src,
                 int timeout_ms, struct ht_error *err)
{
	struct ht_store backup = { 0 };
	struct stat live;
	enum ht_status s;
	int lock_fd;

	if (open_verified(src, key, &backup, err) != HT_OK)
		return err->status;
	/* The live store may be damaged or missing: restoring is the cure, so
	 * only its directory and the writers' lock are required. */
	s = ht_check_parent_dir(path, "store", err);
	if (s == HT_OK)
		s = ht_store_lock(path, timeout_ms, &lock_fd, err);
	if (s == HT_OK) {
		ht_store_remove_stale_temps(path);
		if (lstat(path, &live) < 0 || !S_ISREG(live.st_mode)) {
			live.st_uid = geteuid();
			live.st_gid = getegid();
			live.st_mode = 0640;
		}
		s = copy_to(gdbm_fdesc(backup.dbf), path, live.st_mode & 0644, live.st_uid,
		            live.st_gid, err);
		close(lock_fd);
	}
	gdbm_close(backup.dbf);
	return s;
}
