#include "incident/block.h"

#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "detect/allowlist.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/json.h"

#define BLOCK_MAX_INDICATORS 20000
/* Vigil's sids: 91xxxxx intel, 92xxxxx behaviour, 93xxxxx phishing and
 * rules/vigil.rules, 96xxxxx rules/devices.rules, 97xxxxx devices; the
 * drop rules take 98xxxxx so they load beside the shipped rules. */
#define BLOCK_SID_BASE 9800000u

enum ind_type { IND_ADDR, IND_DOMAIN, IND_HASH };

struct indicator {
    enum ind_type type;
    struct ip_addr addr;
    char value[96];
    enum kc_stage stage;
    unsigned incidents[4];
    unsigned n_incidents;
    int64_t first_us, last_us;
};

struct block_list {
    struct indicator *items;
    size_t n, cap;
    FILE *excluded;
    size_t n_excluded;
    const struct correlator *c;
    const struct block_options *o;
};

static bool same_indicator(const struct indicator *x, enum ind_type t, const char *value)
{
    return x->type == t && strcmp(x->value, value) == 0;
}

static void add_indicator(struct block_list *b, enum ind_type t, const char *value, const struct ip_addr *addr,
                          const struct incident *inc, enum kc_stage stage)
{
    struct indicator *x = NULL;
    for (size_t i = 0; i < b->n && !x; i++)
        if (same_indicator(&b->items[i], t, value))
            x = &b->items[i];
    if (x == NULL) {
        if (b->n >= BLOCK_MAX_INDICATORS)
            return;
        if (grow_array((void **)&b->items, &b->cap, b->n + 1, sizeof *b->items, 64) < 0)
            return;
        x = &b->items[b->n++];
        memset(x, 0, sizeof *x);
        x->type = t;
        snprintf(x->value, sizeof x->value, "%s", value);
        if (addr)
            x->addr = *addr;
        x->first_us = inc->first_us;
    }
    if (stage > x->stage)
        x->stage = stage;
    if (inc->last_us > x->last_us)
        x->last_us = inc->last_us;
    for (unsigned i = 0; i < x->n_incidents; i++)
        if (x->incidents[i] == inc->id)
            return;
    if (x->n_incidents < 4)
        x->incidents[x->n_incidents++] = inc->id;
}

static void exclude(struct block_list *b, const char *value, const struct incident *inc, const char *why)
{
    char id[16];
    incident_format_id(inc->id, id, sizeof id);
    fprintf(b->excluded, "%s\t%s\t%s\n", value, id, why);
    b->n_excluded++;
}

static bool allowed(const struct block_list *b, const struct incident *inc, const struct ip_addr *addr,
                    const char *name)
{
    if (b->o->allow == NULL)
        return false;
    for (int k = 0; k < FINDING_KIND_COUNT; k++)
        if (allowlist_allows(b->o->allow, (enum finding_kind)k, &inc->host, addr, 0, name))
            return true;
    return false;
}

/* The reason an address must stay out of the block list, or NULL. */
static const char *address_guard(const struct block_list *b, const struct incident *inc, const struct ip_addr *a)
{
    if (allowed(b, inc, a, NULL))
        return "allow-listed";
    if (b->o->force)
        return NULL;
    if (correlator_is_internal(b->c, a))
        return "internal address (--force-block to include)";
    if (correlator_is_resolver(b->c, a))
        return "a resolver the hosts use (--force-block to include)";
    if (correlator_is_popular(b->c, a))
        return "used by many internal hosts (--force-block to include)";
    return NULL;
}

static bool is_address_text(const char *s)
{
    struct ip_addr a;
    return ip_addr_parse(s, &a);
}

/* A name a resolver, a MISP or STIX consumer would take as a domain: two
 * labels or more of letters, digits, '-' and '_', each 1 to 63 bytes. A
 * tunnel's single label ("dnscat") or a Host header's junk is not one. */
static bool is_domain_name(const char *s)
{
    size_t label = 0, labels = 0, n = strlen(s);
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char ch = s[i];
        if (ch == '.' || ch == '\0') {
            if (label == 0 || label > 63)
                return false;
            labels++;
            label = 0;
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                   ch == '_') {
            label++;
        } else {
            return false;
        }
    }
    return labels >= 2;
}

/* A name to block, unless allow-listed or not a domain name. */
static void collect_name(struct block_list *b, const struct incident *inc, const char *name, enum kc_stage stage)
{
    if (allowed(b, inc, NULL, name))
        exclude(b, name, inc, "allow-listed");
    else if (!is_domain_name(name))
        exclude(b, name, inc, "not a domain name");
    else
        add_indicator(b, IND_DOMAIN, name, NULL, inc, stage);
}

static void collect_peer(struct block_list *b, const struct incident *inc, const struct peer_ref *p)
{
    if (p->stage < KC_EXPLOITATION)
        return;
    if (p->has_addr) {
        char a[IP_ADDR_STRLEN];
        ip_addr_format(&p->addr, a, sizeof a);
        const char *why = address_guard(b, inc, &p->addr);
        if (why)
            exclude(b, a, inc, why);
        else
            add_indicator(b, IND_ADDR, a, &p->addr, inc, p->stage);
    }
    if (p->name[0] && !is_address_text(p->name)) {
        if (allowed(b, inc, p->has_addr ? &p->addr : NULL, p->name))
            exclude(b, p->name, inc, "allow-listed");
        else if (!b->o->force && p->has_addr && correlator_is_popular(b->c, &p->addr))
            exclude(b, p->name, inc, "its address is used by many internal hosts (--force-block to include)");
        else
            collect_name(b, inc, p->name, p->stage);
    }
}

static void collect(struct block_list *b)
{
    for (size_t i = 0; i < correlator_incident_count(b->c); i++) {
        const struct incident *inc = correlator_incident(b->c, i);
        for (unsigned k = 0; k < inc->n_peers; k++)
            collect_peer(b, inc, &inc->peers[k]);
        for (unsigned k = 0; k < inc->n_templates; k++)
            collect_name(b, inc, inc->templates[k], KC_INSTALLATION);
        for (unsigned k = 0; k < inc->n_evidence; k++)
            if (inc->evidence[k].file_hash[0])
                add_indicator(b, IND_HASH, inc->evidence[k].file_hash, NULL, inc, inc->evidence[k].stage);
    }
}

static void incident_list(const struct indicator *x, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < x->n_incidents && len + 12 < n; i++) {
        char id[16];
        incident_format_id(x->incidents[i], id, sizeof id);
        len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "", id);
    }
}

/* DIR/NAME created, its header (the comment saying what it is) written. */
static FILE *open_out(const char *dir, const char *name, const char *header, char *path, size_t pathlen, char *err,
                      size_t errlen)
{
    snprintf(path, pathlen, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    else
        fputs(header, f);
    return f;
}

static int close_out(FILE *f, const char *path, char *err, size_t errlen)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "%s: write error", path);
        return -1;
    }
    return 0;
}

static void nft_set(FILE *f, const struct block_list *b, const char *name, const char *type, bool v4)
{
    fprintf(f, "\tset %s {\n\t\ttype %s\n", name, type);
    bool any = false;
    for (size_t i = 0; i < b->n; i++) {
        const struct indicator *x = &b->items[i];
        if (x->type != IND_ADDR || ip_addr_is_v4(&x->addr) != v4)
            continue;
        char ids[64];
        incident_list(x, ids, sizeof ids);
        fprintf(f, "%s\t\t\t%s comment \"%s %s\"", any ? ",\n" : "\t\telements = {\n", x->value, ids,
                kc_stage_name(x->stage));
        any = true;
    }
    if (any)
        fprintf(f, "\n\t\t}\n");
    fprintf(f, "\t}\n");
}

static void nft_body(FILE *f, const struct block_list *b)
{
    nft_set(f, b, "blocked_v4", "ipv4_addr", true);
    nft_set(f, b, "blocked_v6", "ipv6_addr", false);
    fprintf(f, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
               "\t\tip daddr @blocked_v4 counter drop\n\t\tip6 daddr @blocked_v6 counter drop\n"
               "\t\tip saddr @blocked_v4 counter drop\n\t\tip6 saddr @blocked_v6 counter drop\n\t}\n"
               "\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n"
               "\t\tip daddr @blocked_v4 counter drop\n\t\tip6 daddr @blocked_v6 counter drop\n\t}\n}\n");
}

static void rpz_body(FILE *f, const struct block_list *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct indicator *x = &b->items[i];
        if (x->type != IND_DOMAIN)
            continue;
        char ids[64];
        incident_list(x, ids, sizeof ids);
        fprintf(f, "%s\tIN\tCNAME\t.\t; %s %s\n*.%s\tIN\tCNAME\t.\t; %s\n", x->value, ids,
                kc_stage_name(x->stage), x->value, ids);
    }
}

/* A blocked name is dropped wherever it shows: DNS query, TLS SNI, HTTP
 * Host (Suricata normalises http.host to lower case: no nocase there). */
static const struct {
    const char *proto, *what, *buffer;
    bool nocase;
} name_rules[] = {
    {"dns", "query", "dns.query", true},
    {"tls", "SNI", "tls.sni", true},
    {"http", "Host", "http.host", false},
};

static void rules_body(FILE *f, const struct block_list *b)
{
    unsigned sid = BLOCK_SID_BASE;
    for (size_t i = 0; i < b->n; i++) {
        const struct indicator *x = &b->items[i];
        char ids[64];
        incident_list(x, ids, sizeof ids);
        if (x->type == IND_ADDR) {
            fprintf(f, "drop ip any any -> %s any (msg:\"Vigil %s block %s\"; sid:%u; rev:1; "
                       "metadata:vigil_incident %s;)\n", x->value, ids, x->value, ++sid, ids);
            fprintf(f, "drop ip %s any -> any any (msg:\"Vigil %s block %s\"; sid:%u; rev:1; "
                       "metadata:vigil_incident %s;)\n", x->value, ids, x->value, ++sid, ids);
        } else if (x->type == IND_DOMAIN) {
            for (size_t k = 0; k < sizeof name_rules / sizeof name_rules[0]; k++)
                fprintf(f, "drop %s any any -> any any (msg:\"Vigil %s block %s %s\"; %s; content:\"%s\"; %s"
                           "endswith; sid:%u; rev:1; metadata:vigil_incident %s;)\n",
                        name_rules[k].proto, ids, name_rules[k].what, x->value, name_rules[k].buffer, x->value,
                        name_rules[k].nocase ? "nocase; " : "", ++sid, ids);
        }
    }
}

/* The block lists written as text: file, header, body. */
static const struct {
    const char *name, *header;
    void (*body)(FILE *f, const struct block_list *b);
} text_lists[] = {
    {"block.nft",
     "#!/usr/sbin/nft -f\n# Vigil: addresses to block, from its incidents (see incident.log).\n"
     "# Load with: nft -f block.nft    (replaces the table vigil_block)\n"
     "table inet vigil_block\ndelete table inet vigil_block\n"
     "table inet vigil_block {\n",
     nft_body},
    {"rpz.zone",
     "; Vigil: names to block (DNS response policy zone), from its incidents.\n"
     "; In named.conf: zone \"rpz.vigil\" { type primary; file \"rpz.zone\"; };\n"
     ";                response-policy { zone \"rpz.vigil\"; };\n"
     "$TTL 300\n@\tIN\tSOA\tlocalhost. hostmaster.localhost. 1 3600 600 86400 300\n"
     "@\tIN\tNS\tlocalhost.\n",
     rpz_body},
    {"block.rules", "# Vigil: Suricata drop rules (IPS mode), from its incidents.\n", rules_body},
};

static int write_text_lists(const struct block_list *b, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof text_lists / sizeof text_lists[0]; i++) {
        char path[4096];
        FILE *f = open_out(b->o->dir, text_lists[i].name, text_lists[i].header, path, sizeof path, err, errlen);
        if (f == NULL)
            return -1;
        text_lists[i].body(f, b);
        if (close_out(f, path, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* A UUID (version 4 layout) derived from text, so reruns give the same ids. */
static void uuid_of(const char *text, char out[37])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, strlen(text), d);
    d[6] = (unsigned char)((d[6] & 0x0f) | 0x40);
    d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2],
             d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
}

static void iso_time(int64_t us, char *out, size_t n)
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm = {0};
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *misp_type(const struct indicator *x)
{
    switch (x->type) {
    case IND_ADDR: return "ip-dst";
    case IND_DOMAIN: return "domain";
    default: return strlen(x->value) == 64 ? "sha256" : strlen(x->value) == 40 ? "sha1" : "md5";
    }
}

/* Writes the buffer of a finished JSON document to dir/name. */
static int dump_json(struct buf *b, const struct json_writer *j, const char *dir, const char *name, char *err,
                     size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = -1;
    if (!json_complete(j) || b->failed) {
        snprintf(err, errlen, "%s: out of memory", path);
    } else {
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        } else {
            fwrite(b->data, 1, b->len, f);
            fputc('\n', f);
            rc = close_out(f, path, err, errlen);
        }
    }
    buf_free(b);
    return rc;
}

static int write_misp(const struct block_list *b, const char *first, char *err, size_t errlen)
{
    struct buf out;
    struct json_writer j;
    buf_init(&out, 4096, 0);
    json_init(&j, &out, JSON_SURICATA);
    char uuid[37];
    uuid_of("vigil misp event", uuid);
    json_object_begin(&j);
    json_key(&j, "Event");
    json_object_begin(&j);
    json_kv_str(&j, "uuid", uuid);
    json_kv_str(&j, "info", "Vigil incidents: indicators to block");
    json_kv_str(&j, "date", first);
    json_kv_str(&j, "threat_level_id", "1");
    json_kv_str(&j, "analysis", "2");
    json_kv_str(&j, "distribution", "0");
    json_key(&j, "Orgc");
    json_object_begin(&j);
    json_kv_str(&j, "name", "Vigil");
    json_object_end(&j);
    json_key(&j, "Tag");
    json_array_begin(&j);
    json_object_begin(&j);
    json_kv_str(&j, "name", "tlp:amber");
    json_object_end(&j);
    json_array_end(&j);
    json_key(&j, "Attribute");
    json_array_begin(&j);
    for (size_t i = 0; i < b->n; i++) {
        const struct indicator *x = &b->items[i];
        char ids[64], key[160];
        incident_list(x, ids, sizeof ids);
        snprintf(key, sizeof key, "misp %s %s", misp_type(x), x->value);
        uuid_of(key, uuid);
        json_object_begin(&j);
        json_kv_str(&j, "uuid", uuid);
        json_kv_str(&j, "type", misp_type(x));
        json_kv_str(&j, "category", x->type == IND_HASH ? "Payload delivery" : "Network activity");
        json_kv_str(&j, "value", x->value);
        json_kv_bool(&j, "to_ids", true);
        json_kv_str(&j, "comment", ids);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_object_end(&j);
    json_object_end(&j);
    return dump_json(&out, &j, b->o->dir, "misp-event.json", err, errlen);
}

static void stix_pattern(const struct indicator *x, char *out, size_t n)
{
    if (x->type == IND_ADDR)
        snprintf(out, n, "[%s:value = '%s']", ip_addr_is_v4(&x->addr) ? "ipv4-addr" : "ipv6-addr", x->value);
    else if (x->type == IND_DOMAIN)
        snprintf(out, n, "[domain-name:value = '%s']", x->value);
    else
        snprintf(out, n, "[file:hashes.'%s' = '%s']",
                 strlen(x->value) == 64 ? "SHA-256" : strlen(x->value) == 40 ? "SHA-1" : "MD5", x->value);
}

static void stix_indicator(struct json_writer *j, const struct indicator *x)
{
    char ids[64], uuid[37], id[64], key[160], pattern[200], from[32], desc[128];
    incident_list(x, ids, sizeof ids);
    snprintf(key, sizeof key, "stix %s", x->value);
    uuid_of(key, uuid);
    snprintf(id, sizeof id, "indicator--%s", uuid);
    stix_pattern(x, pattern, sizeof pattern);
    iso_time(x->first_us, from, sizeof from);
    snprintf(desc, sizeof desc, "Vigil %s (%s)", ids, kc_stage_name(x->stage));
    json_object_begin(j);
    json_kv_str(j, "type", "indicator");
    json_kv_str(j, "spec_version", "2.1");
    json_kv_str(j, "id", id);
    json_kv_str(j, "created", from);
    json_kv_str(j, "modified", from);
    json_kv_str(j, "name", x->value);
    json_kv_str(j, "description", desc);
    json_key(j, "indicator_types");
    json_array_begin(j);
    json_cstr(j, "malicious-activity");
    json_array_end(j);
    json_kv_str(j, "pattern", pattern);
    json_kv_str(j, "pattern_type", "stix");
    json_kv_str(j, "valid_from", from);
    json_object_end(j);
}

static int write_stix(const struct block_list *b, char *err, size_t errlen)
{
    struct buf out;
    struct json_writer j;
    buf_init(&out, 4096, 0);
    json_init(&j, &out, JSON_SURICATA);
    char uuid[37], id[64];
    uuid_of("vigil stix bundle", uuid);
    snprintf(id, sizeof id, "bundle--%s", uuid);
    json_object_begin(&j);
    json_kv_str(&j, "type", "bundle");
    json_kv_str(&j, "id", id);
    json_key(&j, "objects");
    json_array_begin(&j);
    for (size_t i = 0; i < b->n; i++)
        stix_indicator(&j, &b->items[i]);
    json_array_end(&j);
    json_object_end(&j);
    return dump_json(&out, &j, b->o->dir, "stix-bundle.json", err, errlen);
}

int block_write(const struct correlator *c, const struct block_options *o, struct block_stats *st, char *err,
                size_t errlen)
{
    memset(st, 0, sizeof *st);
    if (mkdir(o->dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", o->dir, strerror(errno));
        return -1;
    }
    struct block_list b = {.c = c, .o = o};
    char path[4096];
    b.excluded = open_out(o->dir, "excluded.txt", "# indicator\tincident\twhy it is not blocked\n", path,
                          sizeof path, err, errlen);
    if (b.excluded == NULL)
        return -1;
    collect(&b);
    int rc = close_out(b.excluded, path, err, errlen);
    int64_t first = 0;
    for (size_t i = 0; i < b.n; i++) {
        st->addresses += b.items[i].type == IND_ADDR;
        st->domains += b.items[i].type == IND_DOMAIN;
        st->hashes += b.items[i].type == IND_HASH;
        if (first == 0 || b.items[i].first_us < first)
            first = b.items[i].first_us;
    }
    st->excluded = b.n_excluded;
    char date[32];
    iso_time(first, date, sizeof date);
    date[10] = '\0';
    if (rc == 0)
        rc = write_text_lists(&b, err, errlen);
    if (rc == 0)
        rc = write_misp(&b, date, err, errlen);
    if (rc == 0)
        rc = write_stix(&b, err, errlen);
    free(b.items);
    return rc;
}
