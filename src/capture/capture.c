#include "capture/capture.h"
#include "capture/gzip_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Classic pcap files are read straight from a memory map: libpcap's stdio
 * path copies every byte twice (kernel to stdio buffer to its own), which is
 * most of the cost of a plain read loop. pcapng, standard input and live
 * capture go through libpcap. */
struct mapped_pcap {
    const uint8_t *base;
    size_t size, off;
    size_t released;     /* bytes below this offset were handed back with MADV_DONTNEED */
    bool swapped;        /* file written on a host of the other byte order */
    bool nanoseconds;
    int linktype;
    struct bpf_program filter;
    bool has_filter;
};

struct capture {
    pcap_t *pcap;        /* NULL when mapped (then a dead handle serves BPF compilation) */
    pcap_t *dead;
    struct mapped_pcap map;
    bool mapped;
    const char *name;
    bool live;
    uint64_t size;
    void (*idle)(void *ctx);
    void *idle_ctx;
};

#define PCAP_MAX_RECORD (256u * 1024) /* libpcap's largest snapshot length */

static uint32_t file_u32(const struct mapped_pcap *m, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return m->swapped ? __builtin_bswap32(v) : v;
}

/* Maps the file when it is a classic pcap; false means "use libpcap". */
static bool map_classic_pcap(int fd, size_t size, struct mapped_pcap *m)
{
    if (size < 24)
        return false;
    void *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED)
        return false;
    const uint8_t *b = base;
    uint32_t magic;
    memcpy(&magic, b, 4);
    switch (magic) {
    case 0xa1b2c3d4: m->swapped = false, m->nanoseconds = false; break;
    case 0xd4c3b2a1: m->swapped = true, m->nanoseconds = false; break;
    case 0xa1b23c4d: m->swapped = false, m->nanoseconds = true; break;
    case 0x4d3cb2a1: m->swapped = true, m->nanoseconds = true; break;
    default:
        munmap(base, size);
        return false;
    }
    m->base = b;
    m->size = size;
    m->off = 24;
    m->linktype = (int)(file_u32(m, b + 20) & 0x0fffffff);
    madvise(base, size, MADV_SEQUENTIAL);
    return true;
}

static struct capture *capture_wrap(pcap_t *p, const char *name, bool live, uint64_t size)
{
    struct capture *c = calloc(1, sizeof *c);
    if (!c) {
        pcap_close(p);
        return NULL;
    }
    c->pcap = p;
    c->name = name;
    c->live = live;
    c->size = size;
    return c;
}

static void describe_open_failure(const char *path, const char *pcap_err, char *err, size_t errlen)
{
    if (strstr(pcap_err, "unknown file format") || strstr(pcap_err, "bad dump file format") ||
        strstr(pcap_err, "truncated dump file") || strstr(pcap_err, "file too short") ||
        strstr(pcap_err, "Unknown") || strstr(pcap_err, "block"))
        snprintf(err, errlen, "%s: not a pcap or pcapng capture (%s)", path, pcap_err);
    else
        snprintf(err, errlen, "%s: %s", path, pcap_err);
}

/* The libpcap half of capture_open_file: p already open, or NULL with perr. */
static struct capture *finish_open(pcap_t *p, const char *path, const char *perr, uint64_t size, char *err,
                                   size_t errlen)
{
    if (!p) {
        describe_open_failure(path, perr, err, errlen);
        return NULL;
    }
    struct capture *c = capture_wrap(p, path, false, size);
    if (!c)
        snprintf(err, errlen, "out of memory");
    return c;
}

struct first_packet {
    volatile sig_atomic_t stop;
    bool seen;
    int64_t ts_us;
};

struct capture *capture_open_file(const char *path, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    uint64_t size = 0;
    pcap_t *p;
    if (strcmp(path, "-") == 0) {
        p = pcap_fopen_offline(stdin, perr);
        path = "standard input";
    } else {
        struct stat st;
        if (stat(path, &st) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return NULL;
        }
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: is a directory, not a capture file", path);
            return NULL;
        }
        size = (uint64_t)st.st_size;
        int fd = open(path, O_RDONLY);
        if (fd < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return NULL;
        }
        if (gzip_stream_detect(fd)) {
            FILE *gz = gzip_stream_open(fd);
            if (!gz) {
                snprintf(err, errlen, "out of memory");
                return NULL;
            }
            p = pcap_fopen_offline(gz, perr);
            if (!p)
                fclose(gz);
            /* No position in the compressed file: no progress bar. */
            size = 0;
            return finish_open(p, path, perr, size, err, errlen);
        }
        struct mapped_pcap m = {0};
        bool mapped = S_ISREG(st.st_mode) && map_classic_pcap(fd, (size_t)st.st_size, &m);
        close(fd);
        if (mapped) {
            struct capture *c = calloc(1, sizeof *c);
            pcap_t *dead = pcap_open_dead(m.linktype, PCAP_MAX_RECORD);
            if (!c || !dead) {
                free(c);
                if (dead)
                    pcap_close(dead);
                munmap((void *)m.base, m.size);
                snprintf(err, errlen, "out of memory");
                return NULL;
            }
            c->dead = dead;
            c->map = m;
            c->mapped = true;
            c->name = path;
            c->size = size;
            return c;
        }
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return NULL;
        }
        p = pcap_fopen_offline(f, perr);
        if (!p)
            fclose(f);
    }
    return finish_open(p, path, perr, size, err, errlen);
}

static void stop_at_first(void *ctx, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen,
                          uint32_t wirelen)
{
    struct first_packet *first = ctx;
    first->ts_us = ts_us;
    first->seen = true;
    first->stop = 1;
}

bool capture_first_packet_time(const char *path, int64_t *ts_us, char *err, size_t errlen)
{
    struct capture *c = capture_open_file(path, err, errlen);
    if (!c)
        return false;
    struct first_packet first = {0};
    char msg[256];
    capture_run(c, stop_at_first, &first, &first.stop, msg, sizeof msg);
    capture_close(c);
    *ts_us = first.seen ? first.ts_us : INT64_MAX;
    return true;
}

struct capture *capture_open_live(const char *iface, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(iface, perr);
    if (!p) {
        snprintf(err, errlen, "%s: %s", iface, perr);
        return NULL;
    }
    pcap_set_snaplen(p, 262144);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, 100); /* so a stop signal is noticed within 0.1 s */
    pcap_set_buffer_size(p, 64 << 20);
    int rc = pcap_activate(p);
    if (rc < 0) {
        const char *why = pcap_geterr(p);
        if (rc == PCAP_ERROR_PERM_DENIED)
            snprintf(err, errlen, "%s: permission denied (capturing needs root or CAP_NET_RAW)", iface);
        else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
            snprintf(err, errlen, "%s: no such interface", iface);
        else
            snprintf(err, errlen, "%s: %s", iface, why && *why ? why : pcap_statustostr(rc));
        pcap_close(p);
        return NULL;
    }
    struct capture *c = capture_wrap(p, iface, true, 0);
    if (!c)
        snprintf(err, errlen, "out of memory");
    return c;
}

bool capture_set_filter(struct capture *c, const char *filter, char *err, size_t errlen)
{
    struct bpf_program prog;
    pcap_t *p = c->mapped ? c->dead : c->pcap;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "bad BPF filter '%s': %s", filter, pcap_geterr(p));
        return false;
    }
    if (c->mapped) {
        c->map.filter = prog;
        c->map.has_filter = true;
        return true;
    }
    int rc = pcap_setfilter(c->pcap, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        snprintf(err, errlen, "cannot install BPF filter '%s': %s", filter, pcap_geterr(c->pcap));
        return false;
    }
    return true;
}

int capture_linktype(const struct capture *c)
{
    return c->mapped ? c->map.linktype : pcap_datalink(c->pcap);
}

const char *capture_linktype_name(const struct capture *c)
{
    const char *n = pcap_datalink_val_to_name(capture_linktype(c));
    return n ? n : "unknown";
}

uint64_t capture_position(const struct capture *c)
{
    if (c->mapped)
        return c->map.off;
    if (c->live)
        return 0;
    FILE *f = pcap_file(c->pcap);
    long pos = f ? ftell(f) : -1;
    return pos > 0 ? (uint64_t)pos : 0;
}

uint64_t capture_size(const struct capture *c)
{
    return c->size;
}

static int64_t to_us(const struct timeval *tv)
{
    return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

struct dispatch_ctx {
    capture_packet_fn fn;
    void *ctx;
    int linktype;
};

static void dispatch_one(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    const struct dispatch_ctx *d = (const struct dispatch_ctx *)user;
    d->fn(d->ctx, d->linktype, to_us(&h->ts), data, h->caplen, h->len);
}

/* libpcap's own wait can block in poll() forever (TPACKET_V3 retires blocks
 * only when packets come), so live capture is non-blocking and waits in our
 * poll(), which a signal interrupts. */
static enum capture_status run_live(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                    char *msg, size_t msglen)
{
    char perr[PCAP_ERRBUF_SIZE];
    struct dispatch_ctx d = {fn, ctx, pcap_datalink(c->pcap)};
    int fd = pcap_get_selectable_fd(c->pcap);
    if (fd < 0 || pcap_setnonblock(c->pcap, 1, perr) != 0) {
        snprintf(msg, msglen, "%s: cannot poll the interface", c->name);
        return CAPTURE_FAILED;
    }
    while (!*stop) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, 100);
        if (pr < 0 && errno != EINTR) {
            snprintf(msg, msglen, "%s: %s", c->name, strerror(errno));
            return CAPTURE_FAILED;
        }
        int n = pcap_dispatch(c->pcap, 4096, dispatch_one, (u_char *)&d);
        if (n == PCAP_ERROR) {
            snprintf(msg, msglen, "%s: %s", c->name, pcap_geterr(c->pcap));
            return CAPTURE_FAILED;
        }
        if (c->idle)
            c->idle(c->idle_ctx);
    }
    return CAPTURE_END;
}

/* Pages already read are dropped from the mapping so that resident memory
 * stays a sliding window, not the whole capture. The packet being delivered
 * lies above the released range. */
#define RELEASE_STEP (2u << 20)

static void release_read_pages(struct mapped_pcap *m)
{
    size_t page = 4096;
    if (m->off - m->released < 2 * RELEASE_STEP)
        return;
    size_t upto = (m->off - RELEASE_STEP) & ~(page - 1);
    if (upto <= m->released)
        return;
    madvise((void *)(m->base + m->released), upto - m->released, MADV_DONTNEED);
    m->released = upto;
}

/* Record by record, with libpcap's checks and its wording of the damage. */
static enum capture_status run_mapped(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                      char *msg, size_t msglen)
{
    struct mapped_pcap *m = &c->map;
    while (!*stop && m->off < m->size) {
        size_t left = m->size - m->off;
        if (left < 16) {
            snprintf(msg, msglen, "%s: truncated dump file; tried to read 16 header bytes, only got %zu", c->name,
                     left);
            return CAPTURE_DAMAGED;
        }
        const uint8_t *h = m->base + m->off;
        uint32_t sec = file_u32(m, h), frac = file_u32(m, h + 4);
        uint32_t caplen = file_u32(m, h + 8), wirelen = file_u32(m, h + 12);
        if (caplen > PCAP_MAX_RECORD) {
            snprintf(msg, msglen, "%s: invalid packet capture length %u, bigger than maximum of %u", c->name, caplen,
                     PCAP_MAX_RECORD);
            return CAPTURE_DAMAGED;
        }
        if (left - 16 < caplen) {
            snprintf(msg, msglen, "%s: truncated dump file; tried to read %u captured bytes, only got %zu", c->name,
                     caplen, left - 16);
            return CAPTURE_DAMAGED;
        }
        const uint8_t *data = h + 16;
        m->off += 16 + (size_t)caplen;
        release_read_pages(m);
        if (m->has_filter) {
            struct pcap_pkthdr ph = {.caplen = caplen, .len = wirelen};
            if (!pcap_offline_filter(&m->filter, &ph, data))
                continue;
        }
        int64_t us = (int64_t)sec * 1000000 + (m->nanoseconds ? frac / 1000 : frac);
        fn(ctx, m->linktype, us, data, caplen, wirelen);
    }
    return CAPTURE_END;
}

void capture_set_idle(struct capture *c, void (*fn)(void *ctx), void *ctx)
{
    c->idle = fn;
    c->idle_ctx = ctx;
}

enum capture_status capture_run(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                char *msg, size_t msglen)
{
    if (c->mapped)
        return run_mapped(c, fn, ctx, stop, msg, msglen);
    if (c->live)
        return run_live(c, fn, ctx, stop, msg, msglen);
    int linktype = pcap_datalink(c->pcap);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (!*stop) {
        int rc = pcap_next_ex(c->pcap, &h, &data);
        if (rc == 1) {
            fn(ctx, linktype, to_us(&h->ts), data, h->caplen, h->len);
            continue;
        }
        if (rc == 0)
            continue; /* live timeout: check the stop flag */
        if (rc == PCAP_ERROR_BREAK)
            return CAPTURE_END;
        snprintf(msg, msglen, "%s: %s", c->name, pcap_geterr(c->pcap));
        return c->live ? CAPTURE_FAILED : CAPTURE_DAMAGED;
    }
    return CAPTURE_END;
}

void capture_close(struct capture *c)
{
    if (!c)
        return;
    if (c->mapped) {
        if (c->map.has_filter)
            pcap_freecode(&c->map.filter);
        munmap((void *)c->map.base, c->map.size);
        pcap_close(c->dead);
    } else {
        pcap_close(c->pcap);
    }
    free(c);
}
