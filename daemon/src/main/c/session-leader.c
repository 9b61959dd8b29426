/*
 * claude-bridge-session: runs inside the sandbox as the program bubblewrap starts. It makes the
 * program the leader of a new session, so the daemon can signal that session's process group without
 * also signalling bubblewrap (which would die of the signal and lose the program's exit status), and
 * when descriptor 0 is a terminal it makes that terminal the session's controlling terminal (the
 * daemon starts bubblewrap on it without one), so job control, SIGWINCH and /dev/tty work as on a
 * local terminal. With --relay it first starts the network relay (relay.c): 127.0.0.1:PORT inside the
 * sandbox, each connection passed on to the network proxy's Unix socket, listening before the program
 * starts and ending with the sandbox's PID namespace. Then it execs the program: nothing of it stays
 * running but the relay.
 *
 * usage: claude-bridge-session [--relay=PORT:SOCKET] PROGRAM [ARG...]
 */
#include "relay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Starts the relay that --relay=PORT:SOCKET asks for; 0, or -1 after saying why. */
static int start_relay(const char *spec) {
    char *end;
    long port = strtol(spec, &end, 10);
    if (end == spec || *end != ':' || port < 1 || port > 65535 || end[1] != '/') {
        fprintf(stderr, "claude-bridge-session: --relay wants PORT:/SOCKET/PATH, got '%s'\n", spec);
        return -1;
    }
    int listener = relay_listen((int) port);
    if (listener < 0) {
        fprintf(stderr, "claude-bridge-session: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
        return -1;
    }
    if (relay_start(listener, end + 1) < 0) {
        fprintf(stderr, "claude-bridge-session: cannot start the network relay: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    int first = 1;
    const char *relay = NULL;
    if (argc > 1 && strncmp(argv[1], "--relay=", 8) == 0) {
        relay = argv[1] + 8;
        first = 2;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: claude-bridge-session [--relay=PORT:SOCKET] PROGRAM [ARG...]\n");
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
    if (relay != NULL && start_relay(relay) < 0) {
        return 126; /* the profile allows network: without the relay the run would silently lack it */
    }
    execvp(argv[first], argv + first);
    fprintf(stderr, "claude-bridge-session: %s: %s\n", argv[first], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
