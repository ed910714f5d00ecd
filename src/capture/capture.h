/* capture/: where packets come from. Capture files (pcap, pcapng, "-" for
 * standard input) through libpcap, live interfaces through AF_PACKET v3
 * rings on Linux (libpcap elsewhere, or when asked), with tcpdump's BPF
 * filter syntax. */
#ifndef VIGIL_CAPTURE_CAPTURE_H
#define VIGIL_CAPTURE_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum capture_status {
    CAPTURE_END,      /* read to the end (file) or stopped by a signal (live) */
    CAPTURE_DAMAGED,  /* a corrupt or cut record: everything before it was delivered */
    CAPTURE_FAILED,   /* an I/O or interface error */
};

/* lane: the ring the packet came from (AF_PACKET fanout: the kernel chose
 * it by flow, so it is the worker that must analyse it); 0 otherwise. */
typedef void (*capture_packet_fn)(void *ctx, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                                  uint32_t caplen, uint32_t wirelen);

#define CAPTURE_MAX_RINGS 64

enum capture_method {
    CAPTURE_METHOD_AUTO,      /* AF_PACKET on Linux for Ethernet-like links, libpcap otherwise */
    CAPTURE_METHOD_AFPACKET,
    CAPTURE_METHOD_PCAP,
};

struct capture_live_config {
    enum capture_method method;
    unsigned rings;          /* AF_PACKET: one ring per worker (1 to CAPTURE_MAX_RINGS) */
    uint64_t ring_bytes;     /* AF_PACKET: bytes per ring (0: CAPTURE_DEFAULT_RING_BYTES) */
    uint32_t block_bytes;    /* AF_PACKET: bytes per ring block, a power of two (0: the default) */
    /* AF_PACKET: ring i's thread runs on cpus[i % n_cpus] (n_cpus 0: where
     * the scheduler puts it); borrowed until capture_close */
    const uint16_t *cpus;
    unsigned n_cpus;
};

#define CAPTURE_DEFAULT_RING_BYTES (64ULL << 20)
#define CAPTURE_DEFAULT_BLOCK_BYTES (256u << 10)

struct capture;

/* Opens a capture file ("-" = standard input); gzip-compressed files are
 * inflated as they are read. On failure NULL and a one-line reason naming
 * the file. The caller closes it with capture_close(). */
struct capture *capture_open_file(const char *path, char *err, size_t errlen);
/* cfg NULL: the defaults. Every privileged step (the sockets) is done here,
 * so the caller may drop its privileges once this returns. The caller closes
 * it with capture_close(); NULL and a one-line reason on failure. */
struct capture *capture_open_live(const char *iface, const struct capture_live_config *cfg, char *err,
                                  size_t errlen);
/* "afpacket" or "libpcap" (a static string): what a live capture runs on. */
const char *capture_method_name(const struct capture *c);
/* The time of a capture file's first packet (INT64_MAX when it holds none),
 * for ordering the files of a directory. false and a reason when the file
 * cannot be opened as a capture. */
bool capture_first_packet_time(const char *path, int64_t *ts_us, char *err, size_t errlen);
/* Compiles and installs a BPF filter; false and a message when it does not compile. */
bool capture_set_filter(struct capture *c, const char *filter, char *err, size_t errlen);
int capture_linktype(const struct capture *c);
/* libpcap's name of the link type, or "unknown"; a static string. */
const char *capture_linktype_name(const struct capture *c);
/* Bytes of the file read so far and its size (0 when unknown: stdin, live). */
uint64_t capture_position(const struct capture *c);
uint64_t capture_size(const struct capture *c);

/* Live capture, totals since the start (all 0 for files). received: what
 * reached the capture (libpcap's ps_recv; AF_PACKET: the rings' packets
 * plus their drops); dropped: lost for lack of room in the kernel's buffer
 * (ps_drop; AF_PACKET: the rings' tp_drops summed); if_dropped: lost by
 * the interface or its driver before the capture saw them (rx_dropped +
 * rx_missed_errors since the start, as libpcap's ps_ifdrop). With rings,
 * each ring's packets and bytes delivered and its drops. */
struct capture_stats {
    uint64_t received, dropped, if_dropped;
    unsigned n_rings;        /* 0: libpcap, no per-ring counters */
    uint64_t ring_packets[CAPTURE_MAX_RINGS], ring_bytes[CAPTURE_MAX_RINGS], ring_drops[CAPTURE_MAX_RINGS];
};
void capture_get_stats(struct capture *c, struct capture_stats *st);

/* Live capture: fn is also called between reads, at least every 100 ms,
 * packets or not (housekeeping such as an intel reload). */
void capture_set_idle(struct capture *c, void (*fn)(void *ctx), void *ctx);
/* AF_PACKET rings: fn(ctx, lane) on the thread of ring `lane` when it has
 * had nothing to read, and at least every 100 ms. */
void capture_set_lane_idle(struct capture *c, void (*fn)(void *ctx, unsigned lane), void *ctx);

/* Delivers packets until the end, damage, failure or *stop becomes non-zero.
 * AF_PACKET rings: each ring is read by a thread of its own (pinned by
 * cpus), which calls fn with the ring's number as its lane: calls for
 * different lanes run at once, never two for one lane; the idle callback
 * runs on the caller's thread every 100 ms meanwhile. Returns once every
 * ring's thread has emptied its ring and ended. */
enum capture_status capture_run(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                char *msg, size_t msglen);
void capture_close(struct capture *c);

#endif
