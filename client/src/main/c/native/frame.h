/*
 * The wire format of docs/PROTOCOL.md, without any I/O: frame headers, the payloads a client reads,
 * and the REQUEST it writes. Everything the daemon sends passes through frame_next before the client
 * acts on it, so this is the code the fuzz harness (fuzz.c) exercises.
 */
#ifndef CB_FRAME_H
#define CB_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum frame_type {
    F_HELLO = 0x01,
    F_REQUEST = 0x02,
    F_STDIN = 0x03,
    F_STDIN_EOF = 0x04,
    F_RESIZE = 0x05,
    F_SIGNAL = 0x06,
    F_STDOUT = 0x10,
    F_STDERR = 0x11,
    F_EXIT = 0x12,
    F_ERROR = 0x13,
    F_QUEUED = 0x14,
    F_STARTED = 0x15,
    F_STDIN_CREDIT = 0x16,
};

#define FRAME_HEADER 5
#define FRAME_MAX_DATA 65536u
#define FRAME_MAX_PAYLOAD 1048576u
#define PROTOCOL_VERSION 1

/* A frame as it lies in the reader's buffer: the payload points into that buffer. */
struct frame {
    int type;
    const uint8_t *payload;
    uint32_t length;
};

enum frame_result { FRAME_OK, FRAME_MORE, FRAME_BAD };

/* Error text for a FRAME_BAD, in the reference decoder's words. */
#define FRAME_ERR_LEN 160

/* The frame type's name, or NULL for a type version 1 does not have. */
const char *frame_name(int type);

/* The largest payload a frame of this type may carry. */
uint32_t frame_limit(int type);

/*
 * The next frame in buf[0..len): FRAME_OK (f filled, *used the bytes it took), FRAME_MORE (an
 * incomplete frame: read more, keeping these bytes), or FRAME_BAD (err says why: an unknown type or a
 * length above the type's limit, found from the header alone, before any payload is awaited).
 */
enum frame_result frame_next(const uint8_t *buf, size_t len, struct frame *f, size_t *used, char *err);

/* Payload decoders: 0 on success, -1 with err set when the payload is malformed. */
struct hello {
    int version;
    const uint8_t *software;
    size_t software_len;
};
struct bridge_error {
    int status;
    const uint8_t *code;
    size_t code_len;
    const uint8_t *message;
    size_t message_len;
};
int decode_hello(const struct frame *f, struct hello *h, char *err);
int decode_error(const struct frame *f, struct bridge_error *e, char *err);
/* The EXIT frame as the status a shell would report: the code & 0xff, or 128 + the signal. */
int decode_exit(const struct frame *f, int *status, char *err);
int decode_u32(const struct frame *f, int type, uint32_t *v, char *err);
int decode_queued(const struct frame *f, uint32_t *position, uint32_t *length, char *err);

/* Whether s[0..n) is strict UTF-8 (no overlongs, surrogates or values above U+10FFFF). */
int utf8_valid(const uint8_t *s, size_t n);

/*
 * Length of the well-formed UTF-8 sequence at s[0..n), or the negative length of the maximal
 * ill-formed subpart there (which a lenient decoder replaces by one U+FFFD).
 */
int utf8_step(const uint8_t *s, size_t n);

/* A growing byte buffer for encoding; on allocation failure it stays marked failed. */
struct buf {
    uint8_t *data;
    size_t len, cap;
    int failed;
};
void buf_bytes(struct buf *b, const void *p, size_t n);
void buf_u8(struct buf *b, unsigned v);
void buf_u16(struct buf *b, unsigned v);
void buf_u32(struct buf *b, uint32_t v);
/* Appends s as UTF-8, each ill-formed subpart replaced by U+FFFD (what the Java client sends). */
void buf_utf8_lenient(struct buf *b, const char *s);

void put_u32(uint8_t *p, uint32_t v);
uint32_t get_u32(const uint8_t *p);

#endif
