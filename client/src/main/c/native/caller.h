/* What the caller gave this process: descriptors, arguments, environment, terminal. */
#ifndef CB_CALLER_H
#define CB_CALLER_H

#include "frame.h"

/* The STDIO kinds of docs/PROTOCOL.md section 4.2. */
enum stdio_kind { K_OTHER, K_PIPE, K_TERMINAL, K_NULL, K_FILE, K_SOCKET, K_CLOSED, K_FILE_APPEND };

/* Notes which of fds 0-2 the caller left closed and parks /dev/null there, so no later open reuses them. */
void caller_check_closed(void);
/* Whether fd 0, 1 or 2 was closed at start: the client then neither reads nor writes it. */
int caller_closed(int fd);
/* The kind of fd 0, 1 or 2, from /proc/self/fd as the Java client reads it. */
enum stdio_kind caller_kind(int fd);

/* The terminal size of fd 1 (80x24 when the terminal does not say). */
void caller_size(unsigned *columns, unsigned *rows);

/*
 * The REQUEST payload: argv[1..], the environment, the working directory, the TTY field when
 * interactive (tty != 0), the client name and STDIO. Returns 0, or -1 when out of memory.
 */
int caller_request(struct buf *out, int argc, char **argv, int tty);

#endif
