/* capture/: where packets come from. Capture files (pcap, pcapng, "-" for
 * standard input) and live interfaces, both through libpcap, with tcpdump's
 * BPF filter syntax. */
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

typedef void (*capture_packet_fn)(void *ctx, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen,
                                  uint32_t wirelen);

struct capture;

/* Opens a capture file ("-" = standard input); gzip-compressed files are
 * inflated as they are read. On failure NULL and a one-line reason naming
 * the file. */
struct capture *capture_open_file(const char *path, char *err, size_t errlen);
struct capture *capture_open_live(const char *iface, char *err, size_t errlen);
/* The time of a capture file's first packet (INT64_MAX when it holds none),
 * for ordering the files of a directory. false and a reason when the file
 * cannot be opened as a capture. */
bool capture_first_packet_time(const char *path, int64_t *ts_us, char *err, size_t errlen);
/* Compiles and installs a BPF filter; false and a message when it does not compile. */
bool capture_set_filter(struct capture *c, const char *filter, char *err, size_t errlen);
int capture_linktype(const struct capture *c);
const char *capture_linktype_name(const struct capture *c);
/* Bytes of the file read so far and its size (0 when unknown: stdin, live). */
uint64_t capture_position(const struct capture *c);
uint64_t capture_size(const struct capture *c);

/* Live capture: fn is also called between reads, at least every 100 ms,
 * packets or not (housekeeping such as an intel reload). */
void capture_set_idle(struct capture *c, void (*fn)(void *ctx), void *ctx);

/* Delivers packets until the end, damage, failure or *stop becomes non-zero. */
enum capture_status capture_run(struct capture *c, capture_packet_fn fn, void *ctx, volatile sig_atomic_t *stop,
                                char *msg, size_t msglen);
void capture_close(struct capture *c);

#endif
