/* The file analysis of one worker: streamed MD5/SHA-1/SHA-256 (OpenSSL
 * EVP), MIME type by content (libmagic, on the first FILES_MAGIC_BYTES),
 * optional extraction under content-derived names, and the EVENT_FILE
 * record for files.log and EVE fileinfo.
 *
 * Memory per open file is one fixed struct (the magic buffer and two names
 * included); nothing grows with the file. Finished analyses go back to a
 * small free list with their digest contexts, so a busy worker does not
 * allocate per file. */
#include "files/files.h"
#include "files/sniff.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/uid.h"

/* Analyses kept for reuse; beyond it finished ones are freed. */
#define FILES_FREE_LIST_MAX 32
/* Files being joined from byte-range parts at once per worker, and the
 * bytes of parts that arrive above a file's contiguous end held per file;
 * past them a part is analysed as a file of its own / its bytes are missing. */
#define FILES_JOINED_MAX 16
#define FILES_JOINED_HOLD_MAX ((size_t)1 << 20)
/* A joined file whose parts have all ended waits this long (packet time) for
 * the next part before it is logged as it is: Zeek's
 * Files::default_timeout_interval (2 min), after which Zeek's file times out. */
#define FILES_JOINED_IDLE_US (120 * (int64_t)1000000)

enum { DIGEST_MD5, DIGEST_SHA1, DIGEST_SHA256, DIGEST_COUNT };

struct file_analysis {
    struct file_ctx *fc;
    struct file_analysis *next_free;
    struct file_info info;
    char source[16];
    EVP_MD_CTX *md[DIGEST_COUNT];
    bool hashing;                /* false after a gap: a hash of partial content would lie */
    /* After a gap, with extraction on, SHA-256 goes on over the bytes that
     * come: Suricata's file-store forces SHA-256 and logs it for a
     * truncated file too (FileCloseFilePtr, g_file_force_sha256). */
    bool sha256_over_gaps;
    uint64_t eve_uncounted;      /* hole bytes Suricata's size leaves out (file_gap_past_eve) */
    size_t head_len;
    bool sniffed;
    int64_t last_ts_us;
    /* extraction */
    int fd;                      /* -1: not (or no longer) writing */
    bool extract_done;           /* stopped: cut off or failed */
    uint64_t extract_pos;        /* file offset reached (holes for gaps included) */
    char temp_name[UID_LEN + 8];
    char extracted_name[128];
    /* inspection: the file's bytes kept, up to the inspector's max_bytes */
    bool inspect_decided;        /* wants() was asked */
    bool inspect_chosen;         /* ... and said yes */
    bool keeping;                /* bytes still go into kept */
    bool kept_cut;               /* longer than max_bytes, or holed */
    struct buf kept;             /* capped at the inspector's max_bytes */
    /* a byte-range part: its bytes go to the joined file at part_off */
    struct file_joined *joined;
    uint64_t part_off;
    /* Last, and not zeroed when a finished analysis is reused (10 of the
     * struct's 11 KiB, per file): each is read only up to a length written
     * with it (head_len, info.filename_len, info.eve_filename_len) or
     * written before it is read (verdict, in inspect_finish). */
    uint8_t head[FILES_MAGIC_BYTES];
    char filename[FILES_MAX_NAME];
    char eve_name[FILES_MAX_NAME];
    struct file_verdict verdict;
};

/* Bytes of a part that came above the joined file's contiguous end. */
struct held_part {
    struct held_part *next;      /* sorted by offset */
    uint64_t off;
    size_t len;
    uint8_t data[];
};

/* One file fetched in byte ranges, over one connection or several (Zeek's
 * file handle for range replies: the originator and the URL). */
struct file_joined {
    bool used;
    uint64_t key;
    struct file_analysis *whole;
    uint64_t next;               /* the contiguous end fed to whole */
    unsigned parts_open;
    struct held_part *held;
    size_t held_bytes;
    struct app_conn conn;        /* the first part's connection: the file's, in the logs */
    int64_t last_us;             /* when the last part began or ended */
};

struct file_ctx {
    magic_t magic;               /* NULL: MIME types unknown */
    int dir_fd;                  /* extract_dir, -1 when extraction is off */
    uint64_t max_file, max_total;
    uint64_t total_written;
    EVP_MD *digest[DIGEST_COUNT];
    struct file_analysis *free_list;
    size_t n_free;
    uint64_t last_key, last_count; /* file_begin's fuid disambiguator */
    const struct file_inspector *inspector;
    uint64_t message_max_bytes;
    uint64_t eve_body_limit;
    struct file_stats stats;
    struct file_joined joined[FILES_JOINED_MAX];
};

/* ---- context ---- */

static int open_extract_dir(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create extract directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open extract directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
        snprintf(err, errlen, "extract directory '%s' is not writable: %s", dir, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

struct file_ctx *file_ctx_new(const struct file_config *cfg, char *err, size_t errlen)
{
    struct file_ctx *fc = calloc(1, sizeof *fc);
    if (fc == NULL) {
        snprintf(err, errlen, "out of memory for file analysis");
        return NULL;
    }
    fc->dir_fd = -1;
    fc->max_file = cfg && cfg->extract_max_file ? cfg->extract_max_file : FILES_DEFAULT_EXTRACT_MAX_FILE;
    fc->max_total = cfg && cfg->extract_max_total ? cfg->extract_max_total : FILES_DEFAULT_EXTRACT_MAX_TOTAL;
    fc->inspector = cfg ? cfg->inspector : NULL;
    fc->message_max_bytes = cfg ? cfg->message_max_bytes : 0;
    fc->eve_body_limit = cfg && cfg->eve_body_limit ? cfg->eve_body_limit : FILES_DEFAULT_EVE_BODY_LIMIT;
    static const char *const names[DIGEST_COUNT] = {"MD5", "SHA1", "SHA256"};
    for (int i = 0; i < DIGEST_COUNT; i++) {
        fc->digest[i] = EVP_MD_fetch(NULL, names[i], NULL);
        if (fc->digest[i] == NULL) {
            snprintf(err, errlen, "OpenSSL has no %s digest", names[i]);
            file_ctx_free(fc);
            return NULL;
        }
    }
    if (cfg && cfg->extract_dir) {
        fc->dir_fd = open_extract_dir(cfg->extract_dir, err, errlen);
        if (fc->dir_fd < 0) {
            file_ctx_free(fc);
            return NULL;
        }
    }
    /* Without a magic database files are still hashed, just untyped. */
    fc->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (fc->magic != NULL && magic_load(fc->magic, NULL) != 0) {
        magic_close(fc->magic);
        fc->magic = NULL;
    }
    return fc;
}

static void analysis_destroy(struct file_analysis *fa)
{
    for (int i = 0; i < DIGEST_COUNT; i++)
        EVP_MD_CTX_free(fa->md[i]);
    free(fa);
}

static void joined_release(struct file_joined *j)
{
    while (j->held != NULL) {
        struct held_part *h = j->held;
        j->held = h->next;
        free(h);
    }
    j->held_bytes = 0;
    j->used = false;
    j->whole = NULL;
}

void file_ctx_free(struct file_ctx *fc)
{
    if (fc == NULL)
        return;
    for (size_t i = 0; i < FILES_JOINED_MAX; i++) {
        if (fc->joined[i].used) {
            file_abort(fc->joined[i].whole);
            joined_release(&fc->joined[i]);
        }
    }
    while (fc->free_list) {
        struct file_analysis *fa = fc->free_list;
        fc->free_list = fa->next_free;
        analysis_destroy(fa);
    }
    for (int i = 0; i < DIGEST_COUNT; i++)
        EVP_MD_free(fc->digest[i]);
    if (fc->magic)
        magic_close(fc->magic);
    if (fc->dir_fd >= 0)
        close(fc->dir_fd);
    free(fc);
}

uint64_t file_message_cap(const struct file_ctx *fc)
{
    return fc ? fc->message_max_bytes : 0;
}

uint64_t file_eve_body_limit(const struct file_ctx *fc)
{
    return fc ? fc->eve_body_limit : UINT64_MAX;
}

void file_ctx_stats(const struct file_ctx *fc, struct file_stats *out)
{
    if (fc == NULL) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = fc->stats;
}

/* ---- MIME types ---- */

/* libmagic's names where Zeek's signatures (base/frameworks/files/magic)
 * say something else for the same content; "" = Zeek reports nothing. */
static const char *const mime_aliases[][2] = {
    {"application/octet-stream", ""},
    {"inode/x-empty", ""},
    {"application/x-empty", ""},
    {"application/json", "text/json"},
    {"text/xml", "application/xml"},
    {"text/javascript", "application/javascript"},
    {"image/vnd.microsoft.icon", "image/x-icon"},
    {"application/vnd.microsoft.portable-executable", "application/x-dosexec"},
    {"application/x-pie-executable", "application/x-executable"},
    {"application/x-sharedlib", "application/x-executable"},
    {"application/x-gzip", "application/gzip"},
};

static void set_mime(struct file_analysis *fa, const char *m)
{
    for (size_t i = 0; i < sizeof mime_aliases / sizeof mime_aliases[0]; i++) {
        if (strcmp(m, mime_aliases[i][0]) == 0) {
            m = mime_aliases[i][1];
            break;
        }
    }
    snprintf(fa->info.mime_type, sizeof fa->info.mime_type, "%s", m);
}

static void sniff(struct file_analysis *fa)
{
    if (fa->sniffed || fa->head_len == 0)
        return;
    fa->sniffed = true;
    const char *m = sniff_common_type(fa->head, fa->head_len);
    if (m != NULL) {
        set_mime(fa, m);
        return;
    }
    if (fa->fc->magic == NULL)
        return;
    m = magic_buffer(fa->fc->magic, fa->head, fa->head_len);
    if (m != NULL)
        set_mime(fa, m);
}

/* Extension of an extracted file, by MIME type. */
static const char *mime_extension(const char *mime)
{
    static const char *const ext[][2] = {
        {"application/pdf", "pdf"},
        {"application/x-dosexec", "exe"},
        {"application/x-executable", "elf"},
        {"application/zip", "zip"},
        {"application/gzip", "gz"},
        {"application/x-rar", "rar"},
        {"application/x-7z-compressed", "7z"},
        {"application/java-archive", "jar"},
        {"application/msword", "doc"},
        {"application/vnd.ms-excel", "xls"},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"},
        {"text/rtf", "rtf"},
        {"application/rtf", "rtf"},
        {"text/html", "html"},
        {"text/plain", "txt"},
        {"text/json", "json"},
        {"application/xml", "xml"},
        {"application/javascript", "js"},
        {"image/jpeg", "jpg"},
        {"image/png", "png"},
        {"image/gif", "gif"},
        {"image/x-icon", "ico"},
        {"application/x-shockwave-flash", "swf"},
    };
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (strcmp(mime, ext[i][0]) == 0)
            return ext[i][1];
    return "bin";
}

/* ---- analyses ---- */

static struct file_analysis *analysis_get(struct file_ctx *fc)
{
    struct file_analysis *fa = fc->free_list;
    if (fa != NULL) {
        fc->free_list = fa->next_free;
        fc->n_free--;
    } else {
        fa = calloc(1, sizeof *fa);
        if (fa == NULL)
            return NULL;
        for (int i = 0; i < DIGEST_COUNT; i++) {
            fa->md[i] = EVP_MD_CTX_new();
            if (fa->md[i] == NULL) {
                analysis_destroy(fa);
                return NULL;
            }
        }
    }
    EVP_MD_CTX *md[DIGEST_COUNT];
    memcpy(md, fa->md, sizeof md);
    memset(fa, 0, offsetof(struct file_analysis, head));
    memcpy(fa->md, md, sizeof md);
    fa->fc = fc;
    fa->fd = -1;
    fa->hashing = true;
    for (int i = 0; i < DIGEST_COUNT; i++)
        if (EVP_DigestInit_ex(fa->md[i], fc->digest[i], NULL) != 1)
            fa->hashing = false;
    return fa;
}

static void analysis_put(struct file_analysis *fa)
{
    struct file_ctx *fc = fa->fc;
    buf_free(&fa->kept);
    if (fa->fd >= 0) {
        close(fa->fd);
        fa->fd = -1;
    }
    if (fc->n_free >= FILES_FREE_LIST_MAX) {
        analysis_destroy(fa);
        return;
    }
    fa->next_free = fc->free_list;
    fc->free_list = fa;
    fc->n_free++;
}

struct file_analysis *file_begin_seq(struct file_ctx *fc, const struct app_conn *conn, const char *source,
                                     bool is_orig, const char *filename, size_t filename_len, uint64_t total_bytes,
                                     int64_t ts_us, uint64_t seq)
{
    if (fc == NULL || conn == NULL)
        return NULL;
    struct file_analysis *fa = analysis_get(fc);
    if (fa == NULL)
        return NULL;
    snprintf(fa->source, sizeof fa->source, "%s", source ? source : "");
    /* The fuid depends only on what the connection carried, so a replay
     * with any number of workers names every file the same. */
    struct {
        char uid[UID_LEN];
        char source[16];
        uint64_t seq;
        uint8_t is_orig;
    } key;
    memset(&key, 0, sizeof key);
    memcpy(key.uid, conn->uid, sizeof key.uid);
    memcpy(key.source, fa->source, sizeof key.source);
    key.seq = seq;
    key.is_orig = is_orig;
    uid_format(hash64_bytes(&key, sizeof key, 0xf11e5), 'F', fa->info.fuid);

    struct file_info *fi = &fa->info;
    fi->ts_us = ts_us;
    fa->last_ts_us = ts_us;
    fi->source = fa->source;
    fi->is_orig = is_orig;
    fi->total_bytes = total_bytes;
    if (filename != NULL) {
        if (filename_len > sizeof fa->filename)
            filename_len = sizeof fa->filename;
        memcpy(fa->filename, filename, filename_len);
        fi->filename = fa->filename;
        fi->filename_len = filename_len;
    }
    fi->extract_attached = fc->dir_fd >= 0;
    fi->inspecting = fc->inspector != NULL;
    return fa;
}

struct file_analysis *file_begin(struct file_ctx *fc, const struct app_conn *conn, const char *source, bool is_orig,
                                 const char *filename, size_t filename_len, uint64_t total_bytes, int64_t ts_us)
{
    if (fc == NULL || conn == NULL)
        return NULL;
    /* Files of one connection, direction and instant are told apart by
     * their order; anything else already differs in the key. */
    struct {
        char uid[UID_LEN];
        int64_t ts_us;
        uint8_t is_orig;
    } k;
    memset(&k, 0, sizeof k);
    memcpy(k.uid, conn->uid, sizeof k.uid);
    k.ts_us = ts_us;
    k.is_orig = is_orig;
    uint64_t h = hash64_bytes(&k, sizeof k, 0xbe6);
    if (h == fc->last_key) {
        fc->last_count++;
    } else {
        fc->last_key = h;
        fc->last_count = 0;
    }
    return file_begin_seq(fc, conn, source, is_orig, filename, filename_len, total_bytes, ts_us,
                          (uint64_t)ts_us * 1024 + fc->last_count);
}

/* ---- byte-range parts ---- */

/* Logs a joined file as it is: the parts held above a hole are delivered
 * after it, as Zeek's file reassembler flushes, what never came counted
 * missing. On env's connection when it completes the file (on_first false),
 * else on its first part's (no packet of that connection raised it). Frees
 * the slot. */
static void joined_publish(struct file_joined *j, struct app_env *env, bool on_first, bool timedout,
                           char fuid_out[UID_LEN], char mime_out[96])
{
    struct file_analysis *whole = j->whole;
    for (struct held_part *h = j->held; h != NULL; h = h->next) {
        if (h->off + h->len <= j->next)
            continue;
        if (h->off > j->next) {
            file_gap(whole, h->off - j->next);
            j->next = h->off;
        }
        size_t skip = (size_t)(j->next - h->off);
        file_data(whole, h->data + skip, h->len - skip, whole->last_ts_us);
        j->next += h->len - skip;
    }
    uint64_t total = whole->info.total_bytes;
    if (total > j->next)
        file_gap(whole, total - j->next);
    /* A complete file whose straggling part never ended did not time out. */
    whole->info.timedout = timedout && !(total > 0 && j->next >= total);
    struct app_env first_env = env != NULL ? *env : (struct app_env){0};
    struct app_conn first_conn = j->conn;
    first_conn.packet_number = 0;
    first_env.conn = &first_conn;
    joined_release(j);
    file_end(whole, on_first || env == NULL ? &first_env : env, fuid_out, mime_out);
}

/* Joined files idle past FILES_JOINED_IDLE_US at now_us are logged, timed
 * out, as Zeek's file manager does. */
static void joined_expire(struct file_ctx *fc, struct app_env *env, int64_t now_us)
{
    for (size_t i = 0; i < FILES_JOINED_MAX; i++) {
        struct file_joined *j = &fc->joined[i];
        if (j->used && j->parts_open == 0 && now_us - j->last_us > FILES_JOINED_IDLE_US)
            joined_publish(j, env, true, true, NULL, NULL);
    }
}

/* The slot of key h, else a free one (*found false), else the idle one that
 * waited longest, logged to free it, else NULL. */
static struct file_joined *joined_slot(struct file_ctx *fc, struct app_env *env, uint64_t h, bool *found)
{
    struct file_joined *free_slot = NULL, *idlest = NULL;
    *found = false;
    for (size_t i = 0; i < FILES_JOINED_MAX; i++) {
        struct file_joined *j = &fc->joined[i];
        if (j->used && j->key == h) {
            *found = true;
            return j;
        }
        if (!j->used && free_slot == NULL)
            free_slot = j;
        else if (j->used && j->parts_open == 0 && (idlest == NULL || j->last_us < idlest->last_us))
            idlest = j;
    }
    if (free_slot == NULL && idlest != NULL) {
        joined_publish(idlest, env, true, false, NULL, NULL);
        free_slot = idlest;
    }
    return free_slot;
}

struct file_analysis *file_begin_part(struct file_ctx *fc, struct app_env *env, const char *source, bool is_orig,
                                      const void *key, size_t key_len, uint64_t offset, uint64_t total, uint64_t seq)
{
    if (fc == NULL || env == NULL || env->conn == NULL)
        return NULL;
    const struct app_conn *conn = env->conn;
    int64_t ts_us = env->ts_us;
    joined_expire(fc, env, ts_us);
    uint64_t h = hash64_bytes(key, key_len, 0x7a49e);
    bool found;
    struct file_joined *j = joined_slot(fc, env, h, &found);
    if (j == NULL) /* too many at once: this part is a file of its own */
        return file_begin_seq(fc, conn, source, is_orig, NULL, 0, 0, ts_us, seq);
    if (!found) {
        struct file_analysis *whole = file_begin_seq(fc, conn, source, is_orig, NULL, 0, total, ts_us, seq);
        if (whole == NULL)
            return NULL;
        *j = (struct file_joined){.used = true, .key = h, .whole = whole, .conn = *conn};
    }
    struct file_analysis *part = analysis_get(fc);
    if (part == NULL)
        return NULL;
    part->joined = j;
    part->part_off = offset;
    j->parts_open++;
    j->last_us = ts_us;
    return part;
}

void file_ctx_flush_parts(struct file_ctx *fc, struct app_env *env)
{
    if (fc == NULL)
        return;
    for (size_t i = 0; i < FILES_JOINED_MAX; i++)
        if (fc->joined[i].used && fc->joined[i].parts_open == 0)
            joined_publish(&fc->joined[i], env, true, false, NULL, NULL);
}

static void joined_feed(struct file_joined *j, const uint8_t *p, size_t n, int64_t ts_us)
{
    file_data(j->whole, p, n, ts_us);
    j->next += n;
    while (j->held != NULL && j->held->off <= j->next) {
        struct held_part *h = j->held;
        j->held = h->next;
        j->held_bytes -= h->len;
        if (h->off + h->len > j->next) {
            size_t skip = (size_t)(j->next - h->off);
            file_data(j->whole, h->data + skip, h->len - skip, ts_us);
            j->next += h->len - skip;
        }
        free(h);
    }
}

static void part_data(struct file_analysis *part, const uint8_t *p, size_t n, int64_t ts_us)
{
    struct file_joined *j = part->joined;
    uint64_t off = part->part_off;
    part->part_off += n;
    if (off + n <= j->next)
        return; /* already had these bytes */
    if (off < j->next) {
        size_t skip = (size_t)(j->next - off);
        p += skip;
        n -= skip;
        off = j->next;
    }
    if (off == j->next) {
        joined_feed(j, p, n, ts_us);
        return;
    }
    if (j->held_bytes + n > FILES_JOINED_HOLD_MAX)
        return; /* counted missing when the file ends */
    struct held_part *h = malloc(sizeof *h + n);
    if (h == NULL)
        return;
    h->off = off;
    h->len = n;
    memcpy(h->data, p, n);
    struct held_part **at = &j->held;
    while (*at != NULL && (*at)->off < off)
        at = &(*at)->next;
    h->next = *at;
    *at = h;
    j->held_bytes += n;
}

/* A part ends: the joined file is published once complete; otherwise it
 * waits for more parts, over later connections too (Zeek keeps a range
 * reply's file open after its connection: its handle names the URL, not the
 * connection), until it times out or the run ends (file_ctx_flush_parts). */
static void part_end(struct file_analysis *part, struct app_env *env, char fuid_out[UID_LEN], char mime_out[96])
{
    struct file_joined *j = part->joined;
    struct file_analysis *whole = j->whole;
    j->parts_open--;
    j->last_us = env != NULL ? env->ts_us : j->last_us;
    uint64_t total = whole->info.total_bytes;
    /* Published only once no other part is open: those parts point at this
     * slot, which publishing frees (an overlapping part still in flight
     * ends the file when it ends). */
    if (total > 0 && j->next >= total && j->parts_open == 0) {
        joined_publish(j, env, false, false, fuid_out, mime_out);
    } else {
        if (fuid_out != NULL)
            memcpy(fuid_out, whole->info.fuid, UID_LEN);
        if (mime_out != NULL)
            memcpy(mime_out, whole->info.mime_type, sizeof whole->info.mime_type);
    }
    analysis_put(part);
}

const char *file_fuid(const struct file_analysis *fa)
{
    if (fa->joined != NULL)
        return fa->joined->whole->info.fuid;
    return fa ? fa->info.fuid : "";
}

void file_set_truncated(struct file_analysis *fa)
{
    if (fa != NULL && fa->joined != NULL)
        return; /* a part's end is not the file's */
    if (fa)
        fa->info.truncated = true;
}

void file_set_eve_filename(struct file_analysis *fa, const char *name, size_t len)
{
    if (fa != NULL && fa->joined != NULL)
        fa = fa->joined->whole;
    if (fa == NULL || name == NULL)
        return;
    if (len > sizeof fa->eve_name)
        len = sizeof fa->eve_name;
    memcpy(fa->eve_name, name, len);
    fa->info.eve_filename = fa->eve_name;
    fa->info.eve_filename_len = len;
}

void file_set_tx_id(struct file_analysis *fa, uint64_t tx_id)
{
    if (fa != NULL && fa->joined != NULL)
        fa = fa->joined->whole;
    if (fa == NULL)
        return;
    fa->info.has_tx_id = true;
    fa->info.tx_id = tx_id;
}

void file_set_not_in_eve(struct file_analysis *fa)
{
    if (fa != NULL && fa->joined == NULL)
        fa->info.not_in_eve = true;
}

/* ---- extraction ---- */

static void extract_fail(struct file_analysis *fa)
{
    fa->fc->stats.extract_errors++;
    if (fa->fd >= 0) {
        close(fa->fd);
        fa->fd = -1;
    }
    unlinkat(fa->fc->dir_fd, fa->temp_name, 0);
    fa->temp_name[0] = '\0';
    fa->extract_done = true;
}

static bool extract_open(struct file_analysis *fa)
{
    struct file_ctx *fc = fa->fc;
    snprintf(fa->temp_name, sizeof fa->temp_name, "%s", fa->info.fuid);
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    fa->fd = openat(fc->dir_fd, fa->temp_name, flags, 0600);
    if (fa->fd < 0 && errno == EEXIST) {
        /* left over by an interrupted run (fuids repeat across replays) */
        unlinkat(fc->dir_fd, fa->temp_name, 0);
        fa->fd = openat(fc->dir_fd, fa->temp_name, flags, 0600);
    }
    if (fa->fd < 0) {
        fa->temp_name[0] = '\0';
        fa->extract_done = true;
        fc->stats.extract_errors++;
        return false;
    }
    return true;
}

static void extract_cut(struct file_analysis *fa)
{
    fa->info.extracted_cutoff = true;
    fa->extract_done = true;
    fa->fc->stats.extract_cutoffs++;
}

static void extract_data(struct file_analysis *fa, const uint8_t *p, size_t n)
{
    struct file_ctx *fc = fa->fc;
    if (fc->dir_fd < 0 || fa->extract_done)
        return;
    if (fa->fd < 0 && !extract_open(fa))
        return;
    uint64_t room = fc->max_file > fa->extract_pos ? fc->max_file - fa->extract_pos : 0;
    uint64_t total_room = fc->max_total > fc->total_written ? fc->max_total - fc->total_written : 0;
    if (total_room < room)
        room = total_room;
    size_t take = n;
    if (take > room)
        take = (size_t)room;
    size_t off = 0;
    while (off < take) {
        ssize_t w = write(fa->fd, p + off, take - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            extract_fail(fa);
            return;
        }
        off += (size_t)w;
    }
    fa->extract_pos += take;
    fc->total_written += take;
    fc->stats.extracted_bytes += take;
    if (take < n)
        extract_cut(fa);
}

static void extract_gap(struct file_analysis *fa, uint64_t n)
{
    if (fa->fc->dir_fd < 0 || fa->extract_done || fa->fd < 0)
        return; /* a gap before the first byte: the file starts at its first byte */
    if (n > fa->fc->max_file - fa->extract_pos || fa->fc->max_file < fa->extract_pos) {
        extract_cut(fa);
        return;
    }
    /* a hole: costs no disk, keeps later bytes at their offsets */
    if (lseek(fa->fd, (off_t)n, SEEK_CUR) < 0) {
        extract_fail(fa);
        return;
    }
    fa->extract_pos += n;
}

static void extract_finish(struct file_analysis *fa)
{
    struct file_ctx *fc = fa->fc;
    if (fa->temp_name[0] == '\0')
        return;
    /* a trailing hole needs the size set explicitly */
    if (fa->fd >= 0 && ftruncate(fa->fd, (off_t)fa->extract_pos) != 0) {
        extract_fail(fa);
        return;
    }
    if (fa->fd >= 0 && close(fa->fd) != 0) {
        fa->fd = -1;
        extract_fail(fa);
        return;
    }
    fa->fd = -1;
    /* a cut or holed file is not what its hash names: keep its fuid */
    const char *stem = fa->info.sha256[0] && !fa->info.extracted_cutoff ? fa->info.sha256 : fa->info.fuid;
    snprintf(fa->extracted_name, sizeof fa->extracted_name, "%s.%s", stem, mime_extension(fa->info.mime_type));
    /* rename() replaces a link at the target rather than following it */
    if (renameat(fc->dir_fd, fa->temp_name, fc->dir_fd, fa->extracted_name) != 0) {
        extract_fail(fa);
        return;
    }
    fa->info.extracted = fa->extracted_name;
    fa->info.extracted_size = fa->extract_pos;
    fc->stats.extracted++;
}

/* ---- inspection: bytes kept for the inspector ---- */

static void keep_stop(struct file_analysis *fa)
{
    fa->keeping = false;
    fa->kept_cut = true;
}

static void keep_bytes(struct file_analysis *fa, const uint8_t *p, size_t n)
{
    if (fa->keeping && n > 0 && !buf_append_upto(&fa->kept, p, n))
        keep_stop(fa);
}

static const char *inspect_name(const struct file_analysis *fa, size_t *len)
{
    *len = fa->info.filename ? fa->info.filename_len : fa->info.eve_filename ? fa->info.eve_filename_len : 0;
    return fa->info.filename ? fa->info.filename : fa->info.eve_filename;
}

/* Asks the inspector once, on the head; a chosen file keeps its head and
 * every byte after it. */
static void inspect_decide(struct file_analysis *fa)
{
    const struct file_inspector *in = fa->fc->inspector;
    if (fa->inspect_decided || in == NULL)
        return;
    fa->inspect_decided = true;
    size_t nl;
    const char *name = inspect_name(fa, &nl);
    if (!in->wants(in->ctx, name, nl, fa->info.filename == NULL, fa->head, fa->head_len))
        return;
    fa->inspect_chosen = true;
    fa->keeping = true;
    buf_init(&fa->kept, 0, in->max_bytes < SIZE_MAX ? (size_t)in->max_bytes : SIZE_MAX);
    keep_bytes(fa, fa->head, fa->head_len);
}

static void inspect_finish(struct file_analysis *fa)
{
    inspect_decide(fa);
    if (!fa->inspect_chosen)
        return;
    char name[FILES_MAX_NAME + 1];
    size_t nl;
    const char *n = inspect_name(fa, &nl);
    snprintf(name, sizeof name, "%.*s", (int)nl, n ? n : "");
    memset(&fa->verdict, 0, sizeof fa->verdict);
    const uint8_t *kept = fa->kept.data ? (const uint8_t *)fa->kept.data : fa->head;
    fa->fc->inspector->inspect(fa->fc->inspector->ctx, name, kept, fa->kept.len, fa->kept_cut, &fa->verdict);
    fa->info.verdict = &fa->verdict;
    fa->fc->stats.inspected++;
    fa->fc->stats.inspect_cut += fa->kept_cut;
}

/* ---- data ---- */

void file_data(struct file_analysis *fa, const uint8_t *p, size_t n, int64_t ts_us)
{
    if (fa == NULL || p == NULL || n == 0)
        return;
    if (fa->joined != NULL) {
        part_data(fa, p, n, ts_us);
        return;
    }
    fa->info.seen_bytes += n;
    if (ts_us > fa->last_ts_us)
        fa->last_ts_us = ts_us;
    if (fa->hashing)
        for (int i = 0; i < DIGEST_COUNT; i++)
            if (EVP_DigestUpdate(fa->md[i], p, n) != 1)
                fa->hashing = false;
    if (fa->sha256_over_gaps && EVP_DigestUpdate(fa->md[DIGEST_SHA256], p, n) != 1)
        fa->sha256_over_gaps = false;
    bool decided = fa->inspect_decided;
    size_t take = 0;
    if (!fa->sniffed) {
        take = FILES_MAGIC_BYTES - fa->head_len;
        if (take > n)
            take = n;
        memcpy(fa->head + fa->head_len, p, take);
        fa->head_len += take;
        if (fa->head_len == FILES_MAGIC_BYTES)
            sniff(fa);
    }
    if (decided)
        keep_bytes(fa, p, n);
    else if (fa->head_len == FILES_MAGIC_BYTES || fa->sniffed) {
        inspect_decide(fa); /* keeps the head, which holds p's first `take` bytes */
        keep_bytes(fa, p + take, n - take);
    }
    extract_data(fa, p, n);
}

void file_gap(struct file_analysis *fa, uint64_t n)
{
    if (fa == NULL || n == 0)
        return;
    if (fa->joined != NULL) {
        fa->part_off += n; /* the joined file counts what never came when it ends */
        return;
    }
    fa->info.missing_bytes += n;
    if (fa->hashing && fa->fc->dir_fd >= 0)
        fa->sha256_over_gaps = true;
    fa->hashing = false;
    sniff(fa); /* as Zeek: the BOF buffer is sniffed when a gap ends it */
    inspect_decide(fa);
    if (fa->inspect_chosen)
        keep_stop(fa); /* a hole would shift what follows: inspect what came before */
    extract_gap(fa, n);
}

static void hex(const unsigned char *d, unsigned n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The digests of the bytes so far into out (NULL: skipped), the running
 * ones left to go on. */
static void digests_so_far(struct file_analysis *fa, char *outs[DIGEST_COUNT])
{
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    for (int i = 0; copy != NULL && i < DIGEST_COUNT; i++) {
        unsigned char d[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        if (outs[i] != NULL && EVP_MD_CTX_copy_ex(copy, fa->md[i]) == 1 &&
            EVP_DigestFinal_ex(copy, d, &len) == 1 && len * 2 < 65)
            hex(d, len, outs[i]);
    }
    EVP_MD_CTX_free(copy);
}

static uint64_t eve_size_so_far(const struct file_analysis *fa)
{
    return fa->info.seen_bytes + fa->info.missing_bytes - fa->eve_uncounted;
}

void file_data_zeek_tail(struct file_analysis *fa, const uint8_t *p, size_t n, int64_t ts_us)
{
    if (fa == NULL || fa->joined != NULL || n == 0)
        return;
    struct file_info *fi = &fa->info;
    if (!fi->eve_stopped) {
        fi->eve_own_digests = true;
        fi->eve_size = eve_size_so_far(fa);
        char *outs[DIGEST_COUNT] = {fi->eve_md5, fi->eve_sha1, fi->eve_sha256};
        if (fa->hashing && fi->seen_bytes > 0)
            digests_so_far(fa, outs);
    }
    file_data(fa, p, n, ts_us);
}

void file_eve_stop(struct file_analysis *fa)
{
    if (fa == NULL || fa->joined != NULL || fa->info.eve_stopped)
        return;
    struct file_info *fi = &fa->info;
    fi->eve_stopped = true;
    fi->truncated = true;
    fi->eve_gaps = fi->missing_bytes > 0;
    fi->eve_own_digests = true;
    fi->eve_size = eve_size_so_far(fa);
    fi->eve_md5[0] = fi->eve_sha1[0] = fi->eve_sha256[0] = '\0';
    /* A truncated file has no digests in Suricata's log, but for the
     * SHA-256 its file-store forces (extraction here): that of the bytes it
     * took (FileCloseFilePtr, g_file_force_sha256). */
    char *outs[DIGEST_COUNT] = {NULL, NULL, fi->eve_sha256};
    if (fa->fc->dir_fd >= 0 && (fa->hashing || fa->sha256_over_gaps) && fi->seen_bytes > 0)
        digests_so_far(fa, outs);
}

void file_gap_past_eve(struct file_analysis *fa, uint64_t n)
{
    if (fa == NULL || n == 0)
        return;
    file_gap(fa, n);
    if (fa->joined == NULL)
        fa->eve_uncounted += n;
}

void file_finish(struct file_analysis *fa, char fuid_out[UID_LEN], char mime_out[96])
{
    if (fa == NULL)
        return;
    struct file_info *fi = &fa->info;
    sniff(fa);
    if (fa->hashing && fi->seen_bytes > 0) {
        char *outs[DIGEST_COUNT] = {fi->md5, fi->sha1, fi->sha256};
        for (int i = 0; i < DIGEST_COUNT; i++) {
            unsigned char d[EVP_MAX_MD_SIZE];
            unsigned len = 0;
            if (EVP_DigestFinal_ex(fa->md[i], d, &len) == 1 && len * 2 < 65)
                hex(d, len, outs[i]);
        }
    }
    if (fa->sha256_over_gaps && fi->seen_bytes > 0 && !fi->eve_stopped) {
        unsigned char d[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        if (!fi->eve_own_digests)
            fi->eve_size = eve_size_so_far(fa);
        fi->eve_own_digests = true;
        if (EVP_DigestFinal_ex(fa->md[DIGEST_SHA256], d, &len) == 1 && len * 2 < 65)
            hex(d, len, fi->eve_sha256);
    }
    if (fa->eve_uncounted > 0 && !fi->eve_own_digests) {
        /* holed, so no digests: only the size is Suricata's own */
        fi->eve_own_digests = true;
        fi->eve_size = eve_size_so_far(fa);
    }
    fi->duration_us = fa->last_ts_us - fi->ts_us;
    inspect_finish(fa);
    buf_free(&fa->kept); /* inspected: a file held for its transaction keeps only its verdict */
    extract_finish(fa);
    fa->fc->stats.files++;
    if (fuid_out != NULL)
        memcpy(fuid_out, fi->fuid, UID_LEN);
    if (mime_out != NULL)
        memcpy(mime_out, fi->mime_type, sizeof fi->mime_type);
}

void file_publish(struct file_analysis *fa, struct app_env *env, const struct smtp_txn *smtp)
{
    if (fa == NULL)
        return;
    fa->info.smtp = smtp;
    if (env != NULL && env->publish != NULL)
        env->publish(env, EVENT_FILE, &fa->info);
    analysis_put(fa);
}

void file_publish_zeek(struct file_analysis *fa, struct app_env *env, char fuid_out[UID_LEN])
{
    if (fa == NULL)
        return;
    file_finish(fa, fuid_out, NULL);
    bool not_in_eve = fa->info.not_in_eve;
    fa->info.not_in_eve = true;
    if (env != NULL && env->publish != NULL)
        env->publish(env, EVENT_FILE, &fa->info);
    fa->info.not_in_eve = not_in_eve;
    fa->info.eve_only = true;
}

void file_end(struct file_analysis *fa, struct app_env *env, char fuid_out[UID_LEN], char mime_out[96])
{
    if (fa == NULL)
        return;
    if (fa->joined != NULL) {
        part_end(fa, env, fuid_out, mime_out);
        return;
    }
    file_finish(fa, fuid_out, mime_out);
    file_publish(fa, env, NULL);
}

void file_abort(struct file_analysis *fa)
{
    if (fa == NULL)
        return;
    if (fa->joined != NULL) {
        /* the whole file still waits for its other parts */
        fa->joined->parts_open--;
        analysis_put(fa);
        return;
    }
    if (fa->fd >= 0) {
        close(fa->fd);
        fa->fd = -1;
    }
    if (fa->temp_name[0] != '\0' && fa->fc->dir_fd >= 0)
        unlinkat(fa->fc->dir_fd, fa->temp_name, 0);
    analysis_put(fa);
}
