#include "hunt/hunt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect/intel_match.h"
#include "detect/observe.h"
#include "detect/sink.h"
#include "hunt/logread.h"
#include "hunt/sightings.h"
#include "util/grow.h"

#define MAX_UNIT_DEPTH 16
#define FIELD_MAX 2048

/* --- units: a file, or a directory's own log files --- */

struct unit {
    char **files;
    size_t n, cap;
};

struct unit_list {
    struct unit *units;
    size_t n, cap;
};

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The names logread reads in directories (see hunt/logread.h). */
static bool log_file_name(const char *name)
{
    static const char *const suffixes[] = {".log", ".json", ".jsonl", ".ndjson", ".eve"};
    char base[512];
    size_t n = strlen(name);
    if (name[0] == '.' || n >= sizeof base)
        return false;
    memcpy(base, name, n + 1);
    if (has_suffix(base, ".gz"))
        base[n - 3] = '\0';
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (has_suffix(base, suffixes[i]))
            return true;
    return false;
}

static bool push_file(struct unit *u, const char *path)
{
    if (grow_array((void **)&u->files, &u->cap, u->n + 1, sizeof *u->files, 16) < 0)
        return false;
    u->files[u->n] = strdup(path);
    if (u->files[u->n] == NULL)
        return false;
    u->n++;
    return true;
}

static struct unit *new_unit(struct unit_list *l)
{
    if (grow_array((void **)&l->units, &l->cap, l->n + 1, sizeof *l->units, 16) < 0)
        return NULL;
    memset(&l->units[l->n], 0, sizeof l->units[0]);
    return &l->units[l->n++];
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directories already walked, by device and inode: a link or a bind mount
 * that leads back up (`self -> .`) is walked once, not until killed. */
struct visited {
    struct stat *dirs;
    size_t n, cap;
};

static bool first_visit(struct visited *v, const struct stat *st)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->dirs[i].st_dev == st->st_dev && v->dirs[i].st_ino == st->st_ino)
            return false;
    if (grow_array((void **)&v->dirs, &v->cap, v->n + 1, sizeof *v->dirs, 16) < 0)
        return false;
    v->dirs[v->n++] = *st;
    return true;
}

static char **list_dir(int fd, size_t *count, bool *complete)
{
    *count = 0;
    *complete = true;
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    bool ok = true;
    while (ok && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap ? cap * 2 : 64) * sizeof *nn);
            ok = nn != NULL;
            if (!ok)
                break;
            names = nn;
            cap = cap ? cap * 2 : 64;
        }
        names[n] = strdup(de->d_name);
        ok = names[n] != NULL;
        n += ok;
    }
    closedir(d);
    *complete = ok;
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    *count = n;
    return names;
}

/* Inside a walked directory, a symbolic link to a file is read (once per
 * file: logread sees its path), a link to a directory is not followed;
 * anything but regular files and directories is skipped. */
static bool walk_dir(struct unit_list *l, struct visited *seen, const char *dir, int depth, char *err,
                     size_t errlen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (depth > 0 ? O_NOFOLLOW : 0));
    struct stat dst;
    if (fd < 0 || fstat(fd, &dst) != 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    if (!first_visit(seen, &dst)) {
        close(fd);
        return true;
    }
    int dfd = dup(fd);
    size_t n = 0;
    bool ok = true;
    char **names = list_dir(fd, &n, &ok);
    if (!ok)
        snprintf(err, errlen, "out of memory");
    size_t own = (size_t)-1; /* index: units move when the list grows */
    for (size_t i = 0; ok && i < n; i++) {
        char path[4096];
        int w = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (w < 0 || (size_t)w >= sizeof path || dfd < 0 || fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISLNK(st.st_mode) && (fstatat(dfd, names[i], &st, 0) != 0 || S_ISDIR(st.st_mode)))
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < MAX_UNIT_DEPTH && !walk_dir(l, seen, path, depth + 1, err, errlen))
                ok = false;
        } else if (S_ISREG(st.st_mode) && log_file_name(names[i])) {
            /* a directory's own files form one unit */
            if (own == (size_t)-1) {
                ok = new_unit(l) != NULL;
                own = l->n - 1;
            }
            ok = ok && push_file(&l->units[own], path);
            if (!ok)
                snprintf(err, errlen, "out of memory");
        }
    }
    if (dfd >= 0)
        close(dfd);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ok;
}

/* A path named on the command line that is a file must be a log: not a
 * device (/dev/zero never ends), not a capture (read as 0 rows). */
static bool refuse_non_log(const char *path, const struct stat *st, char *err, size_t errlen)
{
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s: not a regular file or a directory", path);
        return true;
    }
    uint8_t head[4] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
        ssize_t k = read(fd, head, sizeof head);
        close(fd);
        uint32_t m = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
        if (k == 4 && (m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d || m == 0x4d3cb2a1 || m == 0x0a0d0d0a)) {
            snprintf(err, errlen, "%s: a packet capture, not a log (analyse it with vigil read)", path);
            return true;
        }
    }
    return false;
}

static bool is_eve_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strncmp(base, "eve", 3) == 0;
}

/* Vigil writes the same connections to conn.log and eve.json: when a folder
 * holds Zeek logs, its eve*.json files are not read a second time. */
static void drop_duplicate_eve(struct unit *u)
{
    bool has_zeek = false;
    for (size_t i = 0; i < u->n && !has_zeek; i++)
        has_zeek = !is_eve_name(u->files[i]);
    if (!has_zeek)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < u->n; i++) {
        if (is_eve_name(u->files[i]))
            free(u->files[i]);
        else
            u->files[kept++] = u->files[i];
    }
    u->n = kept;
}

static bool build_units(struct unit_list *l, const char *const *paths, size_t n, char *err, size_t errlen)
{
    size_t explicit_unit = (size_t)-1;
    struct visited seen = {0};
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            ok = false;
        } else if (S_ISDIR(st.st_mode)) {
            ok = walk_dir(l, &seen, paths[i], 0, err, errlen);
        } else if (refuse_non_log(paths[i], &st, err, errlen)) {
            ok = false;
        } else {
            /* files named on the command line are read together, as one folder */
            if (explicit_unit == (size_t)-1 && new_unit(l) != NULL)
                explicit_unit = l->n - 1;
            if (explicit_unit == (size_t)-1 || !push_file(&l->units[explicit_unit], paths[i])) {
                snprintf(err, errlen, "out of memory");
                ok = false;
            }
        }
    }
    free(seen.dirs);
    if (!ok)
        return false;
    for (size_t i = 0; i < l->n; i++)
        drop_duplicate_eve(&l->units[i]);
    if (l->n == 0) {
        snprintf(err, errlen, "%s: no log files found", n ? paths[0] : "(no path)");
        return false;
    }
    return true;
}

static void free_units(struct unit_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->units[i].n; k++)
            free(l->units[i].files[k]);
        free(l->units[i].files);
    }
    free(l->units);
}

/* --- certificate fingerprint -> connection uid (x509.log has no uid) --- */

#define FP_MAP_CAP (1u << 16)

struct fp_entry {
    char fp[72];
    char uid[32];
};

struct fp_map {
    struct fp_entry *slots;    /* FP_MAP_CAP slots, overwritten on collision: a cache */
};

static uint64_t str_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

static void fp_put(struct fp_map *m, const char *fp, size_t n, const char *uid)
{
    if (m->slots == NULL || n == 0 || n >= sizeof m->slots[0].fp)
        return;
    struct fp_entry *e = &m->slots[str_hash(fp, n) & (FP_MAP_CAP - 1)];
    memcpy(e->fp, fp, n);
    e->fp[n] = '\0';
    snprintf(e->uid, sizeof e->uid, "%s", uid);
}

static const char *fp_get(const struct fp_map *m, const char *fp, size_t n)
{
    if (m->slots == NULL || n == 0 || n >= sizeof m->slots[0].fp)
        return NULL;
    const struct fp_entry *e = &m->slots[str_hash(fp, n) & (FP_MAP_CAP - 1)];
    return strlen(e->fp) == n && memcmp(e->fp, fp, n) == 0 ? e->uid : NULL;
}

/* --- the hunt --- */

struct hunt {
    const struct hunt_options *opt;
    struct intel_matcher matcher;
    struct sightings *sightings;
    struct behavior *behavior;
    struct fp_map fps;
    struct hunt_stats *st;
};

/* The value of a field as a NUL-terminated string; 0 when unset. */
static size_t field(const struct log_row *r, const char *name, char *buf, size_t cap)
{
    struct log_value v;
    if (!log_row_get(r, name, &v) || v.val == NULL || v.len >= cap)
        return 0;
    memcpy(buf, v.val, v.len);
    buf[v.len] = '\0';
    return v.len;
}

static bool field_u64(const struct log_row *r, const char *name, uint64_t *out)
{
    char buf[32];
    if (field(r, name, buf, sizeof buf) == 0)
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno || end == buf || buf[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool field_addr(const struct log_row *r, const char *name, struct ip_addr *a)
{
    char buf[IP_ADDR_STRLEN];
    return field(r, name, buf, sizeof buf) && ip_addr_parse(buf, a);
}

/* "1709542800.123456" -> microseconds, exactly (no float rounding). */
static bool parse_epoch_us(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long sec = strtoll(s, &end, 10);
    if (errno || end == s)
        return false;
    int64_t us = 0;
    if (*end == '.') {
        int digits = 0;
        for (end++; *end >= '0' && *end <= '9'; end++) {
            if (digits < 6) {
                us = us * 10 + (*end - '0');
                digits++;
            }
        }
        for (; digits < 6; digits++)
            us *= 10;
    }
    *out = (int64_t)sec * 1000000 + us;
    return true;
}

/* The reader parsed ts already: a double holds today's epoch to a tenth
 * of a microsecond, so rounding gives Zeek's microseconds back exactly. */
static int64_t row_ts_us(const struct log_row *r)
{
    return (int64_t)llround(r->ts * 1e6);
}

static uint8_t proto_number(const char *p)
{
    if (strcmp(p, "tcp") == 0 || strcmp(p, "TCP") == 0)
        return IPPROTO_TCP;
    if (strcmp(p, "udp") == 0 || strcmp(p, "UDP") == 0)
        return IPPROTO_UDP;
    if (strcmp(p, "icmp") == 0 || strcmp(p, "ICMP") == 0)
        return IPPROTO_ICMP;
    if (strcmp(p, "IPv6-ICMP") == 0)
        return IPPROTO_ICMPV6;
    return 0;
}

/* The connection part of a sighting, from a Zeek row (id.*) or an EVE one (src_ip...). */
/* want_ports: also ports and transport (the behaviour detectors need them,
 * indicator sightings do not: they are skipped on the hot path). */
static void base_of_row(const struct log_row *r, struct intel_sighting *b, char *uid, size_t uid_cap,
                        bool want_ports)
{
    memset(b, 0, sizeof *b);
    b->ts_us = row_ts_us(r);
    bool eve = r->source == LOG_EVE;
    uint64_t port;
    if (field_addr(r, eve ? "src_ip" : "id.orig_h", &b->orig_h) &&
        field_addr(r, eve ? "dest_ip" : "id.resp_h", &b->resp_h)) {
        b->has_conn = true;
        if (!want_ports) {
            /* skip */
        } else if (field_u64(r, eve ? "src_port" : "id.orig_p", &port))
            b->orig_p = (uint16_t)port;
        if (want_ports && field_u64(r, eve ? "dest_port" : "id.resp_p", &port))
            b->resp_p = (uint16_t)port;
        char proto[16];
        if (want_ports && field(r, "proto", proto, sizeof proto))
            b->proto = proto_number(proto);
    }
    size_t n = eve ? field(r, "flow_id", uid, uid_cap) : field(r, "uid", uid, uid_cap);
    if (n == 0 && !eve) {
        struct log_value v; /* old files.log: conn_uids */
        if (log_row_get(r, "conn_uids", &v) && v.val) {
            size_t k = 0;
            while (k < v.len && k + 1 < uid_cap && v.val[k] != ',') {
                uid[k] = v.val[k];
                k++;
            }
            uid[k] = '\0';
            n = k;
        }
    }
    if (n) {
        b->uid = uid;
        b->flow_id = str_hash(uid, n) | 1;
    }
}

struct each_ctx {
    struct hunt *h;
    const struct intel_sighting *base;
    enum intel_type type;
    const char *where;
    bool dns_answer;
    int mode;
};

static void match_each_value(void *ctx, const char *val, size_t len)
{
    struct each_ctx *c = ctx;
    if (c->dns_answer)
        intel_match_dns_answer(&c->h->matcher, c->base, val, len);
    else
        intel_match_value(&c->h->matcher, c->base, c->type, val, len, c->where);
}

static void match_field(struct hunt *h, const struct log_row *r, const struct intel_sighting *b, const char *name,
                        enum intel_type t, const char *where)
{
    struct each_ctx c = {h, b, t, where, false, 0};
    log_row_each(r, name, match_each_value, &c);
}

static void match_answers(struct hunt *h, const struct log_row *r, const struct intel_sighting *b, const char *name)
{
    struct each_ctx c = {h, b, INTEL_DOMAIN, "DNS::IN_RESPONSE", true, 0};
    log_row_each(r, name, match_each_value, &c);
}

static void match_host_header(struct hunt *h, const struct intel_sighting *b, const char *host, size_t n)
{
    char name[OBSERVE_NAME_MAX];
    struct ip_addr a;
    size_t len = observe_host_name(host, n, name, sizeof name);
    if (len && !ip_addr_parse(name, &a))
        intel_match_value(&h->matcher, b, INTEL_DOMAIN, name, len, "HTTP::IN_HOST_HEADER");
}

/* --- per log type --- */

static void remember_fp(void *ctx, const char *val, size_t len)
{
    struct each_ctx *c = ctx;
    fp_put(&c->h->fps, val, len, c->base->uid ? c->base->uid : "");
}

static void hunt_intel_row(struct hunt *h, const struct log_row *r, const char *path)
{
    char uid[64], a[FIELD_MAX], b2[FIELD_MAX];
    struct intel_sighting b;
    bool eve = r->source == LOG_EVE;
    struct intel_matcher *m = &h->matcher;
    bool is_conn = strcmp(path, "conn") == 0 || strcmp(path, "flow") == 0;
    if (is_conn) {
        /* Most rows are conn rows and match nothing: look the two ends up
         * first, and read the rest of the row only for a hit. */
        struct ip_addr orig, resp;
        if (!field_addr(r, eve ? "src_ip" : "id.orig_h", &orig) || !field_addr(r, eve ? "dest_ip" : "id.resp_h", &resp))
            return;
        if (intel_lookup_addr(m->store, &orig) == NULL && intel_lookup_addr(m->store, &resp) == NULL) {
            m->lookups += 2;
            return;
        }
    }
    base_of_row(r, &b, uid, sizeof uid, false);
    if (is_conn) {
        if (b.has_conn) {
            intel_match_addr(m, &b, &b.orig_h, "Conn::IN_ORIG");
            intel_match_addr(m, &b, &b.resp_h, "Conn::IN_RESP");
        }
    } else if (strcmp(path, "dns") == 0) {
        b.app_proto = "dns";
        if (eve) {
            match_field(h, r, &b, "dns.rrname", INTEL_DOMAIN, "DNS::IN_REQUEST");
            match_field(h, r, &b, "dns.queries.rrname", INTEL_DOMAIN, "DNS::IN_REQUEST");
            match_answers(h, r, &b, "dns.answers.rdata");
        } else {
            match_field(h, r, &b, "query", INTEL_DOMAIN, "DNS::IN_REQUEST");
            match_answers(h, r, &b, "answers");
        }
    } else if (strcmp(path, "http") == 0) {
        b.app_proto = "http";
        size_t hn = field(r, eve ? "http.hostname" : "host", a, sizeof a);
        if (hn)
            match_host_header(h, &b, a, hn);
        size_t un = field(r, eve ? "http.url" : "uri", b2, sizeof b2);
        if (hn && un)
            intel_match_http_url(m, &b, a, hn, b2, un);
        match_field(h, r, &b, eve ? "http.http_user_agent" : "user_agent", INTEL_USER_AGENT,
                    "HTTP::IN_USER_AGENT_HEADER");
    } else if (strcmp(path, "ssl") == 0 || strcmp(path, "tls") == 0) {
        b.app_proto = "tls";
        match_field(h, r, &b, eve ? "tls.sni" : "server_name", INTEL_DOMAIN, "SSL::IN_SERVER_NAME");
        match_field(h, r, &b, eve ? "tls.ja3.hash" : "ja3", INTEL_JA3, "SSL::IN_JA3");
        match_field(h, r, &b, eve ? "tls.ja3s.hash" : "ja3s", INTEL_JA3, "SSL::IN_JA3S");
        match_field(h, r, &b, eve ? "tls.ja4" : "ja4", INTEL_JA4, "SSL::IN_JA4");
        if (eve) {
            match_field(h, r, &b, "tls.fingerprint", INTEL_CERT_HASH, "X509::IN_CERT");
        } else {
            struct log_value v;
            if (log_row_get(r, "cert_chain_fps", &v) && v.val) {
                size_t n = 0;
                while (n < v.len && v.val[n] != ',')
                    n++;
                intel_match_value(m, &b, INTEL_CERT_HASH, v.val, n, "X509::IN_CERT");
            }
            struct each_ctx c = {h, &b, INTEL_CERT_HASH, NULL, false, 0};
            log_row_each(r, "cert_chain_fps", remember_fp, &c);
        }
    } else if (strcmp(path, "x509") == 0) {
        b.app_proto = "tls";
        char client[8];
        if (field(r, "client_cert", client, sizeof client) && client[0] == 'T')
            return;
        size_t fn = field(r, "fingerprint", a, sizeof a);
        const char *conn_uid = fp_get(&h->fps, a, fn);
        if (conn_uid && conn_uid[0]) {
            snprintf(uid, sizeof uid, "%s", conn_uid);
            b.uid = uid;
            b.flow_id = str_hash(uid, strlen(uid)) | 1;
        }
        if (fn)
            intel_match_value(m, &b, INTEL_CERT_HASH, a, fn, "X509::IN_CERT");
        size_t sn = field(r, "certificate.subject", b2, sizeof b2);
        if (sn)
            intel_match_subject_cn(m, &b, b2, sn, "X509::IN_CERT");
        match_field(h, r, &b, "san.dns", INTEL_DOMAIN, "X509::IN_CERT");
    } else if (eve && strcmp(path, "quic") == 0) {
        /* Zeek logs QUIC's ClientHello in ssl.log too; EVE only in quic events */
        b.app_proto = "quic";
        match_field(h, r, &b, "quic.sni", INTEL_DOMAIN, "SSL::IN_SERVER_NAME");
        match_field(h, r, &b, "quic.ja4", INTEL_JA4, "SSL::IN_JA4");
    } else if (strcmp(path, "smtp") == 0 || strcmp(path, "email") == 0) {
        b.app_proto = "smtp";
        if (eve) {
            match_field(h, r, &b, "smtp.mail_from", INTEL_EMAIL, "SMTP::IN_MAIL_FROM");
            match_field(h, r, &b, "smtp.rcpt_to", INTEL_EMAIL, "SMTP::IN_RCPT_TO");
            match_field(h, r, &b, "email.from", INTEL_EMAIL, "SMTP::IN_FROM");
            match_field(h, r, &b, "email.url", INTEL_URL, "SMTP::IN_MESSAGE");
        } else {
            match_field(h, r, &b, "mailfrom", INTEL_EMAIL, "SMTP::IN_MAIL_FROM");
            match_field(h, r, &b, "rcptto", INTEL_EMAIL, "SMTP::IN_RCPT_TO");
            match_field(h, r, &b, "from", INTEL_EMAIL, "SMTP::IN_FROM");
            match_field(h, r, &b, "reply_to", INTEL_EMAIL, "SMTP::IN_REPLY_TO");
            match_field(h, r, &b, "urls", INTEL_URL, "SMTP::IN_MESSAGE");
        }
    } else if (strcmp(path, "files") == 0 || strcmp(path, "fileinfo") == 0) {
        char fuid[64], mime[128], source[32];
        if (!eve) {
            if (field(r, "fuid", fuid, sizeof fuid))
                b.fuid = fuid;
            if (field(r, "mime_type", mime, sizeof mime))
                b.file_mime_type = mime;
            if (field(r, "source", source, sizeof source))
                b.file_desc = source;
        }
        static const char *const zeek_names[] = {"md5", "sha1", "sha256"};
        static const char *const eve_names[] = {"fileinfo.md5", "fileinfo.sha1", "fileinfo.sha256"};
        for (int i = 0; i < 3; i++)
            match_field(h, r, &b, eve ? eve_names[i] : zeek_names[i], INTEL_FILE_HASH, "Files::IN_HASH");
    }
}

/* DNS type names EVE prints, back to numbers (the tunnel detector counts odd types). */
static uint16_t rrtype_number(const char *name)
{
    static const struct {
        const char *name;
        uint16_t type;
    } types[] = {{"A", 1},     {"NS", 2},     {"CNAME", 5}, {"SOA", 6},   {"NULL", 10}, {"PTR", 12},
                 {"HINFO", 13}, {"MX", 15},    {"TXT", 16},  {"AAAA", 28}, {"SRV", 33},  {"NAPTR", 35},
                 {"DS", 43},   {"RRSIG", 46}, {"DNSKEY", 48}, {"HTTPS", 65}, {"SVCB", 64}, {"ANY", 255},
                 {"*", 255}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, name) == 0)
            return types[i].type;
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    return *end == '\0' && v <= 65535 ? (uint16_t)v : 0;
}

static int rcode_number(const char *name)
{
    static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    for (int i = 0; i < 6; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    char *end;
    long v = strtol(name, &end, 10);
    return *end == '\0' && v >= 0 && v < 65536 ? (int)v : -1;
}

struct addr_collect {
    struct ip_addr *addrs;
    unsigned n, cap;
};

static void collect_addr(void *ctx, const char *val, size_t len)
{
    struct addr_collect *c = ctx;
    char tmp[IP_ADDR_STRLEN];
    if (c->n == c->cap || len >= sizeof tmp)
        return;
    memcpy(tmp, val, len);
    tmp[len] = '\0';
    if (ip_addr_parse(tmp, &c->addrs[c->n]))
        c->n++;
}

static void hunt_behavior_dns(struct hunt *h, const struct log_row *r, const struct intel_sighting *b)
{
    bool eve = r->source == LOG_EVE;
    char query[OBSERVE_NAME_MAX], text[32];
    struct ip_addr addrs[OBSERVE_MAX_ADDRS];
    struct obs_dns d = {.ts_us = b->ts_us, .uid = b->uid, .client = b->orig_h, .server = b->resp_h, .rcode = -1,
                        .answer_addrs = addrs};
    if (eve) {
        char type[16];
        /* v2 writes a query and an answer event; the answer one carries rcode */
        if (field(r, "dns.type", type, sizeof type) && strcmp(type, "query") == 0)
            return;
        if (field(r, "dns.rrname", query, sizeof query) || field(r, "dns.queries.rrname", query, sizeof query))
            d.query = query;
        if (field(r, "dns.rrtype", text, sizeof text) || field(r, "dns.queries.rrtype", text, sizeof text))
            d.qtype = rrtype_number(text);
        if (field(r, "dns.rcode", text, sizeof text))
            d.rcode = rcode_number(text);
    } else {
        uint64_t v;
        if (field(r, "query", query, sizeof query))
            d.query = query;
        if (field_u64(r, "qtype", &v))
            d.qtype = (uint16_t)v;
        if (field_u64(r, "rcode", &v))
            d.rcode = (int)v;
    }
    struct addr_collect c = {addrs, 0, OBSERVE_MAX_ADDRS};
    log_row_each(r, eve ? "dns.answers.rdata" : "answers", collect_addr, &c);
    d.n_answer_addrs = c.n;
    if (d.query)
        for (char *p = query; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    behavior_dns(h->behavior, &d);
}

static void hunt_behavior_row(struct hunt *h, const struct log_row *r, const char *path)
{
    char uid[64], name[FIELD_MAX];
    struct intel_sighting b;
    base_of_row(r, &b, uid, sizeof uid, true);
    bool eve = r->source == LOG_EVE;
    if (strcmp(path, "dns") == 0) {
        hunt_behavior_dns(h, r, &b);
    } else if (strcmp(path, "http") == 0) {
        size_t n = field(r, eve ? "http.hostname" : "host", name, sizeof name);
        char host[OBSERVE_NAME_MAX];
        if (n && observe_host_name(name, n, host, sizeof host)) {
            struct obs_name o = {.ts_us = b.ts_us, .uid = b.uid, .name = host};
            behavior_name(h->behavior, &o);
        }
        char method[16];
        uint64_t body = 0;
        if (field(r, eve ? "http.http_method" : "method", method, sizeof method) &&
            (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) &&
            field_u64(r, eve ? "http.request_body_len" : "request_body_len", &body) && body > 0) {
            struct obs_upload u = {.kind = UPLOAD_HTTP, .ts_us = b.ts_us, .uid = b.uid, .orig_h = b.orig_h,
                                   .resp_h = b.resp_h, .resp_p = b.resp_p, .bytes = body,
                                   .method = strcmp(method, "POST") == 0 ? "POST" : "PUT",
                                   .name = n ? host : NULL};
            behavior_upload(h->behavior, &u);
        }
    } else if (strcmp(path, "ssl") == 0 || strcmp(path, "tls") == 0 || strcmp(path, "quic") == 0) {
        const char *key = !eve ? "server_name" : strcmp(path, "quic") == 0 ? "quic.sni" : "tls.sni";
        size_t n = field(r, key, name, sizeof name);
        char host[OBSERVE_NAME_MAX];
        if (n && observe_host_name(name, n, host, sizeof host)) {
            struct obs_name o = {.ts_us = b.ts_us, .uid = b.uid, .name = host};
            behavior_name(h->behavior, &o);
        }
    } else if ((strcmp(path, "conn") == 0 || strcmp(path, "flow") == 0) && b.has_conn) {
        struct obs_conn c = {.ts_us = b.ts_us, .uid = b.uid, .orig_h = b.orig_h, .resp_h = b.resp_h,
                             .orig_p = b.orig_p, .resp_p = b.resp_p, .proto = b.proto};
        char service[64], state[16], text[40];
        uint64_t v;
        if (eve) {
            if (field(r, "app_proto", service, sizeof service) && strcmp(service, "failed") != 0)
                c.service = strcmp(service, "tls") == 0 ? "ssl" : service;
            if (field(r, "flow.age", text, sizeof text))
                c.duration_us = (int64_t)strtoll(text, NULL, 10) * 1000000;
            if (field_u64(r, "flow.bytes_toserver", &v))
                c.orig_bytes = v;
            if (field_u64(r, "flow.bytes_toclient", &v))
                c.resp_bytes = v;
        } else {
            if (field(r, "service", service, sizeof service))
                c.service = service;
            if (field(r, "conn_state", state, sizeof state))
                c.conn_state = state;
            if (field(r, "duration", text, sizeof text)) {
                int64_t us;
                if (parse_epoch_us(text, &us))
                    c.duration_us = us;
            }
            if (field_u64(r, "orig_bytes", &v))
                c.orig_bytes = v;
            if (field_u64(r, "resp_bytes", &v))
                c.resp_bytes = v;
        }
        observe_feed_conn(h->behavior, &c);
    }
}

static void on_sighting(void *ctx, const struct intel_sighting *s)
{
    struct hunt *h = ctx;
    h->st->sighting_rows++;
    sightings_add(h->sightings, s);
}

static void on_finding(void *ctx, const struct finding *f)
{
    struct hunt *h = ctx;
    h->st->findings[f->kind]++;
    sink_finding(h->opt->sink, f);
    if (h->opt->report) {
        char src[IP_ADDR_STRLEN], dst[IP_ADDR_STRLEN] = "-";
        ip_addr_format(&f->src, src, sizeof src);
        if (f->has_dst)
            ip_addr_format(&f->dst, dst, sizeof dst);
        fprintf(h->opt->report, "  %-10s score %.2f  %s -> %s%s%s  %s (%s)\n", finding_kind_name(f->kind), f->score,
                src, dst, f->name ? " " : "", f->name ? f->name : "", f->reason ? f->reason : "",
                f->attack ? f->attack : "");
    }
}

static const char *const pass1_paths[] = {"dns", "http", "ssl", "tls", "x509", "quic", "smtp", "email",
                                          "files", "fileinfo", NULL};
static const char *const pass2_paths[] = {"conn", "flow", NULL};

/* Both passes read every file of the unit: files, bytes and bad lines are
 * counted by the first only (rows differ: each pass keeps its own logs). */
static int read_pass(struct hunt *h, const struct unit *u, const char *const *paths, bool first, char *err,
                     size_t errlen)
{
    struct logread *lr = logread_open((const char *const *)u->files, u->n, err, errlen);
    if (lr == NULL)
        return -1;
    logread_filter(lr, paths);
    struct log_row row;
    int rc;
    while ((rc = logread_next(lr, &row, err, errlen)) == 1) {
        const char *path = row.path ? row.path : "";
        if (h->opt->intel)
            hunt_intel_row(h, &row, path);
        if (h->behavior)
            hunt_behavior_row(h, &row, path);
    }
    const char *warn;
    while ((warn = logread_warning(lr)) != NULL)
        fprintf(stderr, "vigil: hunt: %s\n", warn);
    struct logread_stats ls;
    logread_get_stats(lr, &ls);
    h->st->rows += ls.rows;
    if (first) {
        h->st->files += ls.files;
        h->st->bytes += ls.bytes;
        h->st->bad_lines += ls.bad_lines;
        h->st->bad_files += ls.bad_files;
    }
    logread_close(lr);
    return rc < 0 ? -1 : 0;
}

static void on_summary(void *ctx, const struct sighting_summary *s)
{
    struct hunt *h = ctx;
    sink_summary(h->opt->sink, s);
    if (h->opt->report) {
        char first[32], last[32];
        time_t t0 = (time_t)(s->first_us / 1000000), t1 = (time_t)(s->last_us / 1000000);
        struct tm tm;
        strftime(first, sizeof first, "%Y-%m-%d %H:%M:%S", gmtime_r(&t0, &tm));
        strftime(last, sizeof last, "%Y-%m-%d %H:%M:%S", gmtime_r(&t1, &tm));
        fprintf(h->opt->report, "  %-14s %-40s %-26s %6llu rows, %u hosts, %s .. %s",
                intel_type_zeek_name(s->entry->type), s->entry->indicator, s->where, (unsigned long long)s->count,
                s->n_hosts, first, last);
        /* a retro-hunt's point: traffic older than the indicator is shown, and said to be */
        for (int v = INTEL_VALIDITY_IN_WINDOW + 1; v < INTEL_VALIDITY_COUNT; v++)
            if (s->by_validity[v])
                fprintf(h->opt->report, ", %llu %s", (unsigned long long)s->by_validity[v],
                        intel_validity_name((enum intel_validity)v));
        fputc('\n', h->opt->report);
    }
}

int hunt_run(const struct hunt_options *o, struct hunt_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct unit_list units = {0};
    if (!build_units(&units, o->paths, o->n_paths, err, errlen)) {
        free_units(&units);
        return -1;
    }
    struct hunt h = {.opt = o, .st = st};
    int rc = 0;
    h.sightings = sightings_new();
    h.matcher = (struct intel_matcher){.store = o->intel, .dedup = intel_dedup_new(), .emit = on_sighting, .ctx = &h,
                                       .strict_validity = o->intel_strict_validity};
    h.fps.slots = calloc(FP_MAP_CAP, sizeof *h.fps.slots);
    if (!h.sightings || !h.matcher.dedup || !h.fps.slots) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (rc == 0 && o->behavior) {
        h.behavior = behavior_new(&o->behavior_cfg, on_finding, &h, err, errlen);
        if (h.behavior == NULL)
            rc = -1;
    }
    if (rc == 0 && o->report && o->behavior)
        fprintf(o->report, "behaviour findings:\n");
    for (size_t i = 0; rc == 0 && i < units.n; i++) {
        st->units++;
        if (read_pass(&h, &units.units[i], pass1_paths, true, err, errlen) != 0 ||
            read_pass(&h, &units.units[i], pass2_paths, false, err, errlen) != 0)
            rc = -1;
    }
    if (rc == 0 && h.behavior) {
        /* the end of the logs' time: findings still open are reported now */
        behavior_flush(h.behavior, 0, true);
    }
    if (rc == 0) {
        if (o->report && o->intel)
            fprintf(o->report, "indicator sightings:\n");
        sightings_each(h.sightings, on_summary, &h);
        st->sightings = sightings_count(h.sightings);
    }
    sink_flush(o->sink);
    behavior_free(h.behavior);
    sightings_free(h.sightings);
    intel_dedup_free(h.matcher.dedup);
    free(h.fps.slots);
    free_units(&units);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc != 0)
        return -1;
    return st->bad_lines || st->bad_files ? 1 : 0;
}
