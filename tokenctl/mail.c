/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mail to a token's owner or a scope's administrators, through
 * sendmail(8) -t -i (the recipients come from the To: header, so nothing
 * taken from the store reaches a command line). Callers send only after
 * the writers' lock is released: a slow or hung mail transfer agent must
 * never hold up everyone's revocations. Mails are plain, short, and never
 * contain a secret: no caller has one to give. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "tokenctl.h"

/* The configured sendmail; root running the tool directly (never through
 * setuid) may name another with TOKENCTL_SENDMAIL, e.g. a test's private
 * mail transfer agent. */
const char *
mail_program(const struct ctl *ctl)
{
	const char *env = getenv("TOKENCTL_SENDMAIL");

	if (env != NULL && env[0] == '/' && ctl->who.uid == 0 && !ctl->who.elevated)
		return env;
	return HT_SENDMAIL;
}

int
mail_available(const struct ctl *ctl)
{
	const char *prog = mail_program(ctl);

	if (access(prog, X_OK) != 0)
		return tk_error(EX_UNAVAILABLE, "cannot send mail: %s: %s (install a mail "
		                "transfer agent, or build with --with-sendmail=PATH)", prog,
		                strerror(errno));
	return 0;
}

/* A user name that can stand alone in a To: header: portable characters. */
int
mail_recipient_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > HT_OWNER_MAX || name[0] == '-' || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

int
mail_open(const struct ctl *ctl, struct mail *m, const char *to, const char *subject)
{
	const char *prog = mail_program(ctl);
	int fds[2];

	memset(m, 0, sizeof(*m));
	if (!mail_recipient_valid(to))
		return tk_error(EX_DATAERR, "cannot mail '%s': not a plain user name", to);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return tk_error(EX_OSERR, "pipe: %s", strerror(errno));
	fflush(NULL);
	m->pid = fork();
	if (m->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return tk_error(EX_OSERR, "fork: %s", strerror(errno));
	}
	if (m->pid == 0) {
		/* Its chatter must not mix with our standard output. */
		if (dup2(fds[0], STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(EX_OSERR);
		execl(prog, prog, "-t", "-i", (char *)NULL);
		_exit(EX_UNAVAILABLE);
	}
	close(fds[0]);
	m->f = fdopen(fds[1], "w");
	if (m->f == NULL) {
		close(fds[1]);
		waitpid(m->pid, NULL, 0);
		return tk_error(EX_OSERR, "fdopen: %s", strerror(errno));
	}
	/* sendmail may exit early: a write error then, not a SIGPIPE death. */
	m->old_pipe = signal(SIGPIPE, SIG_IGN);
	fprintf(m->f, "To: %s\nSubject: %s\nAuto-Submitted: auto-generated\n"
	        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
	        "Content-Transfer-Encoding: 8bit\n\n", to, subject);
	return 0;
}

int
mail_close(struct mail *m, const char *to)
{
	int status = 0, werr = ferror(m->f);

	werr |= fclose(m->f) != 0;
	while (waitpid(m->pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, m->old_pipe);
	if (werr || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return tk_error(EX_UNAVAILABLE, "mail to %s was not accepted by %s (exit %d)", to,
		                "sendmail", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
