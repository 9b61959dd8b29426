/*
 * connect(2) to the bridge's Unix socket, with the Java client's message for each way it can fail
 * (SocketConnector.failure, Messages): the seed's "Unable to connect to host" text word for word.
 * This client speaks unix:// only; a URL of another scheme is a bridge it cannot reach, and says so
 * in a message of its own.
 */
#include "connect.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char *format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t) n + 1);
    if (s != NULL) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t) n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

static char *msg_unavailable(const char *socket, const char *why) {
    return format("Claude Code Bridge Error: Unable to connect to host\n"
                  "\n"
                  "To use Claude Code in this container:\n"
                  "1. Ensure claude-bridge service is running on host\n"
                  "2. Check socket mount at %s\n"
                  "3. Verify host has Claude Code installed and authenticated\n"
                  "\n"
                  "Alternative: Use Task Master with API-based models instead\n"
                  "\n"
                  "Details: %s\n",
                  socket, why);
}

static char *msg_permission_denied(const char *socket) {
    return format("claude-bridge: permission denied on %s\n"
                  "This user (uid %u) may not connect to the bridge socket. Run the container with a\n"
                  "user or group that the socket allows (the daemon's socket-mode and socket-group settings).\n",
                  socket, (unsigned) geteuid());
}

char *msg_protocol_mismatch(const char *detail) {
    return format("claude-bridge: protocol mismatch: %s\n"
                  "The container's claude client and the host's claude-bridge daemon must speak the same\n"
                  "protocol version: update the older of the two.\n",
                  detail);
}

char *msg_connection_lost(const char *detail) {
    return format("\nclaude-bridge: connection to the bridge lost before claude finished (%s).\n"
                  "The daemon may have stopped or restarted; the host process has been ended.\n",
                  detail);
}

static int unavailable(const char *path, const char *why, int *status, char **message) {
    *status = EXIT_BRIDGE_UNAVAILABLE;
    *message = msg_unavailable(path, why);
    return -1;
}

int bridge_connect(const char *entry, int *status, char **message) {
    const char *path = entry;
    if (strncmp(entry, "unix://", 7) == 0) {
        path = entry + 7;
    } else if (strstr(entry, "://") != NULL) {
        /* not the "Unable to connect" text: the bridge may be fine, this client cannot speak to it */
        *status = EXIT_BRIDGE_UNAVAILABLE;
        *message = format("claude-bridge: %s: this client speaks unix:// only; a tls:// or wss:// bridge needs\n"
                          "the Java client (bin/claude), or a bridge socket mounted into this container.\n",
                          entry);
        return -1;
    }
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    size_t n = strlen(path);
    int err;
    int fd = -1;
    if (n == 0 || n >= sizeof addr.sun_path) {
        err = ENAMETOOLONG;
    } else {
        memcpy(addr.sun_path, path, n);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *) &addr, sizeof addr) == 0) {
            return fd;
        }
        err = errno;
        if (fd >= 0) {
            close(fd);
        }
    }
    if (err == EACCES) {
        *status = EXIT_PERMISSION_DENIED;
        *message = msg_permission_denied(path);
        return -1;
    }
    struct stat st;
    char *why;
    if (err == ENOENT) {
        why = format("no socket at %s (is it mounted into this container?)", path);
    } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* what Docker leaves when it bind-mounts a socket that did not exist yet */
        why = format("%s is a directory, not the bridge's socket"
                     " (was the socket mounted before the bridge made it? mount the socket's directory instead)",
                     path);
    } else if (err == ECONNREFUSED || err == ENOTSOCK) {
        why = format("nothing is listening on %s (a stale socket file: is the bridge running?)", path);
    } else {
        why = format("cannot connect to %s: errno %d", path, err);
    }
    int r = unavailable(path, why, status, message);
    free(why);
    return r;
}
