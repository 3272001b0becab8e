/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokenctl: manage HTTP access tokens. Parses the global options, decides
 * who the caller is and dispatches to one command. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "tokenctl.h"

#define DEFAULT_WAIT_S 10
#define MAX_WAIT_S     3600

struct command {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char **argv);
};

static const struct command commands[] = {
	{ "init", cmd_init },
	{ "create", cmd_create },
	{ "list", cmd_list },
	{ "show", cmd_show },
	{ "edit", cmd_edit },
	{ "revoke", cmd_revoke },
	{ "rotate", cmd_rotate },
	{ "policy", cmd_policy },
	{ "purge", cmd_purge },
	{ "backup", cmd_backup },
	{ "restore", cmd_restore },
	{ "upgrade", cmd_upgrade },
	{ "project", cmd_project },
	{ "repo", cmd_repo },
};

static void
usage(FILE *f)
{
	fputs("Usage: tokenctl [--db PATH] [--keyfile PATH] [--json] [--wait SECONDS] COMMAND ...\n"
	      "  init [--group GROUP]                  create an empty store and key (administrator)\n"
	      "  create --name NAME [--perm read|write|admin] [--expires DAYS]\n"
	      "         [--project KEY | --repo KEY/SLUG]  print a new token, once, on stdout\n"
	      "         [--use WORD]... [--only KEY|KEY/SLUG]...\n"
	      "  list [--user USER | --all | --project KEY | --repo KEY/SLUG]\n"
	      "       [--expiring DAYS] [--status active|expired|revoked]\n"
	      "  show ID\n"
	      "  edit ID [--name NAME] [--perm read|write|admin]\n"
	      "          [--use WORD]... [--only KEY|KEY/SLUG]... [--anywhere]\n"
	      "  revoke ID... | --user USER | --token -   (--token - reads a token on stdin)\n"
	      "  revoke [--user USER] [--project KEY | --repo KEY/SLUG] [--unused DAYS] [--dry-run]\n"
	      "  rotate ID [--expires DAYS]            new id and secret; the old token is revoked\n"
	      "  policy [show]\n"
	      "  policy set [--expiry-required yes|no] [--max-days N] [--enforce-existing yes|no]\n"
	      "             [--admin-group GROUP|none] [--lastused-granularity SECONDS]\n"
	      "             [--sysadmin-group GROUP|none] [--token-users GROUP|any]\n"
	      "             [--max-tokens-per-user N] [--allowed-uses WORD,...|any]\n"
	      "  purge [--revoked] [--expired] [--older-than DAYS]\n"
	      "  backup FILE | restore FILE\n"
	      "  upgrade                               convert a version-1 store (system administrator)\n"
	      "  project add KEY [--admin USER|@GROUP]... [--description TEXT]\n"
	      "  project edit KEY [--add-admin USER|@GROUP]... [--remove-admin USER|@GROUP]...\n"
	      "               [--description TEXT]\n"
	      "  project remove KEY [--force] | project list | project show KEY\n"
	      "  repo add|edit|remove|show KEY/SLUG ... | repo list [KEY]\n"
	      "Defaults: --db ", f);
	fputs(tk_default_db(), f);
	fputs(" --keyfile ", f);
	fputs(tk_default_key(), f);
	fputs("\nExit status: 0 ok, 64 usage, 65 refused, 66 no such token, 69 store unavailable,\n"
	      "73 cannot create, 74 I/O error, 75 busy, 77 permission denied, 78 unsafe configuration.\n",
	      f);
}

/* Returns -1 to go on, or an exit status. */
static int
parse_global(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "keyfile", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long wait_s;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if ((c == 'd' || c == 'k' || c == 'w') && ctl->who.elevated)
			return tk_error(EX_NOPERM, "--%s is only for root: tokenctl runs setuid "
			                "and uses the installed store",
			                c == 'd' ? "db" : c == 'k' ? "keyfile" : "wait");
		switch (c) {
		case 'd': ctl->db = optarg; break;
		case 'k': ctl->keyfile = optarg; break;
		case 'j': ctl->json = 1; break;
		case 'w':
			if ((rc = parse_ulong("--wait", optarg, 0, MAX_WAIT_S, &wait_s)) != 0)
				return rc;
			ctl->wait_ms = (int)wait_s * 1000;
			break;
		case 'h': usage(stdout); return EX_OK;
		case 'V': printf("tokenctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION); return EX_OK;
		default: return unknown_option("tokenctl", c, argv);
		}
	}
	if (ctl->db[0] == '\0' || ctl->keyfile[0] == '\0')
		return tk_usage("--db and --keyfile need a non-empty path");
	return -1;
}

int
main(int argc, char **argv)
{
	struct ctl ctl = { 0 };
	int rc;

	if (argc < 1)
		return EX_USAGE;
	/* The environment is cleaned before anything (even a passwd lookup)
	 * could consult it. */
	privs_sanitize(getuid() != geteuid() || getgid() != getegid());
	caller_identify(&ctl.who);
	/* Messages are held until exit (exit() flushes them): a caller who
	 * points stderr at a pipe nobody reads must not be able to block us
	 * while we hold the writers' lock, which would stall every
	 * administrator's revocation. */
	setvbuf(stderr, NULL, _IOFBF, 1 << 16);
	ctl.db = tk_default_db();
	ctl.keyfile = tk_default_key();
	ctl.wait_ms = DEFAULT_WAIT_S * 1000;
	ctl.now = (int64_t)time(NULL);
	audit_open();
	rc = parse_global(&ctl, argc, argv);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		usage(stdout);
		return EX_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			rc = commands[i].run(&ctl, argc - optind, argv + optind);
			if (rc == EX_NOPERM)
				audit_refused(&ctl, commands[i].name);
			privs_drop();
			return rc;
		}
	}
	return tk_usage("unknown command '%s'", argv[optind]);
}
