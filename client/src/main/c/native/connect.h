/* Reaching a bridge socket, and the messages the client prints of its own (the Java client's Messages). */
#ifndef CB_CONNECT_H
#define CB_CONNECT_H

#include <stddef.h>

#define EXIT_BAD_REQUEST 64
#define EXIT_BRIDGE_UNAVAILABLE 69
#define EXIT_CONNECTION_LOST 74
#define EXIT_PROTOCOL_MISMATCH 76
#define EXIT_PERMISSION_DENIED 77
#define EXIT_BROKEN_PIPE (128 + 13)

/*
 * Connects to the bridge at one entry of CLAUDE_BRIDGE_SOCKET. Returns the socket, or -1 with
 * *status the exit status (69 or 77) and *message (malloc'd) what to print.
 */
int bridge_connect(const char *entry, int *status, char **message);

/* The messages, each ending in a newline; malloc'd. */
char *msg_protocol_mismatch(const char *detail);
char *msg_connection_lost(const char *detail);

#endif
