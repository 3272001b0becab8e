/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokenctl's command line: parses the global options and dispatches to one
 * command, run here or (ctl->socket) sent to httptokend, which runs this
 * same code for its peer. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "conf.h"
#include "tokenctl.h"

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
	{ "sweep", cmd_sweep },
	{ "notify", cmd_notify },
	{ "fleet", cmd_fleet },
	{ "sync", cmd_sync },
	{ "session", cmd_session },
};

static void
usage(FILE *f)
{
	fputs("Usage: tokenctl [--config FILE] [--db PATH] [--keyfile PATH] [--json] [--wait SECONDS]\n"
	      "                [--socket PATH] COMMAND ...\n"
	      "  init [--group GROUP]                  create an empty store and key (administrator)\n"
	      "  create --name NAME [--perm read|write|admin] [--expires DAYS]\n"
	      "         [--project KEY | --repo KEY/SLUG]  print a new token, once, on stdout\n"
	      "         [--use WORD]... [--only KEY|KEY/SLUG]...\n"
	      "  list [--user USER | --all | --project KEY | --repo KEY/SLUG]\n"
	      "       [--expiring DAYS] [--status active|expired|revoked] [--unused DAYS]\n"
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
	      "             [--notify-owner yes|no]\n"
	      "  purge [--revoked] [--expired] [--older-than DAYS]\n"
	      "  backup FILE | restore [--with-policy] FILE\n"
	      "  upgrade                               convert a version-1 store (system administrator)\n"
	      "  project add KEY [--admin USER|@GROUP]... [--description TEXT]\n"
	      "  project edit KEY [--add-admin USER|@GROUP]... [--remove-admin USER|@GROUP]...\n"
	      "               [--description TEXT]\n"
	      "  project remove KEY [--force] | project list | project show KEY\n"
	      "  repo add|edit|remove|show KEY/SLUG ... | repo list [KEY]\n"
	      "  sweep [--dry-run] [--max-missing N] | sweep --reinstate USER\n"
	      "                                        refuse tokens of locked, expired, missing owners\n"
	      "  notify --expiring DAYS [--user USER] [--dry-run]\n"
	      "                                        mail owners about tokens that expire soon\n"
	      "  fleet keygen | fleet init | fleet status   a fleet of hosts (--config)\n"
	      "  sync [--follow] [--replace]           bring this host's replica up to date\n"
	      "  session open|nonce|close              web sessions (httptoken-web; see tokenctl(8))\n"
	      "  --session - [--nonce -] COMMAND ...   COMMAND in a web session (secret on stdin)\n"
	      "Defaults: --db ", f);
	fputs(tk_default_db(), f);
	fputs(" --keyfile ", f);
	fputs(tk_default_key(), f);
	fputs("\nExit status: 0 ok, 64 usage, 65 refused, 66 no such token, 69 store unavailable,\n"
	      "73 cannot create, 74 I/O error, 75 busy, 77 permission denied, 78 unsafe configuration.\n",
	      f);
}

/* The configuration: without the default file, the source is local and
 * everything is as it always was; a file named by --config must exist. A
 * file that is unsafe or does not parse stops every command (78). */
static int
load_config(struct ctl *ctl, int given)
{
	static struct ht_conf conf;
	struct ht_error err = { 0 };
	enum ht_status s = ht_conf_load(ctl->config, &conf, &err);

	if (s == HT_ERR_NOTFOUND && !given)
		return -1;
	if (s != HT_OK)
		return tk_error(s == HT_ERR_NOTFOUND ? EX_CONFIG : tk_exit_code(s), "%s", err.msg);
	ctl->conf = &conf;
	return -1;
}

/* Returns -1 to go on, or an exit status. */
static int
parse_global(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "keyfile", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		{ "socket", required_argument, NULL, 's' },
		{ "session", required_argument, NULL, 'S' },
		{ "nonce", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long wait_s;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if ((c == 'd' || c == 'k' || c == 'w' || c == 'c') && ctl->who.elevated)
			return tk_error(EX_NOPERM, "--%s is only for root: httptokend uses "
			                "the installed store",
			                c == 'd' ? "db" : c == 'k' ? "keyfile" : c == 'c' ? "config"
			                : "wait");
		switch (c) {
		case 'd': ctl->db = optarg; ctl->paths_given |= TK_GAVE_DB; break;
		case 'k': ctl->keyfile = optarg; ctl->paths_given |= TK_GAVE_KEY; break;
		case 'c': ctl->config = optarg; ctl->paths_given |= TK_GAVE_CONFIG; break;
		case 'j': ctl->json = 1; break;
		case 'w':
			if ((rc = parse_ulong("--wait", optarg, 0, MAX_WAIT_S, &wait_s)) != 0)
				return rc;
			ctl->wait_ms = (int)wait_s * 1000;
			ctl->wait_arg = optarg;
			break;
		case 's':
			if (ctl->serving)
				return tk_usage("--socket is an option of the client");
			ctl->socket = optarg;
			break;
		case 'S':
		case 'N':
			/* httptokend takes these off before it dispatches. */
			if (ctl->serving)
				return tk_error(EX_NOPERM, "--session and --nonce come first");
			if (strcmp(optarg, "-") != 0)
				return tk_usage("--%s takes '-': it is read on standard input",
				                c == 'S' ? "session" : "nonce");
			if (c == 'S')
				ctl->web_session = 1;
			else
				ctl->web_nonce = 1;
			break;
		case 'h': usage(stdout); return EX_OK;
		case 'V': printf("tokenctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION); return EX_OK;
		default:
			if (ctl->web_session)
				return tk_error(EX_NOPERM, "this option is not available in a web "
				                "session");
			return unknown_option("tokenctl", c, argv);
		}
	}
	if (ctl->db[0] == '\0' || ctl->keyfile[0] == '\0' || ctl->config[0] == '\0')
		return tk_usage("--config, --db and --keyfile need a non-empty path");
	if (ctl->socket != NULL && ctl->socket[0] == '\0')
		return tk_usage("--socket needs a non-empty path");
	if (ctl->web_nonce && !ctl->web_session)
		return tk_usage("--nonce goes with --session");
	if (ctl->web_session && ctl->paths_given)
		return tk_error(EX_NOPERM, "--db, --keyfile and --config are not available in "
		                "a web session");
	return -1;
}

/* A user's command goes to httptokend, unless they named a store of their
 * own (which they open with their own rights, as any file); root works on
 * the store directly unless a socket is named. */
static void
choose_route(struct ctl *ctl, const char *command)
{
	if (ctl->serving)
		ctl->socket = NULL;
	else if (ctl->socket == NULL && (ctl->web_session || strcmp(command, "session") == 0))
		ctl->socket = tk_default_socket();   /* sessions live in httptokend */
	else if (ctl->socket == NULL && ctl->who.uid != 0 && !ctl->paths_given)
		ctl->socket = tk_default_socket();
}

int
tk_dispatch(struct ctl *ctl, int argc, char **argv)
{
	int rc;

	optind = 0;
	rc = parse_global(ctl, argc, argv);
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
	if (ctl->web_session && !ctl->serving) {
		/* httptokend decides what a session may run. */
		choose_route(ctl, argv[optind]);
		return client_run(ctl, argc - optind, argv + optind);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			choose_route(ctl, commands[i].name);
			if (ctl->socket != NULL)
				return client_run(ctl, argc - optind, argv + optind);
			/* The fleet's configuration is read where the command runs:
			 * in the daemon for a user's command, never by the client. */
			if ((rc = load_config(ctl, ctl->paths_given & TK_GAVE_CONFIG)) >= 0)
				return rc;
			rc = commands[i].run(ctl, argc - optind, argv + optind);
			if (rc == EX_NOPERM)
				audit_refused(ctl, commands[i].name);
			privs_drop();
			return rc;
		}
	}
	return tk_usage("unknown command '%s'", argv[optind]);
}
