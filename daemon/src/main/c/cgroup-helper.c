/*
 * claude-bridge-cgroup: the daemon's helper for per-request cgroups (cgroup v2).
 *
 *   claude-bridge-cgroup exec CGROUP PROGRAM ARGV0 ARG...
 *     Joins the cgroup directory CGROUP (writes its own pid to CGROUP/cgroup.procs), then execs PROGRAM
 *     with ARGV0 ARG... as its argv and the environment unchanged, so the process is in its request's cgroup
 *     before it can start anything. Descriptor 3 is a close-on-exec status pipe: a successful exec
 *     closes it unread; a failure writes one byte ('c': joining the cgroup, 'e': exec) and errno as
 *     four bytes, then exits 127. posix_spawn cannot place a child in a cgroup (glibc < 2.41), and a
 *     shell would rewrite the environment (dash drops names it cannot parse, sets PWD and IFS).
 *
 *   claude-bridge-cgroup watch DIR
 *     Forks, the parent exiting at once; the child reads its standard input until end of file (the daemon holds the only write end, so end of file
 *     means the daemon is gone, however it ended), then kills every process in DIR and its descendant
 *     cgroups (cgroup.kill), waits for them to leave, and removes DIR's child cgroups and DIR itself.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int write_file(const char *dir, const char *name, const char *text) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int) sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return n < 0 ? -1 : 0;
}

static void report(char stage, int err) {
    unsigned char msg[5] = {(unsigned char) stage};
    memcpy(msg + 1, &err, sizeof err);
    ssize_t ignored = write(3, msg, sizeof msg);
    (void) ignored;
    _exit(127);
}

static int run(int argc, char **argv) {
    if (argc < 5) {
        return 2;
    }
    if (fcntl(3, F_SETFD, FD_CLOEXEC) != 0) {
        return 2; /* no status pipe: not started by the daemon */
    }
    if (write_file(argv[2], "cgroup.procs", "0") != 0) {
        report('c', errno);
    }
    execv(argv[3], argv + 4);
    report('e', errno);
    return 127;
}

static int populated(const char *dir) {
    char path[4096], buf[256];
    snprintf(path, sizeof path, "%s/cgroup.events", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = 0;
    return strstr(buf, "populated 1") != NULL;
}

static int watch(const char *dir) {
    char buf[512];
    /* the daemon reaps this process at once; the watcher itself is no child of the daemon, so it is not
       taken for part of a host tree, and nothing needs to wait for it */
    pid_t child = fork();
    if (child < 0) {
        return 1;
    }
    if (child > 0) {
        return 0;
    }
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR)) {
            break;
        }
    }
    if (access(dir, F_OK) != 0) {
        return 0; /* the daemon removed it on its way out */
    }
    write_file(dir, "cgroup.kill", "1");
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int i = 0; i < 500 && populated(dir); i++) { /* up to 10 s: SIGKILL cannot be ignored */
        nanosleep(&tick, NULL);
    }
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                char child[4096];
                if (snprintf(child, sizeof child, "%s/%s", dir, e->d_name) < (int) sizeof child) {
                    rmdir(child);
                }
            }
        }
        closedir(d);
    }
    rmdir(dir);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "exec") == 0) {
        return run(argc, argv);
    }
    if (argc == 3 && strcmp(argv[1], "watch") == 0) {
        return watch(argv[2]);
    }
    fprintf(stderr, "usage: claude-bridge-cgroup exec CGROUP PROGRAM ARGV0 ARG... | watch DIR\n");
    return 2;
}
