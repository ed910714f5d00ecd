/* Buffered writer for classic pcap (microsecond) and pcapng (SHB, IDB, EPB).
 * Also writes the two deliberately broken record kinds the capture tests
 * need: a record cut by the end of the file and a record header that lies. */
#ifndef VIGIL_GEN_PCAP_WRITER_H
#define VIGIL_GEN_PCAP_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PW_MAX_IFACES 16

struct pcap_writer {
    FILE *file;
    char *stdio_buf;
    size_t buffered;
    bool pcapng;
    bool header_written;         /* classic pcap: global header is written with the first interface */
    unsigned n_ifaces;
    uint16_t linktype[PW_MAX_IFACES];
    uint32_t snaplen[PW_MAX_IFACES];
    uint64_t records;
    bool failed;                 /* sticky: any short write */
};

/* Opens path for writing. Returns false (errno set) if it cannot. */
bool pw_open(struct pcap_writer *w, const char *path, bool pcapng);
/* Declares an interface; returns its id, or -1. Classic pcap takes exactly one. */
int pw_add_interface(struct pcap_writer *w, uint16_t linktype, uint32_t snaplen);
/* Writes one packet; the captured length is min(len, snaplen of the interface). */
void pw_write(struct pcap_writer *w, int iface, uint64_t ts_us, const uint8_t *data, uint32_t len);
/* Writes a record whose header claims caplen_field/wirelen but whose body is
 * the `present` bytes given; used for cut files and corrupt record headers.
 * block_body_len is what a pcapng block length claims (ignored for pcap);
 * the block is closed with its trailer only when present == block_body_len. */
void pw_write_lying(struct pcap_writer *w, int iface, uint64_t ts_us, const uint8_t *data,
                    uint32_t present, uint32_t caplen_field, uint32_t wirelen, uint32_t block_body_len);
/* Flushes and closes; false if any write failed. */
bool pw_close(struct pcap_writer *w);

#endif
