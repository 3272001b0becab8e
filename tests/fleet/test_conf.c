/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The configuration parser: what it accepts, and every malformed,
 * duplicated, oversized or unsafe input refused with a message naming the
 * line, leaving the local default. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static enum ht_status
parse(const char *text, struct ht_conf *conf, struct ht_error *err)
{
	ht_error_clear(err);
	return ht_conf_parse(text, strlen(text), "t.conf", conf, err);
}

static void
test_accepts(void)
{
	struct ht_conf c;
	struct ht_error err = { 0 };

	ok(parse("", &c, &err) == HT_OK && c.source == HT_SOURCE_LOCAL,
	   "empty file: source local");
	ok(parse("# comment\n\n   \n\t# indented comment\n", &c, &err) == HT_OK &&
	   c.source == HT_SOURCE_LOCAL, "comments and blank lines only: local");
	ok(parse("source = local\n", &c, &err) == HT_OK && c.source == HT_SOURCE_LOCAL,
	   "source = local");
	ok(parse("  source\t=\tpostgresql  \npostgresql = service=httptoken sslmode=verify-full\n",
	         &c, &err) == HT_OK && c.source == HT_SOURCE_POSTGRESQL &&
	   strcmp(c.conninfo, "service=httptoken sslmode=verify-full") == 0,
	   "postgresql: the value is the rest of the line, trimmed (got '%s', %s)", c.conninfo,
	   err.msg);
	ok(parse("source=postgresql\npostgresql=host=/tmp dbname=a#b", &c, &err) == HT_OK &&
	   strcmp(c.conninfo, "host=/tmp dbname=a#b") == 0,
	   "no final newline; '#' inside a value is part of it (got '%s')", c.conninfo);
}

static void
refused(const char *text, const char *want, const char *what)
{
	struct ht_conf c;
	struct ht_error err = { 0 };
	enum ht_status s = parse(text, &c, &err);

	ok(s == HT_ERR_CONFIG && strstr(err.msg, want) != NULL && c.source == HT_SOURCE_LOCAL &&
	   c.conninfo[0] == '\0', "%s: refused with '%s' (got status %d, '%s')", what, want,
	   (int)s, err.msg);
}

static void
test_refuses(void)
{
	char *big = malloc(HT_CONF_MAX + 2);
	char longval[HT_CONNINFO_MAX + 40];

	refused("source\n", "t.conf:1: expected key = value", "a line without '='");
	refused("# ok\nsorce = local\n", "t.conf:2: unknown key 'sorce'", "a misspelt key");
	refused("source = Local\n", "t.conf:1: source: expected local or postgresql",
	        "a value in the wrong case");
	refused("source = postgresql\n", "needs a postgresql = CONNINFO line",
	        "postgresql without a conninfo");
	refused("source = local\nsource = postgresql\npostgresql = x\n",
	        "t.conf:2: source given twice", "a key given twice");
	refused("postgresql =\n", "t.conf:1: postgresql: expected a conninfo",
	        "an empty conninfo");
	refused("source = local\r\n", "t.conf:1: control character", "a CR line ending");
	refused("source = lo\x1b[2Jcal\n", "control character", "a terminal escape");
	refused(" = local\n", "unknown key ''", "an empty key");
	snprintf(longval, sizeof(longval), "postgresql = %0*d\n", HT_CONNINFO_MAX + 1, 0);
	refused(longval, "expected a conninfo of 1 to 1024 bytes", "a conninfo over the limit");
	if (big != NULL) {
		memset(big, '#', HT_CONF_MAX + 1);
		big[HT_CONF_MAX + 1] = '\0';
		refused(big, "larger than 8192 bytes", "a file over the limit");
		free(big);
	}
	{
		struct ht_conf c;
		struct ht_error err = { 0 };
		const char nul[] = "source = local\0garbage\n";

		ok(ht_conf_parse(nul, sizeof(nul) - 1, "t.conf", &c, &err) == HT_ERR_CONFIG &&
		   strstr(err.msg, "control character") != NULL, "a NUL byte: refused ('%s')",
		   err.msg);
	}
}

static void
test_files(void)
{
	char dir[] = "/tmp/htconfXXXXXX", path[64];
	struct ht_conf c;
	struct ht_error err = { 0 };
	int fd;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/httptoken.conf", dir);
	ok(ht_conf_load(path, &c, &err) == HT_ERR_NOTFOUND, "a missing file: not found");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	(void)!write(fd, "source = postgresql\npostgresql = dbname=x\n", 42);
	close(fd);
	ht_error_clear(&err);
	ok(ht_conf_load(path, &c, &err) == HT_OK && c.source == HT_SOURCE_POSTGRESQL,
	   "a safe file loads (%s)", err.msg);
	chmod(path, 0664);
	ht_error_clear(&err);
	ok(ht_conf_load(path, &c, &err) == HT_ERR_CONFIG && c.source == HT_SOURCE_LOCAL &&
	   strstr(err.msg, "writable") != NULL, "a group-writable file is refused (%s)",
	   err.msg);
	chmod(path, 0646);
	ht_error_clear(&err);
	ok(ht_conf_load(path, &c, &err) == HT_ERR_CONFIG, "a world-writable file is refused");
	chmod(path, 0644);
	chmod(dir, 0777);
	ht_error_clear(&err);
	ok(ht_conf_load(path, &c, &err) == HT_ERR_CONFIG,
	   "a file in a world-writable directory is refused (%s)", err.msg);
	chmod(dir, 0755);
	unlink(path);
	if (symlink("/etc/hostname", path) == 0) {
		ht_error_clear(&err);
		ok(ht_conf_load(path, &c, &err) != HT_OK, "a symbolic link is refused (%s)",
		   err.msg);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	test_accepts();
	test_refuses();
	test_files();
	return done();
}
