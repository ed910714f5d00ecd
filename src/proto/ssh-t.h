/* SSH: what the parser publishes (EVENT_SSH), once per connection, when
 * Zeek writes its ssh.log row: at a successful authentication or when the
 * connection ends. Type-only. */
#ifndef VIGIL_PROTO_SSH_T_H
#define VIGIL_PROTO_SSH_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SSH_BANNER_MAX 256        /* RFC 4253 allows 255 bytes with CR LF */
#define SSH_ALG_NAME_MAX 256      /* a negotiated algorithm, or "To server: a, to client: b" */
#define SSH_HASSH_STRING_MAX 2048 /* kex;enc;mac;comp lists of one side */
#define SSH_HOST_KEY_ALGS_MAX 1024 /* one side's server_host_key_algorithms list */
#define SSH_FINGERPRINT_MAX 64

/* A string that may be unset (Zeek's `-`). */
struct ssh_field {
    bool set;
    size_t len;
    char text[SSH_ALG_NAME_MAX];
};

struct ssh_side {
    bool has_banner;
    size_t banner_len;
    char banner[SSH_BANNER_MAX];          /* "SSH-2.0-OpenSSH_6.6", no CR LF */
    /* Suricata's split of the banner: offsets into banner[] */
    size_t proto_version_off, proto_version_len;
    size_t software_version_off, software_version_len;
    bool has_hassh;
    char hassh[33];                       /* lower-case MD5 hex */
    size_t hassh_string_len;
    char hassh_string[SSH_HASSH_STRING_MAX];
    /* the side's KEXINIT host key algorithms, the hassh package's
     * cshka/sshka (not part of the hash) */
    size_t host_key_algs_len;
    char host_key_algs[SSH_HOST_KEY_ALGS_MAX];
};

enum ssh_auth_result {
    SSH_AUTH_UNKNOWN,   /* Zeek leaves auth_success unset */
    SSH_AUTH_FAILURE,
    SSH_AUTH_SUCCESS,
};

struct ssh_txn {
    int64_t ts_us;          /* first banner seen: ssh.log ts */
    int64_t eve_ts_us;      /* when Suricata would log: both NEWKEYS seen, else the end */
    bool has_version;
    unsigned version;       /* 1 or 2 */
    enum ssh_auth_result auth;
    uint64_t auth_attempts;
    struct ssh_side client, server;
    struct ssh_field cipher_alg, mac_alg, compression_alg, kex_alg, host_key_alg;
    bool has_host_key;
    char host_key_fingerprint[SSH_FINGERPRINT_MAX]; /* "SHA256:..." as Zeek logs it */
    char host_key_md5[48];  /* "aa:bb:..." (Zeek's older host_key field) */
};

#endif
