#include "pcap_writer.h"

#include <stdlib.h>
#include <string.h>

/* Large stdio buffer: the bench scenario writes gigabytes in small records. */
#define PW_STDIO_BUF (4u << 20)

static void flush_buffer(struct pcap_writer *w)
{
    if (w->buffered && fwrite(w->stdio_buf, 1, w->buffered, w->file) != w->buffered)
        w->failed = true;
    w->buffered = 0;
}

/* Our own buffer rather than stdio's: one memcpy per field, no locking. */
static void put_bytes(struct pcap_writer *w, const void *p, size_t n)
{
    if (n > PW_STDIO_BUF - w->buffered) {
        flush_buffer(w);
        if (n > PW_STDIO_BUF) {
            if (fwrite(p, 1, n, w->file) != n)
                w->failed = true;
            return;
        }
    }
    memcpy(w->stdio_buf + w->buffered, p, n);
    w->buffered += n;
}

static void put_u32(struct pcap_writer *w, uint32_t v)
{
    put_bytes(w, &v, 4); /* host order: readers detect it by the magic / BOM */
}

static void put_u16(struct pcap_writer *w, uint16_t v)
{
    put_bytes(w, &v, 2);
}

bool pw_open(struct pcap_writer *w, const char *path, bool pcapng)
{
    memset(w, 0, sizeof *w);
    w->pcapng = pcapng;
    w->file = fopen(path, "wb");
    if (!w->file)
        return false;
    w->stdio_buf = malloc(PW_STDIO_BUF);
    if (!w->stdio_buf) {
        fclose(w->file);
        w->file = NULL;
        return false;
    }
    if (pcapng) {
        /* Section Header Block, no options, section length unknown (-1). */
        put_u32(w, 0x0A0D0D0A);
        put_u32(w, 28);
        put_u32(w, 0x1A2B3C4D);
        put_u16(w, 1);
        put_u16(w, 0);
        put_u32(w, 0xffffffffu);
        put_u32(w, 0xffffffffu);
        put_u32(w, 28);
    }
    return true;
}

int pw_add_interface(struct pcap_writer *w, uint16_t linktype, uint32_t snaplen)
{
    if (w->n_ifaces >= PW_MAX_IFACES || (!w->pcapng && w->n_ifaces == 1))
        return -1;
    unsigned id = w->n_ifaces++;
    w->linktype[id] = linktype;
    w->snaplen[id] = snaplen;
    if (w->pcapng) {
        /* Interface Description Block; default if_tsresol is microseconds. */
        put_u32(w, 1);
        put_u32(w, 20);
        put_u16(w, linktype);
        put_u16(w, 0);
        put_u32(w, snaplen);
        put_u32(w, 20);
    } else {
        put_u32(w, 0xa1b2c3d4);
        put_u16(w, 2);
        put_u16(w, 4);
        put_u32(w, 0);
        put_u32(w, 0);
        put_u32(w, snaplen);
        put_u32(w, linktype);
    }
    return (int)id;
}

static void put_record_header(struct pcap_writer *w, int iface, uint64_t ts_us, uint32_t caplen_field,
                              uint32_t wirelen, uint32_t block_body_len)
{
    if (w->pcapng) {
        uint32_t padded = (block_body_len + 3u) & ~3u;
        put_u32(w, 6);
        put_u32(w, 32 + padded);
        put_u32(w, (uint32_t)iface);
        put_u32(w, (uint32_t)(ts_us >> 32));
        put_u32(w, (uint32_t)ts_us);
        put_u32(w, caplen_field);
        put_u32(w, wirelen);
    } else {
        put_u32(w, (uint32_t)(ts_us / 1000000u));
        put_u32(w, (uint32_t)(ts_us % 1000000u));
        put_u32(w, caplen_field);
        put_u32(w, wirelen);
    }
}

static void put_pcapng_trailer(struct pcap_writer *w, uint32_t body_len)
{
    static const uint8_t zeros[4];
    uint32_t padded = (body_len + 3u) & ~3u;
    put_bytes(w, zeros, padded - body_len);
    put_u32(w, 32 + padded);
}

void pw_write(struct pcap_writer *w, int iface, uint64_t ts_us, const uint8_t *data, uint32_t len)
{
    if (iface < 0 || (unsigned)iface >= w->n_ifaces)
        return;
    uint32_t caplen = len < w->snaplen[iface] ? len : w->snaplen[iface];
    put_record_header(w, iface, ts_us, caplen, len, caplen);
    put_bytes(w, data, caplen);
    if (w->pcapng)
        put_pcapng_trailer(w, caplen);
    w->records++;
}

void pw_write_lying(struct pcap_writer *w, int iface, uint64_t ts_us, const uint8_t *data,
                    uint32_t present, uint32_t caplen_field, uint32_t wirelen, uint32_t block_body_len)
{
    if (iface < 0 || (unsigned)iface >= w->n_ifaces)
        return;
    put_record_header(w, iface, ts_us, caplen_field, wirelen, block_body_len);
    put_bytes(w, data, present);
    /* A pcapng block is only closed when its body is all there. */
    if (w->pcapng && present == block_body_len)
        put_pcapng_trailer(w, present);
    w->records++;
}

bool pw_close(struct pcap_writer *w)
{
    bool ok = !w->failed;
    if (w->file) {
        flush_buffer(w);
        ok = ok && !w->failed;
        if (fflush(w->file) != 0)
            ok = false;
        if (fclose(w->file) != 0)
            ok = false;
    }
    free(w->stdio_buf);
    w->file = NULL;
    w->stdio_buf = NULL;
    return ok;
}
