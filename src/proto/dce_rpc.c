/* DCE-RPC connection-oriented PDUs: the 16-byte common header, then
 * bind / alter_context (the interfaces a presentation context names),
 * bind_ack (the secondary address: Zeek's named_pipe), request and
 * response (the call, matched by call_id), auth3. A PDU is at most 65535
 * bytes, so a direction buffers one PDU at most; request fragments are
 * reassembled up to DCE_RPC_MAX_STUB bytes (the rest is counted, never
 * kept), however many fragments come. */
#include "proto/dce_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "util/grow.h"
#include "util/reader.h"

#define PDU_HEADER 16
#define PFC_FIRST_FRAG 0x01
#define PFC_LAST_FRAG 0x02
#define PFC_OBJECT_UUID 0x80
#define PDU_TYPE_MAX 0x13         /* orphaned, the last connection-oriented type Zeek's signature admits */
#define AUTH_TRAILER 8
#define AUTH_SPNEGO 9
#define AUTH_NTLM 10
#define AUTH_SCHANNEL 14
#define AUTH_KERBEROS 16
#define AUTH_NETLOGON 68
#define MAX_BIND_CONTEXTS 64      /* a bind lists a handful; n_context_elem is one byte */

enum pdu_type {
    PDU_REQUEST = 0,
    PDU_RESPONSE = 2,
    PDU_FAULT = 3,
    PDU_BIND = 11,
    PDU_BIND_ACK = 12,
    PDU_ALTER_CONTEXT = 14,
    PDU_ALTER_CONTEXT_RESP = 15,
    PDU_AUTH3 = 16,
};

void dce_rpc_uuid_str(const uint8_t u[16], char out[DCE_RPC_UUID_STR])
{
    snprintf(out, DCE_RPC_UUID_STR, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned)load_le32(u),
             (unsigned)load_le16(u + 4), (unsigned)load_le16(u + 6), u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

bool dce_rpc_looks_like_bind(const uint8_t *p, size_t n)
{
    if (n < PDU_HEADER)
        return false;
    return p[0] == 5 && p[1] <= 1 && (p[2] == PDU_BIND || p[2] == PDU_ALTER_CONTEXT) &&
           (p[3] & (PFC_FIRST_FRAG | PFC_LAST_FRAG)) == (PFC_FIRST_FRAG | PFC_LAST_FRAG) && load_le16(p + 8) >= PDU_HEADER;
}

bool dce_rpc_looks_like_pdu(const uint8_t *p, size_t n)
{
    if (n < PDU_HEADER)
        return false;
    return p[0] == 5 && p[1] <= 1 && p[2] <= PDU_TYPE_MAX &&
           (p[3] & (PFC_FIRST_FRAG | PFC_LAST_FRAG)) == (PFC_FIRST_FRAG | PFC_LAST_FRAG) && load_le16(p + 8) >= PDU_HEADER;
}

void dce_rpc_assoc_init(struct dce_rpc_assoc *a)
{
    memset(a, 0, sizeof *a);
}

static void context_bind(struct dce_rpc_assoc *a, uint16_t id, const uint8_t *syntax)
{
    struct dce_rpc_context *free_slot = NULL;
    for (size_t i = 0; i < DCE_RPC_MAX_CONTEXTS; i++) {
        struct dce_rpc_context *c = &a->ctx[i];
        if (c->used && c->id == id) {
            free_slot = c;
            break;
        }
        if (!c->used && free_slot == NULL)
            free_slot = c;
    }
    if (free_slot == NULL)
        free_slot = &a->ctx[id % DCE_RPC_MAX_CONTEXTS];  /* full: a context churn overwrites, bounded */
    free_slot->used = true;
    free_slot->id = id;
    memcpy(free_slot->uuid, syntax, 16);
    free_slot->version = (uint16_t)load_le16(syntax + 16);
    free_slot->version_minor = (uint16_t)load_le16(syntax + 18);
    memcpy(a->last_uuid, syntax, 16);
    a->last_version = free_slot->version;
    a->last_version_minor = free_slot->version_minor;
    a->has_uuid = true;
}

/* The interface a context was bound to (its uuid, major and minor
 * version); without that context, the last one bound. */
static const uint8_t *context_uuid(const struct dce_rpc_assoc *a, uint16_t id, uint16_t *version,
                                   uint16_t *version_minor)
{
    for (size_t i = 0; i < DCE_RPC_MAX_CONTEXTS; i++) {
        if (a->ctx[i].used && a->ctx[i].id == id) {
            *version = a->ctx[i].version;
            *version_minor = a->ctx[i].version_minor;
            return a->ctx[i].uuid;
        }
    }
    *version = a->last_version;
    *version_minor = a->last_version_minor;
    return a->has_uuid ? a->last_uuid : NULL;
}

/* The auth trailer of any PDU that has one. Zeek's forward_auth
 * (dce_rpc-auth.pac) looks at every such PDU's auth type: SPNEGO, NTLM and
 * Kerberos go to their analyzers, the TLS (SChannel) and Netlogon secure
 * channel types are weirds with the type as addl, any other type the
 * unknown weird. NTLM here reads the bind family's messages only (bind,
 * alter_context, auth3 and their answers): a request's trailer is a
 * signature, never an NTLMSSP message. */
static void pdu_auth(const struct dce_rpc_carrier *car, struct app_env *env, const uint8_t *p, size_t n)
{
    size_t auth_len = load_le16(p + 10);
    if (auth_len == 0 || n < PDU_HEADER + AUTH_TRAILER + auth_len)
        return;
    uint8_t type = p[n - auth_len - AUTH_TRAILER];
    char addl[4];
    snprintf(addl, sizeof addl, "%u", (unsigned)type);
    switch (type) {
    case AUTH_SPNEGO:
    case AUTH_NTLM:
        if (car->ntlm && (p[2] == PDU_BIND || p[2] == PDU_BIND_ACK || p[2] == PDU_ALTER_CONTEXT ||
                          p[2] == PDU_ALTER_CONTEXT_RESP || p[2] == PDU_AUTH3))
            ntlm_session_blob(car->ntlm, env, "DCE_RPC", p + n - auth_len, auth_len);
        break;
    case AUTH_KERBEROS:
        break;
    case AUTH_SCHANNEL:
        env->weird(env, "tls_dce_rpc_auth_type", addl, "DCE_RPC");
        break;
    case AUTH_NETLOGON:
        env->weird(env, "netlogon_dce_rpc_auth_type", addl, "DCE_RPC");
        break;
    default:
        env->weird(env, "unknown_dce_rpc_auth_type", addl, "DCE_RPC");
        break;
    }
}

static void pdu_bind(struct dce_rpc_assoc *a, struct app_env *env, const uint8_t *p, size_t n)
{
    if (n < PDU_HEADER + 12)
        return;
    size_t count = p[PDU_HEADER + 8], off = PDU_HEADER + 12;
    if (count > MAX_BIND_CONTEXTS)
        count = MAX_BIND_CONTEXTS;
    for (size_t i = 0; i < count; i++) {
        if (off + 24 > n) {
            env->weird(env, "DCE_RPC_truncated_bind", NULL, "DCE_RPC");
            return;
        }
        uint16_t id = (uint16_t)load_le16(p + off);
        size_t n_syntaxes = p[off + 2];
        context_bind(a, id, p + off + 4);  /* the abstract syntax: uuid, major, minor version */
        off += 24 + 20 * n_syntaxes;
    }
}

static void pdu_bind_ack(struct dce_rpc_assoc *a, const uint8_t *p, size_t n)
{
    if (n < PDU_HEADER + 10)
        return;
    size_t len = load_le16(p + PDU_HEADER + 8);
    if (len == 0 || len > n - (PDU_HEADER + 10))
        return;
    const uint8_t *s = p + PDU_HEADER + 10;
    size_t k = strnlen((const char *)s, len);
    if (k == 0)
        return;
    if (k >= sizeof a->named_pipe)
        k = sizeof a->named_pipe - 1;
    memcpy(a->named_pipe, s, k);
    a->named_pipe[k] = '\0';
}

/* Where a request's or response's stub ends: before the auth trailer. */
static size_t stub_end(const uint8_t *p, size_t n, size_t start)
{
    size_t auth_len = load_le16(p + 10);
    if (auth_len == 0)
        return n;
    if (n < start + AUTH_TRAILER + auth_len)
        return start;
    size_t end = n - auth_len - AUTH_TRAILER;
    size_t pad = p[end + 2];
    return end >= start + pad ? end - pad : start;
}

static struct dce_rpc_call *call_slot(struct dce_rpc_assoc *a, uint32_t call_id)
{
    struct dce_rpc_call *oldest = &a->calls[0];
    for (size_t i = 0; i < DCE_RPC_MAX_CALLS; i++) {
        struct dce_rpc_call *c = &a->calls[i];
        if (c->used && c->call_id == call_id)
            return c;
        if (!c->used)
            oldest = c;
        else if (oldest->used && c->ts_us < oldest->ts_us)
            oldest = c;
    }
    return oldest;  /* a free slot, or the oldest call (never answered) */
}

static void stub_append(struct dce_rpc_assoc *a, struct app_env *env, const uint8_t *p, size_t n)
{
    size_t room = DCE_RPC_MAX_STUB - a->stub_len;
    if (n > room) {
        if (!a->stub_cut)
            env->weird(env, "DCE_RPC_stub_too_large", NULL, "DCE_RPC");
        a->stub_cut = true;
        n = room;
    }
    grow_bytes_append(&a->stub, &a->stub_len, &a->stub_cap, p, n, 1024, DCE_RPC_MAX_STUB);
}

static void pdu_request(struct dce_rpc_assoc *a, struct app_env *env, const uint8_t *p, size_t n)
{
    size_t start = PDU_HEADER + 8 + ((p[3] & PFC_OBJECT_UUID) ? 16 : 0);
    if (n < start)
        return;
    uint32_t call_id = load_le32(p + 12);
    bool first = (p[3] & PFC_FIRST_FRAG) || call_id != a->stub_call;
    if (first) {
        a->stub_len = 0;
        a->stub_cut = false;
        a->stub_call = call_id;
    }
    stub_append(a, env, p + start, stub_end(p, n, start) - start);
    struct dce_rpc_call *c = call_slot(a, call_id);
    uint32_t frags = first || !c->used || c->call_id != call_id ? 1 : c->req_frags + 1;
    *c = (struct dce_rpc_call){.used = true, .call_id = call_id, .ctx_id = (uint16_t)load_le16(p + PDU_HEADER + 4),
                               .opnum = (uint16_t)load_le16(p + PDU_HEADER + 6), .ts_us = env->ts_us,
                               .rpc_version_minor = p[1], .req_frags = frags};
    a->pending = true;
    a->last = *c;
}

static void publish_call(struct dce_rpc_assoc *a, const struct dce_rpc_carrier *car, struct app_env *env,
                         const struct dce_rpc_call *c, bool answered)
{
    uint16_t version, version_minor;
    const uint8_t *uuid = context_uuid(a, c->ctx_id, &version, &version_minor);
    if (uuid == NULL)
        return;  /* Zeek logs nothing without an endpoint */
    struct dce_rpc_txn t = {.ts_us = c->ts_us, .opnum = c->opnum, .smb_share = car->smb_share, .smb = car->smb,
                            .answered = answered,
                            .if_version = version, .if_version_minor = version_minor, .call_id = c->call_id,
                            .rpc_version_minor = c->rpc_version_minor, .req_frags = c->req_frags,
                            .res_frags = c->res_frags, .res_stub_len = c->res_stub_len};
    dce_rpc_uuid_str(uuid, t.uuid);
    char unknown_ep[8 + DCE_RPC_UUID_STR], unknown_op[24];
    t.endpoint = dce_rpc_endpoint_name(car->names, t.uuid);
    if (t.endpoint == NULL) {
        snprintf(unknown_ep, sizeof unknown_ep, "unknown-%s", t.uuid);
        t.endpoint = unknown_ep;
    }
    t.operation = dce_rpc_operation_name(car->names, t.uuid, c->opnum, &t.logged);
    if (t.operation == NULL) {
        snprintf(unknown_op, sizeof unknown_op, "unknown-%u", (unsigned)c->opnum);
        t.operation = unknown_op;
    }
    if (answered && env->ts_us != c->ts_us) {
        t.has_rtt = true;
        t.rtt_us = env->ts_us - c->ts_us;
    }
    t.named_pipe = a->named_pipe[0] ? a->named_pipe : NULL;
    if (a->stub_call == c->call_id && a->stub) {
        t.stub = a->stub;
        t.stub_len = a->stub_len;
    }
    env->publish(env, EVENT_DCE_RPC, &t);
}

/* A response's fragments are counted (EVE res.frag_cnt, stub_data_size);
 * the last one publishes the call. */
static void pdu_response(struct dce_rpc_assoc *a, const struct dce_rpc_carrier *car, struct app_env *env,
                         const uint8_t *p, size_t n)
{
    uint32_t call_id = load_le32(p + 12);
    for (size_t i = 0; i < DCE_RPC_MAX_CALLS; i++) {
        struct dce_rpc_call *c = &a->calls[i];
        if (!c->used || c->call_id != call_id)
            continue;
        c->res_frags++;
        if (p[2] == PDU_RESPONSE && n >= PDU_HEADER + 8)
            c->res_stub_len += stub_end(p, n, PDU_HEADER + 8) - (PDU_HEADER + 8);
        if (!(p[3] & PFC_LAST_FRAG))
            return;
        c->used = false;
        if (p[2] == PDU_RESPONSE)
            publish_call(a, car, env, c, true);
        if (a->last.call_id == call_id)
            a->pending = false;
        return;
    }
}

static void pdu(struct dce_rpc_assoc *a, const struct dce_rpc_carrier *car, struct app_env *env, const uint8_t *p,
                size_t n)
{
    switch (p[2]) {
    case PDU_BIND:
    case PDU_ALTER_CONTEXT:
        pdu_bind(a, env, p, n);
        break;
    case PDU_BIND_ACK:
        pdu_bind_ack(a, p, n);
        break;
    case PDU_REQUEST:
        pdu_request(a, env, p, n);
        break;
    case PDU_RESPONSE:
    case PDU_FAULT:
        pdu_response(a, car, env, p, n);
        break;
    default:
        break;
    }
    pdu_auth(car, env, p, n);
}

static bool header_ok(const uint8_t *p)
{
    return p[0] == 5 && p[1] <= 1 && load_le16(p + 8) >= PDU_HEADER;
}

static bool reader_reserve(struct dce_rpc_reader *r, size_t need)
{
    return grow_bytes(&r->buf, &r->cap, need, PDU_HEADER, SIZE_MAX);
}

void dce_rpc_assoc_data(struct dce_rpc_assoc *a, const struct dce_rpc_carrier *car, struct app_env *env,
                        bool from_orig, const uint8_t *p, size_t n)
{
    struct dce_rpc_reader *r = &a->dir[from_orig ? 0 : 1];
    while (n > 0 && !r->lost) {
        if (r->len == 0 && n >= PDU_HEADER && header_ok(p) && load_le16(p + 8) <= n) {
            size_t len = load_le16(p + 8);  /* the whole PDU is here: no copy */
            pdu(a, car, env, p, len);
            p += len;
            n -= len;
            continue;
        }
        size_t want = PDU_HEADER;
        if (r->len >= PDU_HEADER)
            want = load_le16(r->buf + 8);
        if (!reader_reserve(r, want < PDU_HEADER ? PDU_HEADER : want)) {
            r->lost = true;
            break;
        }
        bytes_fill(r->buf, &r->len, want, &p, &n);
        if (r->len == PDU_HEADER && want == PDU_HEADER) {
            if (!header_ok(r->buf)) {
                env->weird(env, "DCE_RPC_bad_header", NULL, "DCE_RPC");
                r->lost = true;
                r->len = 0;
                break;
            }
            if (load_le16(r->buf + 8) > PDU_HEADER)
                continue;
        }
        if (r->len >= PDU_HEADER && r->len == load_le16(r->buf + 8)) {
            pdu(a, car, env, r->buf, r->len);
            r->len = 0;
        }
    }
}

void dce_rpc_assoc_gap(struct dce_rpc_assoc *a, bool from_orig)
{
    struct dce_rpc_reader *r = &a->dir[from_orig ? 0 : 1];
    r->len = 0;
    r->lost = true;
}

void dce_rpc_assoc_close(struct dce_rpc_assoc *a, const struct dce_rpc_carrier *car, struct app_env *env)
{
    if (a->pending) {
        a->pending = false;
        publish_call(a, car, env, &a->last, false);
    }
    free(a->dir[0].buf);
    free(a->dir[1].buf);
    free(a->stub);
    a->dir[0].buf = a->dir[1].buf = NULL;
    a->stub = NULL;
    a->stub_cap = 0;
}
