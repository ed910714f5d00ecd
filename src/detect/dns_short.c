/* DNS tunnels, DGA bursts and TXT command channels within minutes.
 *
 * Per client and domain (the registered domain, or the first label of a
 * name sent straight to the resolver: detect/dns_name.h), within
 * dns_tunnel_window_seconds: the queries, their distinct subdomain parts,
 * the characters of those parts (length, entropy, rate) and the share of
 * the record types tunnels use. iodine asks NULL (or PRIVATE, TXT, CNAME)
 * records for 100-character base32/base128 labels several times a second;
 * dns2tcp TXT or KEY records for base64 labels: both are unambiguous in a
 * minute. A CDN's hashed names are short, fewer and ordinary A lookups.
 *
 * Per client and domain, within txt_window_seconds: answered TXT queries,
 * their distinct answers and how many look encoded. A command channel polls
 * one domain and gets a new encoded answer each time; SPF, DKIM and site
 * verification records never change.
 *
 * Per client, within dga_window_seconds: the distinct registered domains
 * answered NXDOMAIN whose name looks machine-made (dns_tunnel.c's
 * dga_label_score). Typos and stale bookmarks are words, and few.
 *
 * The state is per worker: a client and its resolver reach the same
 * worker (the engine hashes addresses symmetrically). */
#include "detect/dns_short.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/alert.h"
#include "detect/behavior_internal.h"
#include "detect/config-t.h"
#include "detect/short_score.h"
#include "detect/short_window.h"
#include "detect/sink.h"
#include "proto/dns-t.h"
#include "util/hash.h"

#define DNS_SID_TUNNEL 9300202u
#define DNS_SID_DGA 9300203u
#define DNS_SID_TXT 9300204u
#define TRACKED_DOMAINS 2048        /* client and domain pairs followed at once, per worker and table */
#define TRACKED_CLIENTS 4096
#define TXT_MAX 512                 /* answer text compared and judged */
#define ANSWER_SEED 0x7478746e73776572ULL
#define DOMAIN_SEED 0x6467616e78646f6dULL

struct dns_short_run {
    struct short_thresholds th;     /* first: short_run_open */
    psl_ctx_t *psl;                 /* read-only once loaded: the workers share it */
    bool psl_owned;
};

struct domain_entry {
    struct short_slot slot;
    struct dns_domain_evidence e;
};

struct client_entry {
    struct short_slot slot;
    struct distinct domains;        /* random-looking registered domains answered NXDOMAIN */
    char example[NAME_MAX_LEN + 1]; /* the latest of them */
};

struct dns_short_worker {
    const struct dns_short_run *run;
    const struct detect_sink *sink;
    struct short_table tunnels, txts, clients;
    struct dns_name_cache names;    /* the last names' splits */
};

/* One DNS row as the three detectors read it. */
struct dns_look {
    const struct app_conn *c;
    int64_t ts_us;
    uint16_t qtype;
    int rcode;
    struct dns_name_parts name;
};

static bool dns_short_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    if (!short_run_open(cfg, sizeof(struct dns_short_run), state, err, errlen))
        return false;
    if (*state == NULL)
        return true; /* the behaviour detectors are off */
    struct dns_short_run *r = *state;
    r->psl = dns_psl_load(cfg->behavior_cfg.psl_path, &r->psl_owned, err, errlen);
    if (r->psl == NULL) {
        free(r);
        *state = NULL;
        return false;
    }
    return true;
}

static void dns_short_close(void *state)
{
    struct dns_short_run *r = state;
    if (r && r->psl_owned)
        psl_free(r->psl);
    free(r);
}

static void dns_short_worker_close(void *worker)
{
    struct dns_short_worker *w = worker;
    short_table_free(&w->tunnels);
    short_table_free(&w->txts);
    short_table_free(&w->clients);
    free(w);
}

static void *dns_short_worker_open(void *state, const struct detect_sink *sink)
{
    struct dns_short_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->run = state;
    w->sink = sink;
    if (!short_table_init(&w->tunnels, sizeof(struct domain_entry), TRACKED_DOMAINS) ||
        !short_table_init(&w->txts, sizeof(struct domain_entry), TRACKED_DOMAINS) ||
        !short_table_init(&w->clients, sizeof(struct client_entry), TRACKED_CLIENTS)) {
        dns_short_worker_close(w);
        return NULL;
    }
    return w;
}

/* ----------------------------------------------------------------- reports */

struct dns_report {
    uint32_t sid;
    const char *signature, *note, *attack1, *attack2;
    const char *msg, *sub;
    uint64_t n;
    const char *first_uid;
};

static void emit(struct dns_short_worker *w, const struct dns_look *d, const struct dns_report *r)
{
    const struct alert_meta meta[] = {{"evidence_uid", r->first_uid}, {"evidence_uid", d->c->uid}};
    bool two = r->first_uid[0] != '\0' && strcmp(r->first_uid, d->c->uid) != 0;
    struct alert a = {
        .ts_us = d->ts_us,
        .app_proto = "dns",
        .signature_id = r->sid,
        .signature = r->signature,
        .category = "Potentially Bad Traffic",
        .severity = 2,
        .note = r->note,
        .notice_msg = r->msg,
        .sub = r->sub,
        .has_n = true,
        .n = r->n,
        .attack = {r->attack1, r->attack2},
        .n_attack = r->attack2 ? 2 : 1,
        .meta = two ? meta : meta + 1,
        .n_meta = two ? 2 : 1,
    };
    alert_set_app_conn(&a, d->c);
    sink_alert(w->sink, &a);
}

static uint64_t client_domain_key(const struct dns_look *d)
{
    struct hash_stream h;
    hash_stream_init(&h, hash_run_key());
    hash_stream_add(&h, &d->c->orig_h, sizeof d->c->orig_h);
    hash_stream_add(&h, d->name.key, d->name.key_len);
    return hash_stream_end(&h);
}

/* The client's address and the domain, for a notice. */
static void name_ends(const struct dns_look *d, char client[64], char domain[NAME_MAX_LEN + 1])
{
    ip_addr_format(&d->c->orig_h, client, 64);
    snprintf(domain, NAME_MAX_LEN + 1, "%.*s", (int)d->name.key_len, d->name.key);
}

static long long window_seconds(int64_t from_us, int64_t to_us)
{
    return (long long)((to_us - from_us) / 1000000);
}

/* ------------------------------------------------------------------ tunnel */

static void look_tunnel(struct dns_short_worker *w, const struct dns_look *d)
{
    const struct short_thresholds *th = &w->run->th;
    struct domain_entry *t = short_table_get(&w->tunnels, client_domain_key(d), d->ts_us, th->dns_tunnel_window_us,
                                             d->c->uid);
    if (t == NULL || short_slot_suppressed(&t->slot, d->ts_us))
        return;
    dns_domain_add_query(&t->e, d->name.sub, d->name.sub_len, d->qtype, d->ts_us);
    if (!dns_tunnel_verdict(&t->e, th))
        return;
    t->slot.reported_us = d->ts_us;
    char client[64], domain[NAME_MAX_LEN + 1], msg[1024];
    name_ends(d, client, domain);
    snprintf(msg, sizeof msg,
             "%s sent %u queries under %s in %llds: %llu distinct subdomains, mean %.0f characters, %.1f bits a "
             "character, %.0f%% NULL/TXT/CNAME/MX/KEY/private types, %.0f characters a minute: DNS tunnel",
             client, t->e.queries, domain, window_seconds(t->slot.start_us, d->ts_us),
             (unsigned long long)distinct_count(&t->e.subs), dns_domain_mean_length(&t->e),
             dns_domain_entropy(&t->e), 100 * dns_domain_odd_share(&t->e), dns_domain_chars_per_minute(&t->e));
    struct dns_report r = {DNS_SID_TUNNEL, "VIGIL DNS tunnel: data in the labels of one domain", "Vigil::DNS_Tunnel",
                           "T1071.004", "T1572", msg, domain, t->e.queries, t->slot.first_uid};
    emit(w, d, &r);
}

/* -------------------------------------------------------------- TXT channel */

/* The TXT answers of the response, their character-strings joined (cut at TXT_MAX). */
static size_t txt_answer(const struct dns_message *m, char *out)
{
    size_t n = 0;
    for (size_t i = 0; m && i < m->n_rrs; i++) {
        const struct dns_rr *rr = &m->rrs[i];
        if (rr->section != DNS_SECTION_ANSWER || rr->kind != DNS_RDATA_TXT)
            continue;
        for (size_t k = 0; k < rr->raw.n;) {
            size_t len = rr->raw.p[k++];
            if (len > rr->raw.n - k)
                len = rr->raw.n - k;
            size_t take = len < TXT_MAX - n ? len : TXT_MAX - n;
            memcpy(out + n, rr->raw.p + k, take);
            n += take;
            k += len;
        }
    }
    return n;
}

static void look_txt(struct dns_short_worker *w, const struct dns_look *d, const struct dns_message *m)
{
    char text[TXT_MAX];
    size_t n;
    if (d->qtype != 16 || d->rcode != 0 || m == NULL || !m->qr || (n = txt_answer(m, text)) == 0)
        return;
    const struct short_thresholds *th = &w->run->th;
    struct domain_entry *t = short_table_get(&w->txts, client_domain_key(d), d->ts_us, th->txt_window_us, d->c->uid);
    if (t == NULL || short_slot_suppressed(&t->slot, d->ts_us))
        return;
    dns_domain_add_query(&t->e, d->name.sub, d->name.sub_len, d->qtype, d->ts_us);
    t->e.txt_answers++;
    distinct_add(&t->e.answers, hash64(text, n, ANSWER_SEED));
    if (text_looks_encoded(text, n))
        t->e.encoded_answers++;
    if (!txt_channel_verdict(&t->e, th))
        return;
    t->slot.reported_us = d->ts_us;
    char client[64], domain[NAME_MAX_LEN + 1], msg[1024];
    name_ends(d, client, domain);
    snprintf(msg, sizeof msg, "%s got %u TXT answers from %s in %llds, %llu distinct, %u encoded: DNS TXT command channel",
             client, t->e.txt_answers, domain, window_seconds(t->slot.start_us, d->ts_us),
             (unsigned long long)distinct_count(&t->e.answers), t->e.encoded_answers);
    struct dns_report r = {DNS_SID_TXT, "VIGIL DNS TXT command channel: changing encoded answers",
                           "Vigil::DNS_TXT_Channel", "T1071.004", NULL, msg, domain, t->e.txt_answers,
                           t->slot.first_uid};
    emit(w, d, &r);
}

/* --------------------------------------------------------------- DGA burst */

static void look_dga(struct dns_short_worker *w, const struct dns_look *d)
{
    if (d->rcode != 3 || !d->name.registered)
        return;
    const char *dot = memchr(d->name.key, '.', d->name.key_len);
    size_t label = dot ? (size_t)(dot - d->name.key) : d->name.key_len;
    const struct short_thresholds *th = &w->run->th;
    if (dga_label_score(d->name.key, label) < th->dga_min_label_score)
        return;
    struct client_entry *e = short_table_get(&w->clients, hash_keyed(&d->c->orig_h, sizeof d->c->orig_h, DOMAIN_SEED),
                                             d->ts_us, th->dga_window_us, d->c->uid);
    if (e == NULL || short_slot_suppressed(&e->slot, d->ts_us))
        return;
    distinct_add(&e->domains, hash64(d->name.key, d->name.key_len, DOMAIN_SEED));
    snprintf(e->example, sizeof e->example, "%.*s", (int)d->name.key_len, d->name.key);
    uint64_t n = distinct_count(&e->domains);
    if (n < th->dga_min_domains)
        return;
    e->slot.reported_us = d->ts_us;
    char client[64], msg[1024];
    ip_addr_format(&d->c->orig_h, client, sizeof client);
    snprintf(msg, sizeof msg, "%s got NXDOMAIN for %llu random-looking domains in %llds (the latest %s): DGA", client,
             (unsigned long long)n, window_seconds(e->slot.start_us, d->ts_us), e->example);
    struct dns_report r = {DNS_SID_DGA, "VIGIL DNS DGA burst: NXDOMAIN for many random-looking domains",
                           "Vigil::DGA_Burst", "T1568.002", NULL, msg, e->example, n, e->slot.first_uid};
    emit(w, d, &r);
}

static void dns_short_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct dns_short_worker *w = worker;
    const struct dns_txn *t = txn;
    if (kind != EVENT_DNS || t->row == NULL || !t->row->has_query || t->row->query.n == 0 || t->row->is_netbios)
        return;
    const struct dns_row *row = t->row;
    char raw[NAME_MAX_LEN + 8], q[NAME_MAX_LEN + 1];
    snprintf(raw, sizeof raw, "%.*s", (int)(row->query.n < sizeof raw ? row->query.n : sizeof raw - 1),
             (const char *)row->query.p);
    size_t n = behavior_normalize_name(raw, false, q);
    struct dns_look d = {.c = c, .ts_us = row->ts_us, .qtype = row->has_qclass ? row->qtype : 0,
                         .rcode = row->has_rcode ? row->rcode : -1};
    if (n == 0 || !dns_name_split_cached(w->run->psl, &w->names, q, n, &d.name))
        return;
    look_tunnel(w, &d);
    look_txt(w, &d, t->msg);
    look_dga(w, &d);
}

const struct detector dns_short_detector = {
    .name = "dns_short",
    .open = dns_short_open,
    .close = dns_short_close,
    .worker_open = dns_short_worker_open,
    .worker_close = dns_short_worker_close,
    .transaction = dns_short_transaction,
};
