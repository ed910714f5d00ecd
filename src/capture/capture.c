#include "capture/capture.h"
#include "capture/gzip_stream.h"
#include "capture/pcapng.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include "capture/afpacket.h"
#endif

/* Classic pcap files are read by our own loop, in large read() chunks:
 * libpcap's stdio path copies every byte twice (kernel to stdio buffer to
 * its own), which is most of the cost of a plain read loop. Not a memory
 * map: a file that shrinks under a map (a tcpdump -W ring reusing it, a copy
 * rewritten in place) faults on the next access and kills the process, while
 * a read only comes back short. pcapng, standard input and live capture go
 * through libpcap, except the pcapng files libpcap gives up on (pcapng.h). */
struct pcap_reader {
    int fd;
    uint8_t *buf;
    size_t cap, start, end;  /* unread bytes are buf[start..end) */
    uint64_t buf_off;        /* file offset of buf[0] */
    uint64_t size;           /* at open; a smaller size later means the file shrank */
    bool swapped;            /* file written on a host of the other byte order */
    bool nanoseconds;
    int linktype;
    uint32_t fcs_len;        /* bytes of frame check sequence ending each frame (link-type field bits 26, 28-31) */
    struct bpf_program filter;
    bool has_filter;
};

/* A file libpcap refused part way, read on by pcapng.c: the filter is
 * compiled once per link type met, up to NG_MAX_FILTERS of them (a file can
 * declare thousands and each compilation costs); packets of a link type past
 * that, or one the filter does not compile for, do not match. */
#define NG_MAX_FILTERS 64

struct ng_filter {
    int linktype;
    bool compiled;
    struct bpf_program prog;
};

struct ng_fallback {
    struct pcapng_reader *reader;
    struct ng_filter filters[NG_MAX_FILTERS];
    unsigned n_filters;
};

/* Where a file read by libpcap came from, to read it again from the start. */
enum file_source {
    SOURCE_NONE,   /* standard input, live: cannot be read twice */
    SOURCE_PLAIN,
    SOURCE_GZIP,
};

struct capture {
#ifdef __linux__
    struct afpacket *afpacket;  /* live through AF_PACKET rings (then pcap is NULL) */
#endif
    pcap_t *pcap;        /* NULL when read by pcap_reader (then a dead handle serves BPF compilation) */
    pcap_t *dead;
    struct pcap_reader rd;
    bool own_reader;
    enum file_source source;
    char *filter_text;          /* a file read by libpcap: the filter, for a fallback's link types */
    struct ng_fallback *ng;     /* set once libpcap has given up on a pcapng file */
    const char *name;
    bool live;
    uint64_t size;
    void (*idle)(void *ctx);
    void *idle_ctx;
    void (*lane_idle)(void *ctx, unsigned lane);
    void *lane_idle_ctx;
};

#define PCAP_MAX_RECORD (256u * 1024) /* libpcap's largest snapshot length */
#define READ_CHUNK (4u << 20)

static uint32_t file_u32(const struct pcap_reader *r, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return r->swapped ? __builtin_bswap32(v) : v;
}

/* Reads until at least `need` unread bytes are buffered or the file ends.
 * Returns the bytes available (less than need at the end); -errno on error. */
static ssize_t reader_fill(struct pcap_reader *r, size_t need)
{
    if (r->end - r->start >= need)
        return (ssize_t)(r->end - r->start);
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->buf_off += r->start;
        r->end -= r->start;
        r->start = 0;
    }
    while (r->end < need) {
        ssize_t k = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (k == 0)
            break;
        r->end += (size_t)k;
    }
    return (ssize_t)r->end;
}

/* The DLT_ value libpcap compiles filters for, of a file's LINKTYPE_ value:
 * they differ only for raw IP among the link types the decoders read
 * (libpcap's linktype_to_dlt, not exported). */
static int filter_dlt(int linktype)
{
    return linktype == 101 ? DLT_RAW : linktype;
}

/* Opens the reader when the file is a classic pcap; false means "use libpcap". */
static bool open_classic_pcap(int fd, uint64_t size, struct pcap_reader *r)
{
    uint8_t hdr[24];
    if (size < 24 || pread(fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr)
        return false;
    uint32_t magic;
    memcpy(&magic, hdr, 4);
    switch (magic) {
    case 0xa1b2c3d4: r->swapped = false, r->nanoseconds = false; break;
    case 0xd4c3b2a1: r->swapped = true, r->nanoseconds = false; break;
    case 0xa1b23c4d: r->swapped = false, r->nanoseconds = true; break;
    case 0x4d3cb2a1: r->swapped = true, r->nanoseconds = true; break;
    default:
        return false;
    }
    r->buf = malloc(READ_CHUNK);
    if (r->buf == NULL || lseek(fd, 24, SEEK_SET) != 24) {
        free(r->buf);
        r->buf = NULL;
        return false;
    }
    r->fd = fd;
    r->cap = READ_CHUNK;
    r->buf_off = 24;
    r->size = size;
    /* libpcap 1.1 and later: the low 16 bits are the link type; bit 26 says
     * bits 28-31 give the FCS length in 16-bit words. */
    uint32_t lt = file_u32(r, hdr + 20);
    r->linktype = (int)(lt & 0xffff);
    r->fcs_len = (lt & 0x04000000) ? (lt >> 28) * 2 : 0;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
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
        int fd = open(path, O_RDONLY | O_CLOEXEC);
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
            struct capture *c = finish_open(p, path, perr, size, err, errlen);
            if (c)
                c->source = SOURCE_GZIP;
            return c;
        }
        struct pcap_reader rd = {.fd = -1};
        if (S_ISREG(st.st_mode) && open_classic_pcap(fd, size, &rd)) {
            struct capture *c = calloc(1, sizeof *c);
            pcap_t *dead = pcap_open_dead(filter_dlt(rd.linktype), PCAP_MAX_RECORD);
            if (!c || !dead) {
                free(c);
                if (dead)
                    pcap_close(dead);
                free(rd.buf);
                close(fd);
                snprintf(err, errlen, "out of memory");
                return NULL;
            }
            c->dead = dead;
            c->rd = rd;
            c->own_reader = true;
            c->name = path;
            c->size = size;
            return c;
        }
        close(fd);
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return NULL;
        }
        p = pcap_fopen_offline(f, perr);
        if (!p)
            fclose(f);
        struct capture *c = finish_open(p, path, perr, size, err, errlen);
        if (c)
            c->source = SOURCE_PLAIN;
        return c;
    }
    return finish_open(p, path, perr, size, err, errlen);
}

static void stop_at_first(void *ctx, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen,
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

static struct capture *open_live_pcap(const char *iface, char *err, size_t errlen)
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

struct capture *capture_open_live(const char *iface, const struct capture_live_config *cfg, char *err,
                                  size_t errlen)
{
    static const struct capture_live_config defaults = {.method = CAPTURE_METHOD_AUTO, .rings = 1};
    if (cfg == NULL)
        cfg = &defaults;
#ifdef __linux__
    if (cfg->method != CAPTURE_METHOD_PCAP) {
        bool unsupported;
        struct afpacket *a = afpacket_open(iface, cfg, &unsupported, err, errlen);
        if (a) {
            struct capture *c = calloc(1, sizeof *c);
            if (!c) {
                afpacket_close(a);
                snprintf(err, errlen, "out of memory");
                return NULL;
            }
            c->afpacket = a;
            c->name = iface;
            c->live = true;
            return c;
        }
        if (!unsupported)
            return NULL;
        if (cfg->method == CAPTURE_METHOD_AFPACKET) {
            snprintf(err, errlen, "%s: not an Ethernet link: AF_PACKET rings need one (--capture pcap reads it)",
                     iface);
            return NULL;
        }
    }
#else
    if (cfg->method == CAPTURE_METHOD_AFPACKET) {
        snprintf(err, errlen, "%s: --capture afpacket is for Linux", iface);
        return NULL;
    }
#endif
    return open_live_pcap(iface, err, errlen);
}

const char *capture_method_name(const struct capture *c)
{
#ifdef __linux__
    if (c->afpacket)
        return "afpacket";
#endif
    return c->live ? "libpcap" : "file";
}

bool capture_set_filter(struct capture *c, const char *filter, char *err, size_t errlen)
{
#ifdef __linux__
    if (c->afpacket)
        return afpacket_set_filter(c->afpacket, filter, err, errlen);
#endif
    struct bpf_program prog;
    pcap_t *p = c->own_reader ? c->dead : c->pcap;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "bad BPF filter '%s': %s", filter, pcap_geterr(p));
        return false;
    }
    if (c->own_reader) {
        c->rd.filter = prog;
        c->rd.has_filter = true;
        return true;
    }
    int rc = pcap_setfilter(c->pcap, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        snprintf(err, errlen, "cannot install BPF filter '%s': %s", filter, pcap_geterr(c->pcap));
        return false;
    }
    if (c->source != SOURCE_NONE) {
        free(c->filter_text);
        c->filter_text = strdup(filter);
        if (!c->filter_text) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
    }
    return true;
}

int capture_linktype(const struct capture *c)
{
#ifdef __linux__
    if (c->afpacket)
        return DLT_EN10MB;
#endif
    return c->own_reader ? c->rd.linktype : pcap_datalink(c->pcap);
}

const char *capture_linktype_name(const struct capture *c)
{
    const char *n = pcap_datalink_val_to_name(capture_linktype(c));
    return n ? n : "unknown";
}

uint64_t capture_position(const struct capture *c)
{
    if (c->ng)
        return pcapng_position(c->ng->reader);
    if (c->own_reader)
        return c->rd.buf_off + c->rd.start;
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

/* Saturating: a pcapng timestamp scaled by a coarse if_tsresol can give a
 * tv_sec no microsecond count holds. The bound (year 33658) leaves room for
 * the timeouts added to packet times downstream. */
#define MAX_TS_US 1000000000000000000LL

static int64_t to_us(const struct timeval *tv)
{
    int64_t us;
    if (__builtin_mul_overflow((int64_t)tv->tv_sec, (int64_t)1000000, &us) ||
        __builtin_add_overflow(us, (int64_t)tv->tv_usec, &us) || us > MAX_TS_US || us < -MAX_TS_US)
        return tv->tv_sec < 0 ? -MAX_TS_US : MAX_TS_US;
    return us;
}

struct dispatch_ctx {
    capture_packet_fn fn;
    void *ctx;
    int linktype;
};

static void dispatch_one(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    const struct dispatch_ctx *d = (const struct dispatch_ctx *)user;
    d->fn(d->ctx, 0, d->linktype, to_us(&h->ts), data, h->caplen, h->len);
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

/* A read that came back short: the end of a cut capture, or of one that
 * shrank while being read (then said so, with where). */
static enum capture_status reader_short(const struct capture *c, const char *what, size_t wanted, size_t got,
                                        char *msg, size_t msglen)
{
    const struct pcap_reader *r = &c->rd;
    uint64_t at = r->buf_off + r->start;
    struct stat st;
    if (fstat(r->fd, &st) == 0 && (uint64_t)st.st_size < r->size)
        snprintf(msg, msglen,
                 "%s: the file shrank from %llu to %llu bytes while being read (at offset %llu): read up to there",
                 c->name, (unsigned long long)r->size, (unsigned long long)st.st_size, (unsigned long long)at);
    else
        snprintf(msg, msglen, "%s: truncated dump file; tried to read %zu %s bytes, only got %zu", c->name, wanted,
                 what, got);
    return CAPTURE_DAMAGED;
}

/* Record by record, with libpcap's checks and its wording of the damage. */
static enum capture_status run_reader(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                      char *msg, size_t msglen)
{
    struct pcap_reader *r = &c->rd;
    while (!*stop) {
        ssize_t have = reader_fill(r, 16);
        if (have < 0) {
            snprintf(msg, msglen, "%s: read error at offset %llu: %s", c->name,
                     (unsigned long long)(r->buf_off + r->start), strerror((int)-have));
            return CAPTURE_DAMAGED;
        }
        if (have == 0 && r->buf_off + r->start < r->size)
            return reader_short(c, "header", 16, 0, msg, msglen);
        if (have == 0)
            return CAPTURE_END;
        if (have < 16)
            return reader_short(c, "header", 16, (size_t)have, msg, msglen);
        const uint8_t *h = r->buf + r->start;
        uint32_t sec = file_u32(r, h), frac = file_u32(r, h + 4);
        uint32_t caplen = file_u32(r, h + 8), wirelen = file_u32(r, h + 12);
        if (caplen > PCAP_MAX_RECORD) {
            snprintf(msg, msglen, "%s: invalid packet capture length %u, bigger than maximum of %u", c->name, caplen,
                     PCAP_MAX_RECORD);
            return CAPTURE_DAMAGED;
        }
        have = reader_fill(r, 16 + (size_t)caplen);
        if (have < 0) {
            snprintf(msg, msglen, "%s: read error at offset %llu: %s", c->name,
                     (unsigned long long)(r->buf_off + r->start), strerror((int)-have));
            return CAPTURE_DAMAGED;
        }
        if ((size_t)have < 16 + (size_t)caplen)
            return reader_short(c, "captured", caplen, (size_t)have - 16, msg, msglen);
        h = r->buf + r->start; /* the fill may have moved the buffer's contents */
        const uint8_t *data = h + 16;
        r->start += 16 + (size_t)caplen;
        if (r->has_filter) {
            struct pcap_pkthdr ph = {.caplen = caplen, .len = wirelen};
            if (!pcap_offline_filter(&r->filter, &ph, data))
                continue;
        }
        int64_t us = (int64_t)sec * 1000000 + (r->nanoseconds ? frac / 1000 : frac);
        if (r->fcs_len) {
            /* the FCS is not part of the frame the decoders see */
            wirelen = wirelen > r->fcs_len ? wirelen - r->fcs_len : 0;
            if (caplen > wirelen)
                caplen = wirelen;
        }
        fn(ctx, 0, r->linktype, us, data, caplen, wirelen);
    }
    return CAPTURE_END;
}

/* libpcap 1.10 reads a pcapng file with one link type, one snapshot length
 * and one byte order only, and says so only in words: these. */
static bool pcap_refused_pcapng(const char *why)
{
    return strstr(why, "different from the type of the first interface") ||
           strstr(why, "different from the snapshot length of the first interface") ||
           strstr(why, "sections with different byte orders");
}

/* Reads the file again from its start through pcapng.c, which skips the
 * packet blocks before `at` (where libpcap stopped: it delivered those). */
static bool ng_start(struct capture *c, long at)
{
    FILE *f = NULL;
    if (at < 0)
        return false;
    if (c->source == SOURCE_PLAIN) {
        f = fopen(c->name, "rb");
    } else if (c->source == SOURCE_GZIP) {
        int fd = open(c->name, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            f = gzip_stream_open(fd);
    }
    if (!f)
        return false;
    c->ng = calloc(1, sizeof *c->ng);
    if (!c->ng) {
        fclose(f);
        return false;
    }
    c->ng->reader = pcapng_open(f, (uint64_t)at);
    if (!c->ng->reader) {
        free(c->ng);
        c->ng = NULL;
        return false;
    }
    return true;
}

/* The filter of capture_set_filter, compiled for this packet's link type. */
static bool ng_filter_match(struct capture *c, int linktype, const struct pcap_pkthdr *h, const uint8_t *data)
{
    struct ng_fallback *ng = c->ng;
    struct ng_filter *f = NULL;
    for (unsigned i = 0; i < ng->n_filters && !f; i++)
        if (ng->filters[i].linktype == linktype)
            f = &ng->filters[i];
    if (!f) {
        if (ng->n_filters == NG_MAX_FILTERS)
            return false;
        f = &ng->filters[ng->n_filters++];
        f->linktype = linktype;
        pcap_t *dead = pcap_open_dead(filter_dlt(linktype), PCAP_MAX_RECORD);
        f->compiled = dead && pcap_compile(dead, &f->prog, c->filter_text, 1, PCAP_NETMASK_UNKNOWN) == 0;
        if (dead)
            pcap_close(dead);
    }
    return f->compiled && pcap_offline_filter(&f->prog, h, data);
}

static enum capture_status run_ng(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                  char *msg, size_t msglen)
{
    char why[PCAP_ERRBUF_SIZE];
    struct pcapng_packet pkt;
    while (!*stop) {
        enum pcapng_status st = pcapng_next(c->ng->reader, &pkt, why, sizeof why);
        if (st == PCAPNG_END)
            return CAPTURE_END;
        if (st == PCAPNG_DAMAGED) {
            snprintf(msg, msglen, "%s: %s", c->name, why);
            return CAPTURE_DAMAGED;
        }
        if (c->filter_text) {
            struct pcap_pkthdr ph = {.caplen = pkt.caplen, .len = pkt.wirelen};
            if (!ng_filter_match(c, pkt.linktype, &ph, pkt.data))
                continue;
        }
        fn(ctx, 0, pkt.linktype, to_us(&pkt.ts), pkt.data, pkt.caplen, pkt.wirelen);
    }
    return CAPTURE_END;
}

void capture_get_stats(struct capture *c, struct capture_stats *st)
{
    struct pcap_stat ps;
    memset(st, 0, sizeof *st);
#ifdef __linux__
    if (c->afpacket) {
        afpacket_get_stats(c->afpacket, st);
        return;
    }
#endif
    if (c->live && pcap_stats(c->pcap, &ps) == 0) {
        st->received = ps.ps_recv;
        st->dropped = ps.ps_drop;
        st->if_dropped = ps.ps_ifdrop;
    }
}

void capture_set_idle(struct capture *c, void (*fn)(void *ctx), void *ctx)
{
    c->idle = fn;
    c->idle_ctx = ctx;
}

void capture_set_lane_idle(struct capture *c, void (*fn)(void *ctx, unsigned lane), void *ctx)
{
    c->lane_idle = fn;
    c->lane_idle_ctx = ctx;
}

enum capture_status capture_run(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                char *msg, size_t msglen)
{
    if (c->own_reader)
        return run_reader(c, fn, ctx, stop, msg, msglen);
    if (c->ng)
        return run_ng(c, fn, ctx, stop, msg, msglen);
#ifdef __linux__
    if (c->afpacket)
        return afpacket_run(c->afpacket,
                            &(struct afpacket_callbacks){.packet = fn, .ctx = ctx, .idle = c->idle,
                                                         .idle_ctx = c->idle_ctx, .lane_idle = c->lane_idle,
                                                         .lane_idle_ctx = c->lane_idle_ctx},
                            stop, msg, msglen);
#endif
    if (c->live)
        return run_live(c, fn, ctx, stop, msg, msglen);
    int linktype = pcap_datalink(c->pcap);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (!*stop) {
        int rc = pcap_next_ex(c->pcap, &h, &data);
        if (rc == 1) {
            fn(ctx, 0, linktype, to_us(&h->ts), data, h->caplen, h->len);
            continue;
        }
        if (rc == 0)
            continue; /* live timeout: check the stop flag */
        if (rc == PCAP_ERROR_BREAK)
            return CAPTURE_END;
        if (!c->live && pcap_refused_pcapng(pcap_geterr(c->pcap)) && ng_start(c, ftell(pcap_file(c->pcap))))
            return run_ng(c, fn, ctx, stop, msg, msglen);
        snprintf(msg, msglen, "%s: %s", c->name, pcap_geterr(c->pcap));
        return c->live ? CAPTURE_FAILED : CAPTURE_DAMAGED;
    }
    return CAPTURE_END;
}

void capture_close(struct capture *c)
{
    if (!c)
        return;
#ifdef __linux__
    if (c->afpacket) {
        afpacket_close(c->afpacket);
        free(c);
        return;
    }
#endif
    if (c->own_reader) {
        if (c->rd.has_filter)
            pcap_freecode(&c->rd.filter);
        free(c->rd.buf);
        close(c->rd.fd);
        pcap_close(c->dead);
    } else {
        pcap_close(c->pcap);
    }
    if (c->ng) {
        for (unsigned i = 0; i < c->ng->n_filters; i++)
            if (c->ng->filters[i].compiled)
                pcap_freecode(&c->ng->filters[i].prog);
        pcapng_close(c->ng->reader);
        free(c->ng);
    }
    free(c->filter_text);
    free(c);
}
