/* core/config: every tunable of a run in one place, each default explained. */
#ifndef VIGIL_CORE_CONFIG_H
#define VIGIL_CORE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"
#include "proto/app_limits-t.h"
#include "proto/ftp-t.h"
#include "util/addr.h"

#define VIGIL_MAX_LOCAL_NETS 256
#define VIGIL_MAX_CPUS 64

struct sig_set;

struct file_inspector;

struct vigil_config {
    struct decode_config decode;
    /* Zeek's defaults: tcp_inactivity_timeout 5 min, udp/icmp 1 min. */
    int64_t tcp_timeout_us, udp_timeout_us, icmp_timeout_us;
    /* Flows tracked at once per run; beyond it the oldest idle flow is
     * evicted (logged, counted). 2M flows stays well under 1 GiB. */
    uint32_t max_flows;
    /* Out-of-order TCP bytes held for reassembly, all flows: 256 MiB. */
    uint32_t stream_memcap;
    uint16_t community_id_seed;
    /* Connection uids: a keyed hash of the flow's 5-tuple and its first
     * packet's time, that time cut to uid_window_us (0: the exact
     * microsecond) so that sensors on several links, whose clocks see the
     * same packet microseconds apart, give it the same uid; TCP mixes in
     * the first packet's sequence number, so a reused 5-tuple in one window
     * still gets a uid of its own. uid_key 0 and window 0 are read's uids. */
    uint64_t uid_key;
    int64_t uid_window_us;
    bool community_id;  /* compute Community IDs (EVE and conn.log's community_id column) */
    /* With decode.verify_checksums: hold the first packets and turn
     * verification off if their checksums show NIC offload (Suricata's
     * auto mode; core/checksum_probe.h). */
    bool checksums_auto;
    bool conn_only;     /* no application parsers: conn logging alone (benchmarks) */
    /* Parse the application layer of connections whose start was not seen
     * (Suricata's stream.midstream); Zeek's HTTP, SMTP and SOCKS do not. */
    bool app_midstream;
    /* Signatures inspect a request on the packet that completes it
     * (Suricata's stream.inline), not after the server's ack. */
    bool stream_inline;
    /* smb_files.log also shows reads and writes (Zeek's SMB::logged_file_actions
     * += { SMB::FILE_READ, SMB::FILE_WRITE }). */
    bool smb_log_reads_writes;
    /* Zeek's parser limits the run may redefine (proto/app_limits-t.h). */
    struct app_limits app_limits;
    unsigned workers;
    /* Live on AF_PACKET rings: worker i is driven by ring i's own capture
     * thread (engine_lane_packet), which --cpus pins; no worker threads. */
    bool lanes;
    /* --cpus: worker i runs on cpus[i % n_cpus] (with one worker, the
     * thread that feeds the engine); n_cpus 0: where the scheduler puts it. */
    unsigned n_cpus;
    uint16_t cpus[VIGIL_MAX_CPUS];
    /* File extraction (files/): NULL = off. Caps of 0 take the defaults of
     * files/files.h: 100 MiB per file, 1 GiB per run and worker. */
    const char *extract_dir;
    uint64_t extract_max_file, extract_max_total;
    /* Files inspected as documents (files/files.h's seam; NULL: none), and
     * SMTP messages kept whole for the phishing detector (0: none). */
    const struct file_inspector *file_inspector;
    uint64_t message_max_bytes;
    /* --eve-http-body-limit: Suricata's libhtp body limit for EVE's HTTP
     * files (0: none); unset: files/'s default, Suricata's 100 KiB. */
    uint64_t eve_http_body_limit;
    bool eve_http_body_limit_set;
    /* --eve-tcp-closed-timeout: how long EVE keeps a TCP flow Suricata saw
     * closed after its last packet, later packets of its 5-tuple (no SYN)
     * counting in it (Suricata's flow-timeouts tcp closed: 60 s); 0: EVE
     * flows end with Zeek's connections. The command line zeroes it when
     * the run writes no EVE (flow/flow.h: flow_config). */
    int64_t eve_tcp_closed_timeout_us;
    unsigned n_local_nets;
    struct ip_prefix local_nets[VIGIL_MAX_LOCAL_NETS];
    /* --rules: the compiled signature set every worker matches (NULL: none).
     * Owned by the caller; outlives the engine. */
    const struct sig_set *rules;
    /* Zeek's FTP options (--ftp-...): Zeek's defaults unless given. */
    struct ftp_settings ftp;
};

void vigil_config_defaults(struct vigil_config *c);

#endif
