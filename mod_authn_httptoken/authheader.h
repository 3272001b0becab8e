/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTP Authorization header as the Apache module reads it (RFC 7235,
 * 7617 and 6750): the scheme, then for Basic the decoded user name and
 * password, for Bearer the token. Strict, so that what is judged is
 * exactly what was sent: one scheme, one or more spaces, one credential,
 * nothing after it but spaces or tabs. Knows nothing of Apache, so the
 * fuzzer and the unit tests link it alone (with libsodium's base64). */
#ifndef HTK_AUTHHEADER_H
#define HTK_AUTHHEADER_H

#include <stddef.h>

enum htk_scheme {
	HTK_SCHEME_NONE = 0,   /* no header */
	HTK_SCHEME_MALFORMED,  /* Basic or Bearer, but not well-formed */
	HTK_SCHEME_OTHER,      /* another scheme (Digest, Negotiate...) */
	HTK_SCHEME_BASIC,
	HTK_SCHEME_BEARER,
};

/* Room for decoded Basic credentials; longer ones are malformed. */
#define HTK_BASIC_MAX 1024

struct htk_credentials {
	enum htk_scheme scheme;
	/* Basic: NUL-terminated, both inside the caller's buffer, which then
	 * holds the password: wipe it. */
	const char *user;
	const char *password;
	size_t password_len;
	/* Bearer: the token inside the header value (not NUL-terminated). */
	const char *token;
	size_t token_len;
};

/* Parses value (NULL: no header). buf receives the decoded Basic
 * credentials; it must have room for HTK_BASIC_MAX + 1 bytes. Returns the
 * scheme, also stored in out; pointers are set only for BASIC or BEARER. */
enum htk_scheme htk_parse_authorization(const char *value, char *buf,
                                        struct htk_credentials *out);

#endif
