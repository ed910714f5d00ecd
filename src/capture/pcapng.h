/* Our own pcapng reader, for the files libpcap 1.10 refuses to read on:
 * interfaces of one file that differ in link type or snapshot length, or
 * sections of different byte orders (Wireshark, Zeek and Suricata read
 * them). capture.c uses it only as that fallback. Section Header, Interface
 * Description, Enhanced, Simple and (obsolete) Packet Blocks are read; every
 * other block is skipped. Each packet comes with its own interface's link
 * type and its timestamp converted as libpcap converts it (if_tsresol in
 * powers of 10 or 2, if_tsoffset), and damage is worded as libpcap words it. */
#ifndef VIGIL_CAPTURE_PCAPNG_H
#define VIGIL_CAPTURE_PCAPNG_H

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

/* libpcap's largest block (INITIAL_MAX_BLOCKSIZE in sf-pcapng.c): a block
 * claiming more is damage, so a lying length never allocates more. */
#define PCAPNG_MAX_BLOCK (16u << 20)
/* Interfaces of one section: each costs memory an IDB of 20 bytes claims. */
#define PCAPNG_MAX_IFACES (1u << 16)

enum pcapng_status {
    PCAPNG_PACKET,   /* *pkt holds the next packet */
    PCAPNG_END,      /* the file ended at a block boundary */
    PCAPNG_DAMAGED,  /* a cut or corrupt block: msg says which, as libpcap does */
};

struct pcapng_packet {
    int linktype;        /* the interface's, as the file gives it (LINKTYPE_ values) */
    struct timeval ts;   /* microseconds, as libpcap hands them to a micro-precision reader */
    const uint8_t *data; /* valid until the next pcapng_next or pcapng_close */
    uint32_t caplen, wirelen;
};

struct pcapng_reader;

/* Reads the pcapng stream f from its start; packet blocks that begin before
 * byte resume_at are read for nothing but skipped (libpcap delivered them
 * before refusing the file), while the sections and interfaces they belong
 * to are still taken in. The reader takes ownership of f and closes it, even
 * on failure (NULL: out of memory). The caller closes the reader with
 * pcapng_close(). */
struct pcapng_reader *pcapng_open(FILE *f, uint64_t resume_at);
enum pcapng_status pcapng_next(struct pcapng_reader *r, struct pcapng_packet *pkt, char *msg, size_t msglen);
/* Bytes of the stream read so far. */
uint64_t pcapng_position(const struct pcapng_reader *r);
void pcapng_close(struct pcapng_reader *r);

#endif
