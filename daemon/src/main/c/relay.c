/*
 * The relay the session helper starts when the daemon gives the sandbox a network proxy (see relay.h).
 * One process, one poll loop: each accepted TCP connection is paired with a new connection to the
 * proxy's Unix socket, and bytes are copied both ways through a buffer per direction. A direction whose
 * source ends is shut down for writing on the other side once its buffer is written (so a half-close
 * passes through); a pair whose both directions ended, or that fails, is closed. At most MAX_PAIRS
 * pairs at once; beyond that, new connections wait in the listen backlog.
 */
#define _GNU_SOURCE
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PAIRS 256
#define BUF_SIZE (64 * 1024)

struct half { /* bytes read from one side, waiting to be written to the other */
    char buf[BUF_SIZE];
    size_t off, len;
    int ended;    /* the source side read end of file */
    int shut;     /* the other side was shut down for writing */
};

struct pair {
    int fd[2];        /* 0: the TCP connection from the tool, 1: the proxy's Unix socket */
    struct half h[2]; /* h[i]: read from fd[i], written to fd[1 - i] */
};

static struct pair *pairs[MAX_PAIRS];
static int npairs;

int relay_listen(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0 || listen(fd, 128) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int connect_proxy(const char *path) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    /* a Unix socket connects at once or fails (EAGAIN: the proxy's backlog is full) */
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void drop(int i) {
    close(pairs[i]->fd[0]);
    close(pairs[i]->fd[1]);
    free(pairs[i]);
    pairs[i] = pairs[--npairs];
}

static void accept_all(int listener, const char *path) {
    while (npairs < MAX_PAIRS) {
        int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0) {
            return; /* EAGAIN, or a connection that went away before it was taken */
        }
        int u = connect_proxy(path);
        struct pair *p = u < 0 ? NULL : calloc(1, sizeof *p);
        if (p == NULL) {
            close(c); /* the tool sees its connection closed: the proxy cannot be reached */
            if (u >= 0) {
                close(u);
            }
            continue;
        }
        p->fd[0] = c;
        p->fd[1] = u;
        pairs[npairs++] = p;
    }
}

/* Moves what it can in direction i of pair p (read from fd[i], write to fd[1-i]); -1 when the pair failed. */
static int pump(struct pair *p, int i, short rev_in) {
    struct half *h = &p->h[i];
    if (h->len == 0 && !h->ended && (rev_in & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = read(p->fd[i], h->buf, BUF_SIZE);
        if (n > 0) {
            h->off = 0;
            h->len = (size_t) n;
        } else if (n == 0) {
            h->ended = 1;
        } else if (errno != EAGAIN && errno != EINTR) {
            return -1;
        }
    }
    if (h->len > 0) { /* just read, or polled for POLLOUT: a write that cannot go now returns EAGAIN */
        ssize_t n = write(p->fd[1 - i], h->buf + h->off, h->len);
        if (n > 0) {
            h->off += (size_t) n;
            h->len -= (size_t) n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return -1;
        }
    }
    if (h->ended && h->len == 0 && !h->shut) {
        shutdown(p->fd[1 - i], SHUT_WR);
        h->shut = 1;
    }
    return 0;
}

/* Whether side s is done both ways: it ended, all it sent was passed on, and it hung up, so nothing more
 * can be delivered to it (poll would report the hang-up again at once on every round). */
static int hung_up(const struct pair *p, int s, short revents) {
    return (revents & POLLERR) || ((revents & POLLHUP) && p->h[s].ended && p->h[s].len == 0);
}

static short wanted(const struct pair *p, int side) {
    short ev = 0;
    if (p->h[side].len == 0 && !p->h[side].ended) {
        ev |= POLLIN;
    }
    if (p->h[1 - side].len > 0) {
        ev |= POLLOUT;
    }
    return ev;
}

static void loop(int listener, const char *path) {
    static struct pollfd fds[1 + 2 * MAX_PAIRS];
    for (;;) {
        fds[0].fd = npairs < MAX_PAIRS ? listener : -1;
        fds[0].events = POLLIN;
        for (int i = 0; i < npairs; i++) {
            for (int s = 0; s < 2; s++) {
                fds[1 + 2 * i + s].fd = pairs[i]->fd[s];
                fds[1 + 2 * i + s].events = wanted(pairs[i], s);
                fds[1 + 2 * i + s].revents = 0;
            }
        }
        int polled = npairs;
        if (poll(fds, 1 + 2 * (nfds_t) polled, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            _exit(1);
        }
        /* pairs polled this round, from the last so that dropping one (which moves the last into its
         * place) never skips or repeats another */
        for (int i = polled - 1; i >= 0; i--) {
            short r0 = fds[1 + 2 * i].revents, r1 = fds[2 + 2 * i].revents;
            struct pair *p = pairs[i];
            if (pump(p, 0, r0) < 0 || pump(p, 1, r1) < 0 || (p->h[0].shut && p->h[1].shut) || hung_up(p, 0, r0)
                    || hung_up(p, 1, r1)) {
                drop(i);
            }
        }
        if (fds[0].revents & POLLIN) {
            accept_all(listener, path);
        }
    }
}

int relay_start(int listener, const char *socket_path) {
    pid_t child = fork();
    if (child < 0) {
        return -1;
    }
    if (child > 0) {
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            errno = EAGAIN; /* the relay could not be forked */
            return -1;
        }
        return 0;
    }
    /* the intermediate process: fork the relay and exit, so the relay's parent is the sandbox's init
     * (which reaps it) and it is no child of the program, which may not expect one */
    pid_t relay = fork();
    if (relay != 0) {
        _exit(relay < 0 ? 1 : 0);
    }
    /* the relay stays in the program's session and group, as no leader of its own (the daemon signals
     * the group that the sandbox's init's child leads), so it ignores what a terminal or the daemon
     * sends that group, and holds no descriptor of the program's */
    prctl(PR_SET_NAME, "bridge-relay");
    int ignored[] = {SIGINT, SIGQUIT, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        signal(ignored[i], SIG_IGN);
    }
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; fd++) {
        if (null >= 0 && fd != null) {
            dup2(null, fd);
        }
    }
    for (int fd = 3; fd < 1024; fd++) {
        if (fd != listener && fd != null) {
            close(fd);
        }
    }
    loop(listener, socket_path);
    _exit(0);
}
