/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Names of PAM return codes, so that tests compare what an application
 * would see ("PAM_IGNORE") rather than numbers. */
#ifndef HT_TEST_PAM_CODES_H
#define HT_TEST_PAM_CODES_H

#include <security/pam_appl.h>

__attribute__((unused)) static const char *
pam_code_name(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:               return "PAM_SUCCESS";
	case PAM_AUTH_ERR:              return "PAM_AUTH_ERR";
	case PAM_IGNORE:                return "PAM_IGNORE";
	case PAM_AUTHINFO_UNAVAIL:      return "PAM_AUTHINFO_UNAVAIL";
	case PAM_SERVICE_ERR:           return "PAM_SERVICE_ERR";
	case PAM_PERM_DENIED:           return "PAM_PERM_DENIED";
	case PAM_ACCT_EXPIRED:          return "PAM_ACCT_EXPIRED";
	case PAM_USER_UNKNOWN:          return "PAM_USER_UNKNOWN";
	case PAM_MAXTRIES:              return "PAM_MAXTRIES";
	case PAM_BUF_ERR:               return "PAM_BUF_ERR";
	case PAM_CONV_ERR:              return "PAM_CONV_ERR";
	case PAM_INCOMPLETE:            return "PAM_INCOMPLETE";
	case PAM_SYSTEM_ERR:            return "PAM_SYSTEM_ERR";
	case PAM_ABORT:                 return "PAM_ABORT";
	case PAM_CRED_INSUFFICIENT:     return "PAM_CRED_INSUFFICIENT";
	case PAM_AUTHTOK_ERR:           return "PAM_AUTHTOK_ERR";
	case PAM_AUTHTOK_RECOVERY_ERR:  return "PAM_AUTHTOK_RECOVERY_ERR";
	case PAM_NEW_AUTHTOK_REQD:      return "PAM_NEW_AUTHTOK_REQD";
	case PAM_OPEN_ERR:              return "PAM_OPEN_ERR";
	case PAM_SYMBOL_ERR:            return "PAM_SYMBOL_ERR";
	}
	return "PAM_OTHER";
}

#endif
