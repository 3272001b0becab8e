/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "safefile.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks at both ends of [*s, *e). */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

static int
key_is(const char *k, const char *ke, const char *name)
{
	return (size_t)(ke - k) == strlen(name) && memcmp(k, name, (size_t)(ke - k)) == 0;
}

static enum ht_status
set_source(const char *v, const char *ve, const char *path, unsigned line,
           struct ht_conf *conf, struct ht_error *err)
{
	if (key_is(v, ve, "local"))
		conf->source = HT_SOURCE_LOCAL;
	else if (key_is(v, ve, "postgresql"))
		conf->source = HT_SOURCE_POSTGRESQL;
	else
		return ht_error_set(err, HT_ERR_CONFIG, "%s:%u: source: expected local or "
		                    "postgresql", path, line);
	return HT_OK;
}

static enum ht_status
set_conninfo(const char *v, const char *ve, const char *path, unsigned line,
             struct ht_conf *conf, struct ht_error *err)
{
	size_t n = (size_t)(ve - v);

	if (n == 0 || n > HT_CONNINFO_MAX)
		return ht_error_set(err, HT_ERR_CONFIG, "%s:%u: postgresql: expected a "
		                    "conninfo of 1 to %d bytes", path, line, HT_CONNINFO_MAX);
	memcpy(conf->conninfo, v, n);
	conf->conninfo[n] = '\0';
	return HT_OK;
}

/* One line [s, e) without its newline. seen: bit 0 source, bit 1 postgresql. */
static enum ht_status
parse_line(const char *s, const char *e, const char *path, unsigned line, unsigned *seen,
           struct ht_conf *conf, struct ht_error *err)
{
	const char *eq, *k = s, *ke, *v, *ve = e;
	unsigned bit;

	for (const char *p = s; p < e; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return ht_error_set(err, HT_ERR_CONFIG, "%s:%u: control character",
			                    path, line);
	trim(&k, &ve);
	if (k == ve || *k == '#')
		return HT_OK;
	eq = memchr(k, '=', (size_t)(ve - k));
	if (eq == NULL)
		return ht_error_set(err, HT_ERR_CONFIG, "%s:%u: expected key = value", path, line);
	ke = eq;
	v = eq + 1;
	trim(&k, &ke);
	trim(&v, &ve);
	if (key_is(k, ke, "source"))
		bit = 1;
	else if (key_is(k, ke, "postgresql"))
		bit = 2;
	else
		return ht_error_set(err, HT_ERR_CONFIG, "%s:%u: unknown key '%.*s'", path, line,
		                    (int)(ke - k > 64 ? 64 : ke - k), k);
	if (*seen & bit)
		return ht_error_set(err, HT_ERR_CONFIG, "%s:%u: %s given twice", path, line,
		                    bit == 1 ? "source" : "postgresql");
	*seen |= bit;
	if (bit == 1)
		return set_source(v, ve, path, line, conf, err);
	return set_conninfo(v, ve, path, line, conf, err);
}

enum ht_status
ht_conf_parse(const char *buf, size_t len, const char *path, struct ht_conf *conf,
              struct ht_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned line = 0, seen = 0;
	enum ht_status s = HT_OK;

	memset(conf, 0, sizeof(*conf));
	if (len > HT_CONF_MAX)
		s = ht_error_set(err, HT_ERR_CONFIG, "%s: larger than %d bytes", path,
		                 HT_CONF_MAX);
	while (s == HT_OK && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;

		s = parse_line(p, e, path, ++line, &seen, conf, err);
		p = nl != NULL ? nl + 1 : end;
	}
	if (s == HT_OK && conf->source == HT_SOURCE_POSTGRESQL && conf->conninfo[0] == '\0')
		s = ht_error_set(err, HT_ERR_CONFIG, "%s: source = postgresql needs a "
		                 "postgresql = CONNINFO line", path);
	if (s != HT_OK)
		memset(conf, 0, sizeof(*conf));
	return s;
}

enum ht_status
ht_conf_load(const char *path, struct ht_conf *conf, struct ht_error *err)
{
	char buf[HT_CONF_MAX + 1];
	struct stat sb;
	size_t len = 0;
	enum ht_status s;
	int fd;

	memset(conf, 0, sizeof(*conf));
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return ht_error_set(err, HT_ERR_NOTFOUND, "%s: no such file", path);
	s = ht_open_safely(path, "configuration", &sb, &fd, err);
	if (s != HT_OK)
		return s;
	while (len < sizeof(buf)) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return ht_error_set(err, HT_ERR_IO, "%s: read failed: %s", path,
			                    strerror(errno));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	return ht_conf_parse(buf, len, path, conf, err);
}
