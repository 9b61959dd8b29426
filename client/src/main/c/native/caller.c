/*
 * The caller's side of a REQUEST, built as the Java client builds it (Invocation, CallerStdio,
 * NativeTerminal): the same fields in the same order, so the daemon cannot tell the clients apart.
 */
#include "caller.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

enum { TAG_ARG = 1, TAG_ENV = 2, TAG_CWD = 3, TAG_TTY = 4, TAG_CLIENT = 5, TAG_STDIO = 6 };

static int closed_fds[3];

void caller_check_closed(void) {
    for (int fd = 0; fd < 3; fd++) {
        closed_fds[fd] = fcntl(fd, F_GETFD) < 0;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (closed_fds[fd]) {
            /* open returns the lowest free number: the first closed one, then the next */
            int n = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (n >= 0 && n != fd) {
                close(n);
            }
        }
    }
}

int caller_closed(int fd) {
    return fd >= 0 && fd < 3 && closed_fds[fd];
}

enum stdio_kind caller_kind(int fd) {
    if (caller_closed(fd)) {
        return K_CLOSED;
    }
    char link[32], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) {
        return K_OTHER; /* no /proc: say nothing, the host process gets a pipe as before */
    }
    target[n] = 0;
    struct stat st;
    if (isatty(fd)) {
        return K_TERMINAL;
    } else if (strcmp(target, "/dev/null") == 0) {
        return K_NULL;
    } else if (strncmp(target, "pipe:[", 6) == 0) {
        return K_PIPE;
    } else if (strncmp(target, "socket:[", 8) == 0) {
        return K_SOCKET;
    } else if (target[0] == '/' && stat(link, &st) == 0 && S_ISREG(st.st_mode)) {
        int flags = fcntl(fd, F_GETFL);
        return flags >= 0 && (flags & O_APPEND) ? K_FILE_APPEND : K_FILE;
    }
    return K_OTHER;
}

void caller_size(unsigned *columns, unsigned *rows) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    ioctl(1, TIOCGWINSZ, &ws);
    *columns = ws.ws_col ? ws.ws_col : 80;
    *rows = ws.ws_row ? ws.ws_row : 24;
}

/* One tagged field whose value is a C string, made valid UTF-8 as the Java client's decoding makes it. */
static void string_field(struct buf *out, int tag, const char *s) {
    struct buf v = {0};
    buf_utf8_lenient(&v, s);
    buf_u8(out, tag);
    buf_u32(out, (uint32_t) v.len);
    buf_bytes(out, v.data, v.len);
    out->failed |= v.failed;
    free(v.data);
}

/* The caller's directory as the caller sees it; PWD when getcwd cannot say (a removed directory). */
static char *working_directory(void) {
    char *cwd = getcwd(NULL, 0);
    if (cwd != NULL) {
        return cwd;
    }
    const char *pwd = getenv("PWD");
    return strdup(pwd != NULL && pwd[0] == '/' ? pwd : "/");
}

int caller_request(struct buf *out, int argc, char **argv, int tty) {
    for (int i = 1; i < argc; i++) {
        string_field(out, TAG_ARG, argv[i]);
    }
    for (char **e = environ; *e != NULL; e++) {
        const char *eq = strchr(*e, '=');
        if (eq != NULL && eq != *e) { /* a NAME=VALUE entry with a name: what a JVM's getenv() sees */
            string_field(out, TAG_ENV, *e);
        }
    }
    char *cwd = working_directory();
    if (cwd == NULL) {
        return -1;
    }
    string_field(out, TAG_CWD, cwd);
    free(cwd);
    if (tty) {
        unsigned columns, rows;
        caller_size(&columns, &rows);
        const char *term = getenv("TERM");
        struct buf v = {0};
        buf_u16(&v, columns);
        buf_u16(&v, rows);
        buf_utf8_lenient(&v, term != NULL ? term : "");
        buf_u8(out, TAG_TTY);
        buf_u32(out, (uint32_t) v.len);
        buf_bytes(out, v.data, v.len);
        out->failed |= v.failed;
        free(v.data);
    }
    const char *name = getenv("CLAUDE_BRIDGE_CLIENT_NAME");
    if (name == NULL) {
        name = getenv("HOSTNAME");
    }
    string_field(out, TAG_CLIENT, name != NULL ? name : "");
    enum stdio_kind in = caller_kind(0), o = caller_kind(1), err = caller_kind(2);
    if (in != K_OTHER || o != K_OTHER || err != K_OTHER) {
        /* left out when it says nothing: the request is then byte for byte an older client's */
        buf_u8(out, TAG_STDIO);
        buf_u32(out, 3);
        buf_u8(out, in);
        buf_u8(out, o);
        buf_u8(out, err);
    }
    return out->failed ? -1 : 0;
}
