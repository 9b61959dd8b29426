/*
 * claude-bridge-session: runs inside the sandbox as the program bubblewrap starts. It makes the
 * program the leader of a new session, so the daemon can signal that session's process group without
 * also signalling bubblewrap (which would die of the signal and lose the program's exit status), and
 * when descriptor 0 is a terminal it makes that terminal the session's controlling terminal (the
 * daemon starts bubblewrap on it without one), so job control, SIGWINCH and /dev/tty work as on a
 * local terminal. Then it execs the program: nothing of it stays running.
 *
 * usage: claude-bridge-session PROGRAM [ARG...]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: claude-bridge-session PROGRAM [ARG...]\n");
        return 2;
    }
    if (setsid() < 0) {
        fprintf(stderr, "claude-bridge-session: setsid: %s\n", strerror(errno));
        return 126;
    }
    if (isatty(0) && ioctl(0, TIOCSCTTY, 0) < 0) {
        fprintf(stderr, "claude-bridge-session: cannot take the terminal: %s\n", strerror(errno));
        return 126;
    }
    execvp(argv[1], argv + 1);
    fprintf(stderr, "claude-bridge-session: %s: %s\n", argv[1], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
