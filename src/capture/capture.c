#include "capture/capture.h"

#include <errno.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct capture {
    pcap_t *pcap;
    const char *name;
    bool live;
    uint64_t size;
};

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
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return NULL;
        }
        p = pcap_fopen_offline(f, perr);
        if (!p)
            fclose(f);
    }
    if (!p) {
        describe_open_failure(path, perr, err, errlen);
        return NULL;
    }
    struct capture *c = capture_wrap(p, path, false, size);
    if (!c)
        snprintf(err, errlen, "out of memory");
    return c;
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
    if (pcap_compile(c->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "bad BPF filter '%s': %s", filter, pcap_geterr(c->pcap));
        return false;
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
    return pcap_datalink(c->pcap);
}

const char *capture_linktype_name(const struct capture *c)
{
    const char *n = pcap_datalink_val_to_name(pcap_datalink(c->pcap));
    return n ? n : "unknown";
}

uint64_t capture_position(const struct capture *c)
{
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
    }
    return CAPTURE_END;
}

enum capture_status capture_run(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                char *msg, size_t msglen)
{
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
    pcap_close(c->pcap);
    free(c);
}
