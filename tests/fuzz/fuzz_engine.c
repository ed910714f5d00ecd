/* libFuzzer target over the whole packet path: decode, fragment reassembly,
 * flow tracking and timeouts, with no output.
 *
 * Input: [1 byte link type selector] then frames, each [2-byte big-endian
 * length][bytes]. A length running past the end takes what is left, so every
 * input is valid and the fuzzer spends its time inside the engine.
 * tests/fuzz/pcap2fuzz.py turns a pcap into this format for the seed corpus. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/config.h"
#include "core/engine.h"
#include "decode/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Link types decode/ may know; the selector byte picks one modulo the count.
 * Keep in step with tests/fuzz/pcap2fuzz.py. */
static const int fuzz_linktypes[] = {
    1,   /* EN10MB */
    0,   /* NULL (BSD loopback) */
    101, /* RAW */
    12,  /* RAW (OpenBSD numbering) */
    113, /* LINUX_SLL */
    276, /* LINUX_SLL2 */
    228, /* IPV4 */
    229, /* IPV6 */
    108, /* LOOP */
    9,   /* PPP */
    239, /* NFLOG */
    105, /* IEEE802_11 */
    127, /* IEEE802_11_RADIO (radiotap) */
    107, /* FRELAY */
};
#define N_FUZZ_LINKTYPES (sizeof fuzz_linktypes / sizeof fuzz_linktypes[0])

/* Timestamps grow by a step the input chooses (low bits of the length
 * prefix), so both quick bursts and flow/fragment timeouts are reachable. */
static int64_t next_timestamp(int64_t ts_us, uint16_t frame_len)
{
    static const int64_t steps_us[4] = { 1, 1000, 1000000, 400000000 };
    return ts_us + steps_us[frame_len & 3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int linktype = fuzz_linktypes[data[0] % N_FUZZ_LINKTYPES];
    if (!decode_linktype_supported(linktype))
        return 0;

    struct vigil_config cfg;
    vigil_config_defaults(&cfg);
    cfg.workers = 1;
    /* Small tables so eviction and memcap paths are reached quickly. */
    cfg.max_flows = 64;
    cfg.decode.frag_max_datagrams = 8;

    char err[256];
    struct engine *e = engine_new(&cfg, NULL, NULL, err, sizeof err);
    if (e == NULL)
        return 0;

    int64_t ts_us = 1700000000LL * 1000000;
    size_t pos = 1;
    while (pos + 2 <= size) {
        uint16_t frame_len = (uint16_t)((data[pos] << 8) | data[pos + 1]);
        pos += 2;
        size_t available = size - pos;
        uint32_t caplen = frame_len <= available ? frame_len : (uint32_t)available;
        ts_us = next_timestamp(ts_us, frame_len);
        /* wirelen > caplen when the frame was cut: a snaplen'd capture. */
        engine_packet(e, linktype, ts_us, data + pos, caplen, frame_len);
        pos += caplen;
    }
    engine_finish(e);
    engine_free(e);
    return 0;
}
