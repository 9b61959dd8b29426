/*
 * claude: the container client as one static executable (docs/PROTOCOL.md, section 9). Every
 * argument belongs to the host's claude; the client has no flags of its own. It behaves as the Java
 * client (client/src/main/java/.../BridgeCall.java) does, message for message and status for status.
 *
 * Threads: the main thread reads frames and writes the program's output (so a caller that stops
 * reading stalls the connection, as the protocol wants); a stdin thread sends STDIN against credit;
 * a signal thread turns SIGINT/SIGTERM/SIGHUP into SIGNAL frames and SIGWINCH into RESIZE. Frames
 * from the three go through one mutex, whole.
 */
#include "caller.h"
#include "connect.h"
#include "frame.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SOFTWARE "claude-bridge-client (native)"
#define DEFAULT_SOCKET "/host/claude-bridge.sock"
#define QUEUE_NOTICE_AFTER_NS 1000000000LL

static int sock = -1;
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_mutex_t credit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t credit_cond = PTHREAD_COND_INITIALIZER;
static uint64_t credit;

static struct termios saved_termios;
static int raw_active;
static atomic_int resizing; /* SIGWINCH is forwarded once the remote terminal runs */
static unsigned sent_columns, sent_rows;

/* The caller's reader buffer: the largest frame (an ERROR) fits whole. */
static uint8_t rbuf[FRAME_HEADER + FRAME_MAX_PAYLOAD];
static size_t rpos, rlen;

/* ---- output ---- */

/* Writes all of v[0..n), waiting out EINTR and a descriptor someone else made non-blocking. */
static int writev_all(int fd, struct iovec *v, int n) {
    while (n > 0) {
        ssize_t w = writev(fd, v, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd pfd = {.fd = fd, .events = POLLOUT};
                poll(&pfd, 1, -1);
                continue;
            }
            return -1;
        }
        while (n > 0 && (size_t) w >= v->iov_len) {
            w -= (ssize_t) v->iov_len;
            v++;
            n--;
        }
        if (n > 0) {
            v->iov_base = (uint8_t *) v->iov_base + w;
            v->iov_len -= (size_t) w;
        }
    }
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
    struct iovec v = {(void *) p, n};
    return writev_all(fd, &v, 1);
}

static void restore_terminal(void) {
    if (raw_active) {
        tcsetattr(0, TCSADRAIN, &saved_termios);
        raw_active = 0;
    }
}

/* Prints a message of the client's own, on a terminal in its normal mode; frees it. */
static void say(char *text) {
    restore_terminal();
    if (text != NULL && !caller_closed(2)) {
        write_all(2, (const uint8_t *) text, strlen(text));
    }
    free(text);
}

/*
 * The queue notice with the daemon's reason (why starts wait: the API's limits, the start rate), as the
 * Java client prints it: control characters, C0 and C1, shown as '?'.
 */
static char *queued_reason(const uint8_t *r, size_t n, uint32_t position, uint32_t length) {
    char *line = malloc(n + 96);
    if (line == NULL) {
        return NULL;
    }
    size_t at = (size_t) sprintf(line, "claude-bridge: waiting: ");
    for (size_t i = 0; i < n; i++) {
        if (r[i] < 0x20 || r[i] == 0x7f) {
            line[at++] = '?';
        } else if (r[i] == 0xc2 && i + 1 < n && r[i + 1] >= 0x80 && r[i + 1] <= 0x9f) {
            line[at++] = '?';
            i++;
        } else {
            line[at++] = (char) r[i];
        }
    }
    sprintf(line + at, " (position %lu of %lu)\n", (unsigned long) position, (unsigned long) length);
    return line;
}

static void finish(int status) __attribute__((noreturn));
static void finish(int status) {
    restore_terminal(); /* on every way out: the caller's shell gets its terminal back as it was */
    _exit(status);
}

static int lost(const char *detail) {
    say(msg_connection_lost(detail));
    return EXIT_CONNECTION_LOST;
}

static int mismatch(const char *detail) {
    say(msg_protocol_mismatch(detail));
    return EXIT_PROTOCOL_MISMATCH;
}

/* ---- frames to the daemon ---- */

static int send_frame(int type, const void *payload, size_t len) {
    uint8_t header[FRAME_HEADER];
    header[0] = (uint8_t) type;
    put_u32(header + 1, (uint32_t) len);
    struct iovec iov[2] = {{header, sizeof header}, {(void *) payload, len}};
    pthread_mutex_lock(&write_lock);
    int r = writev_all(sock, iov, len > 0 ? 2 : 1);
    pthread_mutex_unlock(&write_lock);
    return r;
}

static void send_size(void) {
    unsigned columns, rows;
    caller_size(&columns, &rows);
    uint8_t p[4] = {(uint8_t) (columns >> 8), (uint8_t) columns, (uint8_t) (rows >> 8), (uint8_t) rows};
    send_frame(F_RESIZE, p, sizeof p); /* connection gone: the main thread reports it */
}

/* ---- frames from the daemon ---- */

/* The next frame: 1, 0 at a clean end of stream, -1 on a read error, -2 on a protocol error (err says). */
static int read_frame(struct frame *f, char *err) {
    for (;;) {
        size_t used;
        switch (frame_next(rbuf + rpos, rlen - rpos, f, &used, err)) {
        case FRAME_OK:
            rpos += used;
            return 1;
        case FRAME_BAD:
            return -2;
        case FRAME_MORE:
            break;
        }
        if (rpos > 0 && sizeof rbuf - rlen < FRAME_HEADER + FRAME_MAX_DATA) {
            memmove(rbuf, rbuf + rpos, rlen - rpos);
            rlen -= rpos;
            rpos = 0;
        }
        ssize_t n = read(sock, rbuf + rlen, sizeof rbuf - rlen);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            size_t left = rlen - rpos;
            if (left == 0) {
                return 0;
            }
            snprintf(err, FRAME_ERR_LEN, "stream ended inside a frame's %s%s",
                     left < FRAME_HEADER ? "header" : frame_name(rbuf[rpos]), left < FRAME_HEADER ? "" : " payload");
            return -2;
        }
        rlen += (size_t) n;
    }
}

/*
 * Writes a STDOUT or STDERR payload and those of the frames of the same type that follow it, already
 * whole in the buffer, with one writev: fewer system calls for a stream of 32 KiB frames.
 */
static int write_output(int fd, const struct frame *first) {
    enum { MAX_IOV = 64 };
    struct iovec iov[MAX_IOV];
    int n = 0;
    iov[n++] = (struct iovec){(void *) first->payload, first->length};
    char err[FRAME_ERR_LEN];
    while (n < MAX_IOV) {
        struct frame f;
        size_t used;
        if (frame_next(rbuf + rpos, rlen - rpos, &f, &used, err) != FRAME_OK || f.type != first->type) {
            break;
        }
        rpos += used;
        iov[n++] = (struct iovec){(void *) f.payload, f.length};
    }
    return writev_all(fd, iov, n);
}

/* ---- threads ---- */

static void grant(uint32_t bytes) {
    pthread_mutex_lock(&credit_lock);
    credit += bytes;
    pthread_cond_broadcast(&credit_cond);
    pthread_mutex_unlock(&credit_lock);
}

static size_t take(size_t wanted) {
    pthread_mutex_lock(&credit_lock);
    while (credit == 0) {
        pthread_cond_wait(&credit_cond, &credit_lock);
    }
    size_t n = wanted < credit ? wanted : (size_t) credit;
    credit -= n;
    pthread_mutex_unlock(&credit_lock);
    return n;
}

/* Copies stdin to STDIN frames, never more than the credit allows, then STDIN_EOF. */
static void *stdin_pump(void *arg) {
    (void) arg;
    static uint8_t buf[FRAME_MAX_DATA];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {.fd = 0, .events = POLLIN};
            poll(&pfd, 1, -1);
            continue;
        }
        if (n <= 0) { /* a closed or unreadable stdin reads as empty, as it would for a local claude */
            send_frame(F_STDIN_EOF, NULL, 0);
            return NULL;
        }
        for (size_t off = 0; off < (size_t) n;) {
            size_t len = take((size_t) n - off);
            if (send_frame(F_STDIN, buf + off, len) < 0) {
                return NULL; /* the connection is gone; the main thread reports it */
            }
            off += len;
        }
    }
}

static sigset_t forwarded;

/* SIGINT, SIGTERM and SIGHUP go to the host process group instead of ending the client. */
static void *signal_forwarder(void *arg) {
    (void) arg;
    for (;;) {
        int sig;
        if (sigwait(&forwarded, &sig) != 0) {
            continue;
        }
        if (sig == SIGWINCH) {
            if (atomic_load(&resizing)) {
                send_size();
            }
        } else {
            uint8_t number = (uint8_t) sig; /* INT 2, TERM 15, HUP 1: the Linux numbers the protocol uses */
            send_frame(F_SIGNAL, &number, 1);
        }
    }
    return NULL;
}

/* Stands in for an inherited SIG_IGN, which would make the kernel drop the signal before sigwait sees it. */
static void dropped(int sig) {
    (void) sig;
}

/*
 * The real claude handles SIGINT, SIGTERM and SIGHUP whatever it inherited (a script's & job, nohup),
 * so the client takes an inherited "ignore" back, then waits for them in a thread of its own.
 */
static void start_forwarding(void) {
    sigemptyset(&forwarded);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        sigaddset(&forwarded, sigs[i]);
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN) {
            struct sigaction act;
            memset(&act, 0, sizeof act);
            act.sa_handler = dropped;
            sigemptyset(&act.sa_mask);
            act.sa_flags = SA_RESTART;
            sigaction(sigs[i], &act, NULL);
        }
    }
    pthread_sigmask(SIG_BLOCK, &forwarded, NULL); /* before any thread starts: they all inherit it */
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, signal_forwarder, NULL);
    if (caller_closed(0)) {
        send_frame(F_STDIN_EOF, NULL, 0); /* fd 0 was closed: nothing to read, EOF at once */
    } else {
        pthread_create(&t, &attr, stdin_pump, NULL);
    }
    pthread_attr_destroy(&attr);
}

/* Raw mode for the remote terminal, and window-size changes forwarded as RESIZE frames. */
static void enter_terminal_mode(void) {
    struct termios raw;
    if (tcgetattr(0, &saved_termios) == 0) {
        raw = saved_termios;
        cfmakeraw(&raw);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        raw_active = tcsetattr(0, TCSADRAIN, &raw) == 0;
    }
    atomic_store(&resizing, 1);
    unsigned columns, rows;
    caller_size(&columns, &rows);
    if (columns != sent_columns || rows != sent_rows) {
        send_size(); /* the window may have changed while the request waited in the queue */
    }
}

/* ---- the conversation ---- */

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int error_frame(const struct frame *f) {
    char err[FRAME_ERR_LEN];
    struct bridge_error e;
    if (decode_error(f, &e, err) < 0) {
        return mismatch(err);
    }
    /* the message's bytes as they came (a NUL among them included), with a newline when it has none */
    struct buf text = {0};
    buf_bytes(&text, "claude-bridge: ", 15);
    buf_bytes(&text, e.message, e.message_len);
    if (e.message_len == 0 || e.message[e.message_len - 1] != '\n') {
        buf_u8(&text, '\n');
    }
    restore_terminal();
    if (!text.failed && !caller_closed(2)) {
        write_all(2, text.data, text.len);
    }
    free(text.data);
    return e.status;
}

static int stream(long long sent_at, int tty) {
    int started = 0;
    char err[FRAME_ERR_LEN];
    for (;;) {
        struct frame f;
        int r = read_frame(&f, err);
        if (r == 0) {
            return lost("the bridge closed the connection");
        } else if (r == -1) {
            return lost(strerror(errno));
        } else if (r == -2) {
            close(sock); /* a frame this client cannot decode: the daemon speaks something else */
            return mismatch(err);
        }
        uint32_t a, b;
        int status;
        switch (f.type) {
        case F_STDOUT:
        case F_STDERR: {
            int fd = f.type == F_STDOUT ? 1 : 2;
            /* a descriptor closed when we started is /dev/null of ours now: the output goes nowhere */
            if (!caller_closed(fd) && write_output(fd, &f) < 0) {
                close(sock); /* ends the host process, as SIGPIPE would end a local one */
                return EXIT_BROKEN_PIPE;
            }
            break;
        }
        case F_QUEUED:
            if (!started && now_ns() - sent_at > QUEUE_NOTICE_AFTER_NS) {
                if (decode_queued(&f, &a, &b, err) < 0) {
                    close(sock);
                    return mismatch(err);
                }
                if (f.length > 8) {
                    say(queued_reason(f.payload + 8, f.length - 8, a, b));
                } else {
                    char line[96];
                    snprintf(line, sizeof line, "claude-bridge: waiting for a free slot (position %lu of %lu)\n",
                             (unsigned long) a, (unsigned long) b);
                    say(strdup(line));
                }
            }
            break;
        case F_STDIN_CREDIT:
            if (decode_u32(&f, F_STDIN_CREDIT, &a, err) < 0) {
                close(sock);
                return mismatch(err);
            }
            grant(a);
            break;
        case F_STARTED:
            started = 1;
            if (tty) {
                enter_terminal_mode();
            }
            break;
        case F_EXIT:
            if (decode_exit(&f, &status, err) < 0) {
                close(sock);
                return mismatch(err);
            }
            return status;
        case F_ERROR:
            return error_frame(&f);
        default:
            snprintf(err, sizeof err, "unexpected %s frame from the daemon", frame_name(f.type));
            close(sock);
            return mismatch(err);
        }
    }
}

static int converse(int argc, char **argv) {
    char err[FRAME_ERR_LEN];
    struct buf hello = {0};
    buf_bytes(&hello, "CBRIDGE", 7);
    buf_u8(&hello, PROTOCOL_VERSION);
    buf_bytes(&hello, SOFTWARE, strlen(SOFTWARE));
    if (hello.failed || send_frame(F_HELLO, hello.data, hello.len) < 0) {
        return lost(strerror(errno));
    }
    free(hello.data);
    struct frame f;
    int r = read_frame(&f, err);
    if (r == 0) {
        return lost("the bridge closed the connection during the handshake");
    } else if (r == -1) {
        return lost(strerror(errno));
    } else if (r == -2) {
        return mismatch(err);
    }
    if (f.type == F_ERROR) {
        return error_frame(&f);
    }
    struct hello h;
    if (decode_hello(&f, &h, err) < 0) {
        return mismatch("the socket's peer is not a claude-bridge daemon");
    }
    if (h.version != PROTOCOL_VERSION) {
        char detail[400];
        snprintf(detail, sizeof detail, "daemon (%.*s) speaks version %d, this client speaks %d",
                 (int) (h.software_len > 256 ? 256 : h.software_len), (const char *) h.software, h.version,
                 PROTOCOL_VERSION);
        return mismatch(detail);
    }
    /* the host gets a terminal when both stdin and stdout are ours (so `echo x | claude` and `claude | less` stay pipes) */
    int tty = !caller_closed(0) && !caller_closed(1) && isatty(0) && isatty(1);
    if (tty) {
        caller_size(&sent_columns, &sent_rows);
    }
    struct buf request = {0};
    if (caller_request(&request, argc, argv, tty) < 0) {
        return lost("out of memory");
    }
    if (request.len > FRAME_MAX_PAYLOAD) {
        char text[160];
        snprintf(text, sizeof text,
                 "claude-bridge: the arguments and environment are larger than the %u-byte request limit\n",
                 FRAME_MAX_PAYLOAD);
        say(strdup(text));
        return EXIT_BAD_REQUEST;
    }
    if (send_frame(F_REQUEST, request.data, request.len) < 0) {
        return lost(strerror(errno));
    }
    free(request.data);
    long long sent_at = now_ns();
    start_forwarding();
    return stream(sent_at, tty);
}

int main(int argc, char **argv) {
    caller_check_closed(); /* first: nothing may take a closed descriptor's number */
    signal(SIGPIPE, SIG_IGN); /* a closed reader shows as EPIPE, handled where it happens */
    /* as the Java client: CLAUDE_BRIDGE_URL, when set, wins over CLAUDE_BRIDGE_SOCKET */
    const char *list = getenv("CLAUDE_BRIDGE_URL");
    if (list == NULL || strspn(list, " \t\n\r\f\v") == strlen(list)) {
        list = getenv("CLAUDE_BRIDGE_SOCKET");
    }
    char *sockets = strdup(list != NULL ? list : "");
    int status = EXIT_BRIDGE_UNAVAILABLE;
    char *message = NULL;
    int tried = 0;
    char *save = NULL;
    for (char *entry = strtok_r(sockets, ",", &save);; entry = strtok_r(NULL, ",", &save)) {
        if (entry == NULL) {
            if (tried) {
                break;
            }
            entry = DEFAULT_SOCKET; /* no entry in the list at all */
        } else {
            while (*entry > 0 && *entry <= ' ') {
                entry++;
            }
            size_t n = strlen(entry);
            while (n > 0 && (unsigned char) entry[n - 1] <= ' ') {
                entry[--n] = 0;
            }
            if (n == 0) {
                continue;
            }
        }
        tried = 1;
        free(message);
        message = NULL;
        sock = bridge_connect(entry, &status, &message);
        if (sock >= 0) {
            finish(converse(argc, argv));
        }
        /* only an unreachable bridge moves on to the next one listed; a permission problem is the user's to fix */
        if (status != EXIT_BRIDGE_UNAVAILABLE || entry == (char *) DEFAULT_SOCKET) {
            break;
        }
    }
    if (message != NULL && !caller_closed(2)) {
        write_all(2, (const uint8_t *) message, strlen(message));
    }
    finish(status);
}
