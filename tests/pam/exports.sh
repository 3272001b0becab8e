#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What the built module shows a host: only pam_sm_* in its dynamic symbol
# table, no writable static data (it runs in threaded servers), and it
# stays loaded once loaded.
. "$top_srcdir/tests/common.sh"
[ -f "$PAM_MODULE" ] || tap_skip_all "module not built: $PAM_MODULE"
command -v nm >/dev/null && command -v objdump >/dev/null || tap_skip_all "binutils not installed"

# The dlopen/dlsym check speaks TAP itself: relay it, then continue the count.
OUT=$("$top_builddir/tests/pam/dlsym_check" "$PAM_MODULE")
RC=$?
printf '%s\n' "$OUT" | grep -v '^1\.\.'
tap_n=$(printf '%s\n' "$OUT" | grep -c '^\(not \)\?ok ')
[ "$RC" -eq 0 ] || tap_failed=1

DEFINED=$(nm -D --defined-only "$PAM_MODULE" | awk '{print $3}' | sort | tr '\n' ' ')
check "dynamic symbols are exactly the three pam_sm_* entry points" \
	"pam_sm_acct_mgmt pam_sm_authenticate pam_sm_setcred " "$DEFINED"

check "the hidden names do exist inside (so the dlsym check means something)" 3 \
	"$(nm "$PAM_MODULE" | awk '{print $NF}' | grep -c -x -e ht_verify_password -e options_parse -e pht_log)"

# Objects in .data/.bss, less what the C runtime itself puts there.
WRITABLE=$(objdump -t "$PAM_MODULE" | awk '$3 == "O" && ($4 == ".data" || $4 == ".bss" || $4 == ".tdata" || $4 == ".tbss") {print $NF}' |
	grep -v -x -e completed.0 -e __dso_handle -e __TMC_END__ | tr '\n' ' ')
# mod_authnz_pam ends the PAM handle after every request; without this flag
# each pam_end would unload the module and libsodium, and the next request
# would pay for loading and relocating them again.
check_match "the module stays loaded after pam_end (DF_1_NODELETE)" "NODELETE" \
	"$(readelf -d "$PAM_MODULE" | grep FLAGS_1)"

check "no writable static variables in the module or the library inside it" "" "$WRITABLE"
tap_done
