/* libFuzzer target for the rule parser and the inspection engine: the
 * input's first line is a rule, the rest a payload the rule is matched
 * against (as a stream chunk and as a packet). A rule is loaded whole or
 * refused with a reason; matching never reads outside the payload. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet-t.h"
#include "sig/sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const uint8_t *nl = memchr(d, '\n', n);
    size_t rule_len = nl ? (size_t)(nl - d) : n;
    char *rule = malloc(rule_len + 1);
    size_t payload_len = nl ? n - rule_len - 1 : 0;
    uint8_t *payload = malloc(payload_len ? payload_len : 1); /* exact size: over-reads are caught */
    struct sig_set *s = sig_set_new(NULL);
    /* every input's prefilter would otherwise land in the on-disk cache */
    if (!rule || !payload || !s || !sig_set_cache_dir(s, NULL))
        goto out;
    memcpy(rule, d, rule_len);
    rule[rule_len] = '\0';
    if (payload_len)
        memcpy(payload, nl + 1, payload_len);
    char why[600] = "";
    int rc = sig_set_add_rule(s, rule, "fuzz.rules", 1, why, sizeof why);
    if (rc != 0 && why[0] == '\0')
        __builtin_trap(); /* a refused rule always says why */
    char err[256];
    if (!sig_set_compile(s, err, sizeof err))
        goto out;
    struct sig_worker *w = sig_worker_new(s, NULL); /* a NULL sink drops the alerts */
    if (!w)
        goto out;
    struct sig_flow_info fi = {.flow_id = 1, .to_server = true, .established = true};
    struct sig_endpoints ends = {.sp = 1234, .dp = 80};
    ip_addr_parse("192.168.1.2", &ends.src);
    ip_addr_parse("10.0.0.1", &ends.dst);
    sig_stream(w, &fi, &ends, 1000000, payload, payload_len);
    struct packet pkt;
    memset(&pkt, 0, sizeof pkt);
    pkt.ts_us = 1000000;
    pkt.ip_version = 4;
    pkt.src = ends.src;
    pkt.dst = ends.dst;
    pkt.l4_proto = 17;
    pkt.sport = 1234;
    pkt.dport = 53;
    pkt.payload = payload;
    pkt.payload_caplen = pkt.payload_len = (uint32_t)payload_len;
    sig_packet(w, &pkt, &fi);
    sig_worker_free(w);
out:
    sig_set_free(s);
    free(rule);
    free(payload);
    return 0;
}
