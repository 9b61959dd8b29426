/*
 * The sandbox's way to the network proxy: a loopback TCP port inside the sandbox whose connections
 * are spliced, each to a new connection to the proxy's Unix socket.
 */
#ifndef CLAUDE_BRIDGE_RELAY_H
#define CLAUDE_BRIDGE_RELAY_H

/* Listens on 127.0.0.1:port now, so the port takes connections before the program starts; returns the
 * descriptor (close-on-exec), or -1 with errno set. */
int relay_listen(int port);

/* Starts the relay in the background, in a process of its own (its parent exits at once, so the
 * sandbox's init reaps it): it accepts on listener and connects each connection to the Unix socket at
 * socket_path. It ignores terminal signals and lives until the sandbox's PID namespace ends. Returns 0,
 * or -1 with errno set. */
int relay_start(int listener, const char *socket_path);

#endif
