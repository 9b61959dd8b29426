/* The wire format without I/O (frame.h). Names and limits follow the reference protocol module. */
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "CBRIDGE";
#define MAGIC_LEN 7

const char *frame_name(int type) {
    switch (type) {
    case F_HELLO: return "HELLO";
    case F_REQUEST: return "REQUEST";
    case F_STDIN: return "STDIN";
    case F_STDIN_EOF: return "STDIN_EOF";
    case F_RESIZE: return "RESIZE";
    case F_SIGNAL: return "SIGNAL";
    case F_STDOUT: return "STDOUT";
    case F_STDERR: return "STDERR";
    case F_EXIT: return "EXIT";
    case F_ERROR: return "ERROR";
    case F_QUEUED: return "QUEUED";
    case F_STARTED: return "STARTED";
    case F_STDIN_CREDIT: return "STDIN_CREDIT";
    default: return NULL;
    }
}

uint32_t frame_limit(int type) {
    switch (type) {
    case F_STDIN:
    case F_STDOUT:
    case F_STDERR:
        return FRAME_MAX_DATA;
    case F_REQUEST:
    case F_ERROR:
        return FRAME_MAX_PAYLOAD;
    default:
        return 4096;
    }
}

uint32_t get_u32(const uint8_t *p) {
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

void put_u32(uint8_t *p, uint32_t v) {
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

enum frame_result frame_next(const uint8_t *buf, size_t len, struct frame *f, size_t *used, char *err) {
    if (len < FRAME_HEADER) {
        return FRAME_MORE;
    }
    const char *name = frame_name(buf[0]);
    if (name == NULL) {
        snprintf(err, FRAME_ERR_LEN, "unknown frame type 0x%02x", buf[0]);
        return FRAME_BAD;
    }
    uint32_t length = get_u32(buf + 1);
    if (length > frame_limit(buf[0])) {
        snprintf(err, FRAME_ERR_LEN, "%s frame announces %lu bytes; the limit is %lu", name,
                 (unsigned long) length, (unsigned long) frame_limit(buf[0]));
        return FRAME_BAD;
    }
    if (len - FRAME_HEADER < length) {
        return FRAME_MORE;
    }
    f->type = buf[0];
    f->payload = buf + FRAME_HEADER;
    f->length = length;
    *used = FRAME_HEADER + (size_t) length;
    return FRAME_OK;
}

static int expect(const struct frame *f, int type, char *err) {
    if (f->type != type) {
        snprintf(err, FRAME_ERR_LEN, "expected a %s frame, got %s", frame_name(type), frame_name(f->type));
        return -1;
    }
    return 0;
}

static int short_payload(char *err, const char *what) {
    snprintf(err, FRAME_ERR_LEN, "payload ends before its %s", what);
    return -1;
}

int decode_hello(const struct frame *f, struct hello *h, char *err) {
    if (f->type != F_HELLO || f->length < MAGIC_LEN + 1 || memcmp(f->payload, MAGIC, MAGIC_LEN) != 0) {
        snprintf(err, FRAME_ERR_LEN, "the peer did not start with a claude-bridge HELLO");
        return -1;
    }
    h->version = f->payload[MAGIC_LEN];
    h->software = f->payload + MAGIC_LEN + 1;
    h->software_len = f->length - MAGIC_LEN - 1;
    if (!utf8_valid(h->software, h->software_len)) {
        snprintf(err, FRAME_ERR_LEN, "software name is not valid UTF-8");
        return -1;
    }
    return 0;
}

int decode_error(const struct frame *f, struct bridge_error *e, char *err) {
    if (expect(f, F_ERROR, err) < 0) {
        return -1;
    }
    if (f->length < 1) {
        return short_payload(err, "exit status");
    }
    if (f->length < 3) {
        return short_payload(err, "code length");
    }
    e->status = f->payload[0];
    e->code_len = (size_t) f->payload[1] << 8 | f->payload[2];
    if (f->length - 3 < e->code_len) {
        return short_payload(err, "code");
    }
    e->code = f->payload + 3;
    e->message = e->code + e->code_len;
    e->message_len = f->length - 3 - e->code_len;
    if (!utf8_valid(e->code, e->code_len)) {
        snprintf(err, FRAME_ERR_LEN, "code is not valid UTF-8");
        return -1;
    }
    if (!utf8_valid(e->message, e->message_len)) {
        snprintf(err, FRAME_ERR_LEN, "message is not valid UTF-8");
        return -1;
    }
    return 0;
}

int decode_exit(const struct frame *f, int *status, char *err) {
    if (expect(f, F_EXIT, err) < 0) {
        return -1;
    }
    if (f->length < 1) {
        return short_payload(err, "exit kind");
    }
    int kind = f->payload[0];
    if (kind > 1) {
        snprintf(err, FRAME_ERR_LEN, "unknown exit kind %d", kind);
        return -1;
    }
    if (f->length < 5) {
        return short_payload(err, "exit value");
    }
    uint32_t value = get_u32(f->payload + 1);
    /* as Exit.shellStatus(): the process's exit status is that int's low byte either way */
    *status = kind == 1 ? (int) ((128u + value) & 0xff) : (int) (value & 0xff);
    return 0;
}

int decode_u32(const struct frame *f, int type, uint32_t *v, char *err) {
    if (expect(f, type, err) < 0) {
        return -1;
    }
    if (f->length < 4) {
        return short_payload(err, type == F_STDIN_CREDIT ? "credit" : "value");
    }
    *v = get_u32(f->payload);
    return 0;
}

int decode_queued(const struct frame *f, uint32_t *position, uint32_t *length, char *err) {
    if (expect(f, F_QUEUED, err) < 0) {
        return -1;
    }
    if (f->length < 4) {
        return short_payload(err, "position");
    }
    if (f->length < 8) {
        return short_payload(err, "queue length");
    }
    *position = get_u32(f->payload);
    *length = get_u32(f->payload + 4);
    return 0;
}

int utf8_step(const uint8_t *s, size_t n) {
    uint8_t c = s[0];
    if (c < 0x80) {
        return 1;
    }
    int need;
    uint8_t lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f; /* nothing above U+10FFFF */
    } else {
        return -1;
    }
    for (int i = 1; i <= need; i++) {
        if ((size_t) i >= n || s[i] < lo || s[i] > hi) {
            return -i; /* the maximal subpart: the lead and the continuation bytes that fitted */
        }
        lo = 0x80;
        hi = 0xbf;
    }
    return need + 1;
}

int utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        int k = utf8_step(s + i, n - i);
        if (k < 0) {
            return 0;
        }
        i += (size_t) k;
    }
    return 1;
}

static int grow(struct buf *b, size_t n) {
    if (b->failed) {
        return -1;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        uint8_t *d = realloc(b->data, cap);
        if (d == NULL) {
            b->failed = 1;
            return -1;
        }
        b->data = d;
        b->cap = cap;
    }
    return 0;
}

void buf_bytes(struct buf *b, const void *p, size_t n) {
    if (n > 0 && grow(b, n) == 0) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
}

void buf_u8(struct buf *b, unsigned v) {
    uint8_t c = (uint8_t) v;
    buf_bytes(b, &c, 1);
}

void buf_u16(struct buf *b, unsigned v) {
    uint8_t c[2] = {(uint8_t) (v >> 8), (uint8_t) v};
    buf_bytes(b, c, 2);
}

void buf_u32(struct buf *b, uint32_t v) {
    uint8_t c[4];
    put_u32(c, v);
    buf_bytes(b, c, 4);
}

void buf_utf8_lenient(struct buf *b, const char *s) {
    static const uint8_t REPLACEMENT[] = {0xef, 0xbf, 0xbd};
    const uint8_t *p = (const uint8_t *) s;
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        int k;
        while (i < n && (k = utf8_step(p + i, n - i)) > 0) {
            i += (size_t) k;
        }
        buf_bytes(b, p + start, i - start);
        if (i < n) {
            buf_bytes(b, REPLACEMENT, sizeof REPLACEMENT);
            i += (size_t) -utf8_step(p + i, n - i);
        }
    }
}
