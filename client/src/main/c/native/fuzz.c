/*
 * Fuzz harness for the native client's frame decoder (frame.c), built with the address and
 * undefined-behaviour sanitizers by build.sh and run by the client module's tests.
 *
 *   frame-fuzz describe FILE                 decode FILE's frames, print them in the test-vector format
 *   frame-fuzz run SECONDS SEED CORPUS...    mutate the corpus (the protocol's test vectors) for SECONDS
 *
 * Each input is decoded the way the client decodes the daemon's stream, and three properties are
 * checked besides what the sanitizers catch: a stream read in arbitrary pieces decodes to the same
 * frames as one read whole; the payload decoders stay inside their frame; and the lenient UTF-8
 * encoder of REQUEST strings always produces valid UTF-8 and keeps valid input unchanged. A failing
 * input is written to crash-N.bin and the harness exits 1.
 */
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_INPUT (1 << 18)
#define MAX_FRAMES 4096

static uint64_t rng;

static uint64_t next(void) { /* xorshift64*: reproducible from the seed */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static size_t below(size_t n) {
    return n == 0 ? 0 : (size_t) (next() % n);
}

struct decoded {
    int type;
    size_t offset; /* where the payload starts in the whole input */
    uint32_t length;
};

static const uint8_t *whole_start;
static const uint8_t *current_input;
static size_t current_len;

static void fail(const char *what) {
    static int crashes;
    char name[32];
    snprintf(name, sizeof name, "crash-%d.bin", crashes++);
    FILE *f = fopen(name, "wb");
    if (f != NULL) {
        fwrite(current_input, 1, current_len, f);
        fclose(f);
    }
    fprintf(stderr, "frame-fuzz: property violated: %s (input in %s)\n", what, name);
    exit(1);
}

/* Decodes every payload the client would, checking that what it points at lies inside the frame. */
static void payloads(const struct frame *f) {
    char err[FRAME_ERR_LEN];
    const uint8_t *end = f->payload + f->length;
    struct hello h;
    if (decode_hello(f, &h, err) == 0 && (h.software < f->payload || h.software + h.software_len > end)) {
        fail("HELLO software outside its frame");
    }
    struct bridge_error e;
    if (decode_error(f, &e, err) == 0
        && (e.code < f->payload || e.message + e.message_len != end || e.code + e.code_len != e.message)) {
        fail("ERROR fields outside their frame");
    }
    int status;
    if (decode_exit(f, &status, err) == 0 && (status < 0 || status > 255)) {
        fail("EXIT status outside 0..255");
    }
    uint32_t a, b;
    decode_u32(f, F_STDIN_CREDIT, &a, err);
    decode_queued(f, &a, &b, err);
}

/* Decodes in[0..n) read whole; returns the frame count, *bad whether it ended in a protocol error. */
static int decode_whole(const uint8_t *in, size_t n, struct decoded *out, int *bad) {
    size_t pos = 0;
    int count = 0;
    char err[FRAME_ERR_LEN];
    *bad = 0;
    while (count < MAX_FRAMES) {
        struct frame f;
        size_t used;
        enum frame_result r = frame_next(in + pos, n - pos, &f, &used, err);
        if (r == FRAME_BAD) {
            *bad = 1;
            break;
        }
        if (r == FRAME_MORE) {
            break;
        }
        if (used < FRAME_HEADER || used > n - pos || f.length != used - FRAME_HEADER) {
            fail("frame_next consumed a length that does not match its frame");
        }
        payloads(&f);
        out[count].type = f.type;
        out[count].offset = (size_t) (f.payload - whole_start);
        out[count].length = f.length;
        count++;
        pos += used;
    }
    return count;
}

/* The same input arriving in pieces of random sizes, through a buffer as the client's read_frame keeps it. */
static void decode_pieces(const uint8_t *in, size_t n, const struct decoded *expected, int count, int bad) {
    static uint8_t buf[MAX_INPUT];
    size_t have = 0, pos = 0, fed = 0;
    int got = 0;
    char err[FRAME_ERR_LEN];
    for (;;) {
        struct frame f;
        size_t used;
        enum frame_result r = frame_next(buf + pos, have - pos, &f, &used, err);
        if (r == FRAME_OK) {
            if (got >= count || f.type != expected[got].type || f.length != expected[got].length
                || memcmp(f.payload, whole_start + expected[got].offset, f.length) != 0) {
                fail("a stream read in pieces decoded differently from the same stream read whole");
            }
            got++;
            pos += used;
            continue;
        }
        if (r == FRAME_BAD) {
            if (!bad || got != count) {
                fail("a stream read in pieces failed where the whole one did not");
            }
            return;
        }
        if (fed == n) {
            if (bad || got != count) {
                fail("a stream read in pieces ended short of the whole one");
            }
            return;
        }
        if (pos > 0 && below(2)) { /* compact now and then, as the client does when space runs low */
            memmove(buf, buf + pos, have - pos);
            have -= pos;
            pos = 0;
        }
        size_t piece = 1 + below(below(4) == 0 ? n - fed : 64);
        if (piece > n - fed) {
            piece = n - fed;
        }
        memcpy(buf + have, in + fed, piece);
        have += piece;
        fed += piece;
    }
}

/* The REQUEST encoder's UTF-8 repair: always valid output, valid input kept byte for byte. */
static void lenient(const uint8_t *in, size_t n) {
    static char s[MAX_INPUT + 1];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] != 0) {
            s[k++] = (char) in[i];
        }
    }
    s[k] = 0;
    struct buf b = {0};
    buf_utf8_lenient(&b, s);
    if (!b.failed && !utf8_valid(b.data, b.len)) {
        fail("buf_utf8_lenient produced invalid UTF-8");
    }
    if (!b.failed && utf8_valid((const uint8_t *) s, k) && (b.len != k || (k > 0 && memcmp(b.data, s, k) != 0))) {
        fail("buf_utf8_lenient changed valid UTF-8");
    }
    free(b.data);
}

static void one_input(const uint8_t *in, size_t n) {
    static struct decoded frames[MAX_FRAMES];
    current_input = in;
    current_len = n;
    whole_start = in;
    int bad;
    int count = decode_whole(in, n, frames, &bad);
    decode_pieces(in, n, frames, count, bad);
    lenient(in, n < 4096 ? n : 4096);
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    uint8_t *b = malloc(MAX_INPUT);
    *n = fread(b, 1, MAX_INPUT, f);
    fclose(f);
    return b;
}

static void print_string(const char *key, const uint8_t *s, size_t n) {
    printf("%s: \"", key);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            printf("\\%c", s[i]);
        } else if (s[i] == '\n') {
            printf("\\n");
        } else {
            putchar(s[i]);
        }
    }
    printf("\"\n");
}

/* Prints FILE's frames as docs/PROTOCOL.md's `frame` blocks print them, for the frames a client reads. */
static int describe(const char *path) {
    size_t n;
    uint8_t *in = read_file(path, &n);
    size_t pos = 0;
    char err[FRAME_ERR_LEN];
    while (pos < n) {
        struct frame f;
        size_t used;
        enum frame_result r = frame_next(in + pos, n - pos, &f, &used, err);
        if (r != FRAME_OK) {
            printf("error: %s\n", r == FRAME_BAD ? err : "incomplete frame");
            return 1;
        }
        pos += used;
        printf("type: %s\n", frame_name(f.type));
        struct hello h;
        struct bridge_error e;
        int status;
        uint32_t a, b;
        int ok = 0;
        switch (f.type) {
        case F_HELLO:
            if ((ok = decode_hello(&f, &h, err) == 0)) {
                printf("version: %d\n", h.version);
                print_string("software", h.software, h.software_len);
            }
            break;
        case F_STDOUT:
        case F_STDERR:
        case F_STDIN:
            ok = 1;
            printf("data:");
            for (uint32_t i = 0; i < f.length; i++) {
                printf(" %02x", f.payload[i]);
            }
            printf("\n");
            break;
        case F_EXIT:
            if ((ok = decode_exit(&f, &status, err) == 0)) {
                printf("kind: %s\nvalue: %d\nstatus: %d\n", f.payload[0] ? "signal" : "code",
                       (int32_t) get_u32(f.payload + 1), status);
            }
            break;
        case F_ERROR:
            if ((ok = decode_error(&f, &e, err) == 0)) {
                print_string("code", e.code, e.code_len);
                printf("status: %d\n", e.status);
                print_string("message", e.message, e.message_len);
            }
            break;
        case F_QUEUED:
            if ((ok = decode_queued(&f, &a, &b, err) == 0)) {
                printf("position: %lu\nlength: %lu\n", (unsigned long) a, (unsigned long) b);
            }
            break;
        case F_STDIN_CREDIT:
            if ((ok = decode_u32(&f, F_STDIN_CREDIT, &a, err) == 0)) {
                printf("credit: %lu\n", (unsigned long) a);
            }
            break;
        default: /* frames only a client sends: their framing is all a client's decoder checks */
            ok = 1;
            break;
        }
        if (!ok) {
            printf("error: %s\n", err);
            return 1;
        }
    }
    free(in);
    return 0;
}

static void mutate(uint8_t *b, size_t *n, uint8_t **corpus, size_t *sizes, int count) {
    int steps = 1 + (int) below(8);
    for (int s = 0; s < steps; s++) {
        size_t len = *n;
        switch (below(9)) {
        case 0: /* flip a bit */
            if (len) b[below(len)] ^= (uint8_t) (1u << below(8));
            break;
        case 1: /* set a byte to an interesting value */
            if (len) {
                static const uint8_t v[] = {0, 1, 0x7f, 0x80, 0xff, 0x10, 0x13, 0x16, 0xc0, 0xed, 0xf4};
                b[below(len)] = v[below(sizeof v)];
            }
            break;
        case 2: /* delete a run */
            if (len) {
                size_t at = below(len), k = 1 + below(len - at);
                memmove(b + at, b + at + k, len - at - k);
                *n = len - k;
            }
            break;
        case 3: /* insert random bytes */
            if (len + 16 < MAX_INPUT) {
                size_t at = below(len + 1), k = 1 + below(16);
                memmove(b + at + k, b + at, len - at);
                for (size_t i = 0; i < k; i++) b[at + i] = (uint8_t) next();
                *n = len + k;
            }
            break;
        case 4: /* rewrite a length field: at a frame header, or anywhere */
            if (len >= 5) {
                size_t at = below(4) ? 1 : below(len - 3);
                static const uint32_t v[] = {0, 1, 4, 5, 4096, 4097, 65536, 65537, 1048576, 1048577, 0xffffffffu};
                uint32_t x = below(2) ? v[below(sizeof v / sizeof v[0])] : get_u32(b + at) + (uint32_t) below(9) - 4;
                put_u32(b + at, x);
            }
            break;
        case 5: /* truncate */
            if (len) *n = below(len);
            break;
        case 6: /* append another corpus entry: several frames in one stream */
        case 7: {
            int i = (int) below((size_t) count);
            if (len + sizes[i] < MAX_INPUT) {
                memcpy(b + len, corpus[i], sizes[i]);
                *n = len + sizes[i];
            }
            break;
        }
        default: /* duplicate a run */
            if (len && len * 2 < MAX_INPUT) {
                size_t at = below(len), k = 1 + below(len - at);
                memmove(b + at + k, b + at, len - at);
                *n = len + k;
            }
            break;
        }
    }
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "describe") == 0) {
        return describe(argv[2]);
    }
    if (argc < 5 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "usage: frame-fuzz describe FILE | frame-fuzz run SECONDS SEED CORPUS...\n");
        return 2;
    }
    double seconds = atof(argv[2]);
    rng = strtoull(argv[3], NULL, 10) | 1;
    int count = argc - 4;
    uint8_t **corpus = malloc(sizeof *corpus * (size_t) count);
    size_t *sizes = malloc(sizeof *sizes * (size_t) count);
    for (int i = 0; i < count; i++) {
        corpus[i] = read_file(argv[4 + i], &sizes[i]);
        one_input(corpus[i], sizes[i]); /* every vector as it is, first */
    }
    static uint8_t b[MAX_INPUT];
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long runs = 0;
    for (;;) {
        if ((runs & 255) == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((double) (t.tv_sec - t0.tv_sec) + (double) (t.tv_nsec - t0.tv_nsec) / 1e9 >= seconds) {
                break;
            }
        }
        int i = (int) below((size_t) count);
        size_t n = sizes[i];
        memcpy(b, corpus[i], n);
        mutate(b, &n, corpus, sizes, count);
        one_input(b, n);
        runs++;
    }
    for (int i = 0; i < count; i++) {
        free(corpus[i]);
    }
    free(corpus);
    free(sizes);
    printf("frame-fuzz: %lu inputs from %d seeds in %.0f s, no property violated, no sanitizer report\n", runs, count,
           seconds);
    return 0;
}
