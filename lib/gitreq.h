/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The resource and permission level a git smart-HTTP request asks for,
 * read from its raw request line: what a front end that sees only that line
 * (nginx's auth-pam module puts it in the PAM environment as REQUEST)
 * needs to judge a project or repository token per request.
 *
 * The web server serves its own normalised form of the path (escapes
 * decoded, dot segments and repeated slashes removed), which the line does
 * not show. So only lines that every such normalisation leaves unchanged
 * are accepted, and the resource judged is the one served. */
#ifndef HT_GITREQ_H
#define HT_GITREQ_H

#include "error.h"
#include "record.h"

#define HT_GITREQ_LINE_MAX   8192  /* bytes, without the CRLF */
#define HT_GITREQ_PREFIX_MAX 1024

struct ht_git_request {
	char resource[HT_SCOPE_MAX + 1];  /* "KEY/SLUG" */
	enum ht_perm require;
};

/* A git_request= prefix: an absolute path of segments made of letters,
 * digits and ".-_~", none empty, "." or "..", with or without a trailing
 * '/'; "/" alone is one. At most HT_GITREQ_PREFIX_MAX bytes. */
int ht_git_prefix_valid(const char *prefix);

/* Parses line (NULL: the front end gave none), which must be
 *     METHOD PREFIX KEY/SLUG.git/REST[?QUERY] VERSION
 * in origin form with single spaces, at most HT_GITREQ_LINE_MAX bytes,
 * VERSION one of HTTP/1.0, HTTP/1.1, HTTP/2.0; the path made of letters,
 * digits, ".-_~" and '/' only (so no '%'-escape, backslash or control
 * character), with no empty, "." or ".." segment; KEY and SLUG valid as
 * tokenctl takes them, SLUG not itself ending in ".git"; METHOD GET or
 * HEAD, or POST to a path ending in /git-upload-pack or /git-receive-pack;
 * QUERY empty or exactly service=git-upload-pack or
 * service=git-receive-pack. On HT_OK, out holds "KEY/SLUG" and the level:
 * write for service=git-receive-pack or a path ending in
 * /git-receive-pack, read for everything else. Otherwise HT_ERR_DATA with
 * err saying which rule the line broke, and out asks for what no token
 * reaches (an empty resource at level admin). */
enum ht_status ht_git_request_parse(const char *line, const char *prefix,
                                    struct ht_git_request *out, struct ht_error *err);

#endif
