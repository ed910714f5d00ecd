/* sig/: a parsed rule, as the parser leaves it and the matcher reads it.
 * Private to sig/ (type-only). */
#ifndef VIGIL_SIG_RULE_H
#define VIGIL_SIG_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

/* The buffers a rule inspects. SIG_BUF_PAYLOAD is the packet payload or the
 * reassembled stream; every other one is a field of a transaction. */
enum sig_buffer {
    SIG_BUF_PAYLOAD,
    SIG_BUF_HTTP_URI,
    SIG_BUF_HTTP_URI_RAW,
    SIG_BUF_HTTP_METHOD,
    SIG_BUF_HTTP_HOST,
    SIG_BUF_HTTP_HOST_RAW,
    SIG_BUF_HTTP_USER_AGENT,
    SIG_BUF_HTTP_HEADER,
    SIG_BUF_HTTP_HEADER_RAW,
    SIG_BUF_HTTP_HEADER_NAMES,
    SIG_BUF_HTTP_REQUEST_LINE,
    SIG_BUF_HTTP_REQUEST_BODY,
    SIG_BUF_HTTP_RESPONSE_BODY,
    SIG_BUF_HTTP_STAT_CODE,
    SIG_BUF_HTTP_STAT_MSG,
    SIG_BUF_HTTP_RESPONSE_LINE,
    SIG_BUF_HTTP_COOKIE,
    SIG_BUF_HTTP_CONTENT_TYPE,
    SIG_BUF_HTTP_CONTENT_LEN,
    SIG_BUF_HTTP_SERVER,
    SIG_BUF_HTTP_LOCATION,
    SIG_BUF_HTTP_REFERER,
    SIG_BUF_HTTP_START,
    SIG_BUF_HTTP_PROTOCOL,
    SIG_BUF_HTTP_ACCEPT,
    SIG_BUF_HTTP_ACCEPT_ENC,
    SIG_BUF_HTTP_ACCEPT_LANG,
    SIG_BUF_HTTP_CONNECTION,
    SIG_BUF_FILE_DATA,
    SIG_BUF_DNS_QUERY,
    SIG_BUF_TLS_SNI,
    SIG_BUF_TLS_CERTS,
    SIG_BUF_TLS_CERT_SUBJECT,
    SIG_BUF_TLS_CERT_ISSUER,
    SIG_BUF_TLS_CERT_SERIAL,
    SIG_BUF_TLS_CERT_FINGERPRINT,
    SIG_BUF_JA3_HASH,
    SIG_BUF_JA3_STRING,
    SIG_BUF_JA3S_HASH,
    SIG_BUF_JA3S_STRING,
    SIG_BUF_JA4_HASH,
    SIG_BUF_SSH_PROTO,
    SIG_BUF_SSH_SOFTWARE,
    SIG_BUF_SMTP_HELO,
    SIG_BUF_SMTP_MAIL_FROM,
    SIG_BUF_SMTP_RCPT_TO,
    SIG_BUF_EMAIL_FROM,
    SIG_BUF_EMAIL_SUBJECT,
    SIG_BUF_EMAIL_TO,
    SIG_BUF_KRB5_CNAME,      /* each name of the principal, as Suricata's krb5.cname */
    SIG_BUF_KRB5_SNAME,
    SIG_BUF_KRB5_MSG_TYPE,   /* krb5_msg_type / krb5_err_code: the number in decimal, matched whole */
    SIG_BUF_KRB5_ERR_CODE,
    SIG_BUF_SMB_SHARE,       /* the tree connect's path, a share that is not a pipe (Suricata's smb.share) */
    SIG_BUF_SMB_NAMED_PIPE,  /* ... the path when the share is IPC$ (smb.named_pipe) */
    SIG_BUF_SMB_NTLMSSP_USER,
    SIG_BUF_SMB_NTLMSSP_DOMAIN,
    SIG_BUF_DCERPC_STUB_DATA, /* the request's stub, reassembled across fragments */
    SIG_BUF_BASE64,          /* base64_data: what the last base64_decode produced */
    SIG_BUF_COUNT,
};

enum sig_app {
    SIG_APP_NONE, SIG_APP_HTTP, SIG_APP_TLS, SIG_APP_DNS, SIG_APP_SSH, SIG_APP_SMTP,
    SIG_APP_QUIC, SIG_APP_DHCP, SIG_APP_KRB5, SIG_APP_SMB,
    SIG_APP_DCERPC,             /* DCE-RPC over TCP, and over SMB pipes (Suricata's AppProtoEquals) */
    SIG_APP_COUNT,
};

enum sig_transform {
    SIG_XF_DOTPREFIX = 1, SIG_XF_TO_LOWERCASE, SIG_XF_TO_UPPERCASE, SIG_XF_STRIP_WHITESPACE,
    SIG_XF_COMPRESS_WHITESPACE, SIG_XF_URL_DECODE, SIG_XF_TO_MD5, SIG_XF_TO_SHA1, SIG_XF_TO_SHA256,
    SIG_XF_HEADER_LOWERCASE, SIG_XF_STRIP_PSEUDO_HEADERS,
};

#define SIG_MAX_TRANSFORMS 4
#define SIG_MAX_VARS 8          /* byte_extract variables per rule */
#define SIG_CONTENT_MAX 65535   /* longer patterns are rejected */

/* An offset or length that is a number or a byte_extract variable. */
struct sig_num {
    int32_t v;
    int8_t var;                 /* -1: the number; otherwise the variable's index */
};

struct sig_content {
    uint8_t *pat;
    uint32_t len;
    bool nocase, negated, startswith, endswith, fast_pattern, fp_only;
    bool has_offset, has_depth, has_distance, has_within;
    struct sig_num offset, depth, distance, within;
};

struct sig_pcre {
    void *code;                 /* pcre2_code_8, not JIT-compiled: each worker JITs its own copy on first use */
    uint32_t index;             /* numbered by sig_set_compile: the worker's copy */
    bool negated, relative;
};

enum sig_byte_op { SIG_OP_LT, SIG_OP_GT, SIG_OP_EQ, SIG_OP_LE, SIG_OP_GE, SIG_OP_AND, SIG_OP_OR };

/* byte_test, byte_jump and byte_extract share their reading options. */
struct sig_byte {
    uint8_t nbytes;
    bool relative, little, string, negated;
    uint8_t base;               /* string: 8, 10, 16 */
    uint8_t op;                 /* byte_test */
    struct sig_num offset, value;
    uint32_t bitmask;
    uint32_t multiplier;
    int32_t post_offset;
    uint8_t align;              /* byte_jump: 0, or 4 (align) */
    bool from_beginning, from_end;
    int8_t var;                 /* byte_extract: the variable written */
    int8_t nbytes_var;          /* byte_jump: nbytes from this variable; -1 = nbytes */
};

struct sig_isdataat {
    struct sig_num n;
    bool relative, negated;
};

enum sig_cmp { SIG_CMP_EQ, SIG_CMP_NE, SIG_CMP_LT, SIG_CMP_GT, SIG_CMP_LE, SIG_CMP_GE, SIG_CMP_RANGE };

/* dsize, bsize, urilen, ttl, itype...: `N`, `<N`, `>N`, `N<>M`, `!N`. */
struct sig_range {
    uint8_t cmp;
    uint32_t lo, hi;
};

struct sig_list;

struct sig_base64 {
    uint32_t bytes, offset;     /* bytes 0: to the end */
    bool relative;
};

enum sig_sm_type {
    SIG_SM_CONTENT, SIG_SM_PCRE, SIG_SM_BYTE_TEST, SIG_SM_BYTE_JUMP, SIG_SM_BYTE_EXTRACT,
    SIG_SM_ISDATAAT, SIG_SM_BSIZE, SIG_SM_BASE64_DECODE,
};

struct sig_sm {
    uint8_t type;
    union {
        struct sig_content content;
        struct sig_pcre pcre;
        struct sig_byte byte;
        struct sig_isdataat isdataat;
        struct sig_range bsize;
        struct sig_base64 base64;
    } u;
};

/* What the rule checks in one buffer, in rule order. */
struct sig_list {
    uint8_t buffer;             /* enum sig_buffer */
    uint8_t n_transforms;
    uint8_t transforms[SIG_MAX_TRANSFORMS];
    size_t n, cap;
    struct sig_sm *sm;
};

enum sig_flow_flag {
    SIG_FLOW_ESTABLISHED = 1, SIG_FLOW_NOT_ESTABLISHED = 2, SIG_FLOW_TO_SERVER = 4,
    SIG_FLOW_TO_CLIENT = 8, SIG_FLOW_ONLY_STREAM = 16, SIG_FLOW_NO_STREAM = 32, SIG_FLOW_STATELESS = 64,
};

/* An address or port group: a tree of (negated) members. */
struct sig_net {
    bool neg, any, is_group;
    bool shared;                /* kids belong to the set's parsed variables: not freed with this node */
    struct ip_prefix prefix;    /* leaf */
    uint16_t lo, hi;            /* leaf port range */
    size_t n;
    struct sig_net *kids;
};

enum sig_fb_cmd { SIG_FB_SET, SIG_FB_ISSET, SIG_FB_ISNOTSET, SIG_FB_TOGGLE, SIG_FB_UNSET, SIG_FB_NOALERT };

struct sig_flowbit {
    uint8_t cmd;
    bool any_of;                /* names joined with | (isset: one is enough) */
    uint8_t n;
    uint16_t ids[8];
};

enum sig_thr_type {
    SIG_THR_NONE, SIG_THR_LIMIT, SIG_THR_THRESHOLD, SIG_THR_BOTH, SIG_THR_BACKOFF, SIG_THR_DETECTION_FILTER,
};
enum sig_track { SIG_TRACK_SRC, SIG_TRACK_DST, SIG_TRACK_RULE, SIG_TRACK_BOTH, SIG_TRACK_FLOW };

struct sig_threshold {
    uint8_t type, track;
    uint32_t count, seconds;
    uint32_t multiplier;        /* backoff */
};

/* dcerpc.iface and dcerpc.opnum (Suricata's dcerpc keywords): checked on
 * a DCE-RPC request, over TCP or an SMB pipe. */
#define SIG_MAX_OPNUM_RANGES 8
struct sig_dcerpc {
    bool has_iface, has_version, any_frag;
    char iface[37];             /* the interface UUID, lower case text */
    struct sig_range version;   /* on the interface's major version */
    uint8_t n_opnums;           /* 0: no dcerpc.opnum */
    struct {
        uint16_t lo, hi;
    } opnums[SIG_MAX_OPNUM_RANGES];
};

enum sig_action { SIG_ACTION_ALERT, SIG_ACTION_PASS, SIG_ACTION_DROP, SIG_ACTION_REJECT };

struct sig_rule {
    uint32_t sid, gid, rev;
    uint32_t index;             /* position in the set */
    uint8_t action;
    uint8_t ipproto;            /* 0 any IP, else 6, 17, 1 (ICMP: 1 and 58) */
    uint8_t ipver;              /* 0 any, 4 or 6 (the ipv4 / ipv6 protocols) */
    uint8_t app;                /* enum sig_app */
    bool tcp_pkt_only, tcp_stream_only;
    bool bidir, noalert;
    bool iponly;                /* header only: matched on the first packet of each direction of a flow */
    uint8_t flow;               /* enum sig_flow_flag bits */
    int priority;
    struct sig_net src, dst, sp, dp;

    bool has_dsize, has_ttl, has_itype, has_icode, has_ip_proto, sameip;
    struct sig_range dsize, ttl, itype, icode;
    uint8_t ip_proto;
    bool ip_proto_neg;
    uint8_t flags_set, flags_ignore, flags_mode;  /* mode: 0 exact, '+' all of, '*' any of, '!' none of */
    bool has_flags;

    struct sig_dcerpc dcerpc;

    uint8_t n_flowbits;
    struct sig_flowbit flowbits[8];
    struct sig_threshold threshold;
    uint8_t n_vars;

    size_t n_lists;
    struct sig_list lists[8];
    int8_t fp_list, fp_sm;      /* the fast pattern: list and element, -1 none */

    char *msg;
    const char *classtype;      /* short name, owned by the set's classification table */
    const char *class_msg;
    char *metadata;             /* the metadata option as written, "" when none */
    char *target;
    uint16_t file;              /* index in the set's file names */
    uint32_t line;
    /* The rule, its lists' elements and its strings live in the set's arena
     * (sig_rule_pack); content patterns, PCREs and groups stay its own. */
    bool packed;
};

#endif
