/* files-t: what files/ hands to the stages above: the record of a file
 * (struct file_info, published as EVENT_FILE for files.log, EVE fileinfo
 * and the detectors), what a content inspection said about it (struct
 * file_verdict) and the seam the document inspectors fill (struct
 * file_inspector). Type-only header; files/files.h is the API. */
#ifndef VIGIL_FILES_FILES_T_H
#define VIGIL_FILES_FILES_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/uid.h"

struct smtp_txn;

#define FILE_VERDICT_MAX_REASONS 16
#define FILE_VERDICT_MAX_INDICATORS 4

/* Bytes of a file's start kept for MIME detection (Zeek's default BOF buffer). */
#define FILES_MAGIC_BYTES 4096
/* Longest file name kept (longer ones are cut). */
#define FILES_MAX_NAME 1024

/* What a content inspection (doc/, behind the seam below) said about a
 * file: files.log's doc_* columns and EVE fileinfo's `doc` object. */
struct file_verdict {
    char verdict[12];             /* "clean", "suspicious", "malicious" */
    int score;
    char type[48];                /* "ole2", "ooxml", "rtf", "pdf", "archive"... */
    size_t n_reasons;
    char reasons[FILE_VERDICT_MAX_REASONS][32];         /* reason codes, each once */
    char details[FILE_VERDICT_MAX_REASONS][160];        /* the first detail of each */
    size_t n_indicators;
    char indicators[FILE_VERDICT_MAX_INDICATORS][256];  /* what to block (URLs, hosts) */
    char techniques[4][12];       /* ATT&CK ids the reasons imply (T1221, T1203) */
    size_t n_techniques;
};

/* The seam to the document inspectors: the stage above fills it (core/),
 * files/ calls it, and knows nothing of formats. */
struct file_inspector {
    const void *ctx;
    /* True when a file with this head (and name, maybe NULL) is kept for
     * inspection; called once, on the first FILES_MAGIC_BYTES or less.
     * from_url: the name is a URL's path (no Content-Disposition name). */
    bool (*wants)(const void *ctx, const char *name, size_t name_len, bool from_url, const uint8_t *head, size_t n);
    /* Inspects the kept bytes; `cut` when the file was longer than
     * max_bytes or had gaps (what was kept is inspected). */
    void (*inspect)(const void *ctx, const char *name, const uint8_t *p, size_t n, bool cut,
                    struct file_verdict *out);
    uint64_t max_bytes;           /* bytes kept per file (the rest is not inspected) */
};

/* What files.log and EVE fileinfo need; published as EVENT_FILE. */
struct file_info {
    char fuid[UID_LEN];
    int64_t ts_us;                /* first byte seen */
    int64_t duration_us;          /* first to last byte */
    const char *source;           /* "HTTP", "SMTP" */
    bool is_orig;                 /* sent by the connection's originator */
    const char *filename;         /* from Content-Disposition / URL; NULL when none */
    size_t filename_len;
    char mime_type[96];           /* by content (libmagic); "" when unknown */
    uint64_t seen_bytes;
    uint64_t total_bytes;         /* announced size (Content-Length), 0 when unknown */
    uint64_t missing_bytes;       /* gaps */
    bool timedout;
    char md5[33], sha1[41], sha256[65];
    const char *extracted;        /* file name under extract_dir, NULL when not extracted */
    bool extracted_cutoff;
    uint64_t extracted_size;
    uint16_t depth;               /* nesting, e.g. an attachment inside an attachment */

    /* Additions for EVE fileinfo (Suricata) and files.log's analyzers. */
    bool truncated;               /* ended before its end (connection closed, framing lost) */
    const char *eve_filename;     /* Suricata's name (e.g. the URI path); NULL: use filename */
    size_t eve_filename_len;
    bool has_tx_id;
    uint64_t tx_id;               /* Suricata's transaction index of the carrier */
    bool extract_attached;        /* extraction was on for this file (analyzer EXTRACT) */
    bool inspecting;              /* the run inspects files (files.log has the doc_* columns) */
    /* Suricata opens files only for MIME parts with a name (SMTP
     * attachments, uploads): an unnamed part is in files.log, not in EVE. */
    bool not_in_eve;
    /* files.log and the detectors had the file at its Zeek end
     * (file_publish_zeek): this publish is its EVE fileinfo alone. */
    bool eve_only;
    /* Suricata's size and digests, when Zeek counts bytes at the file's end
     * that Suricata does not (file_data_zeek_tail), or, with extraction on,
     * a file with gaps (eve_sha256: the SHA-256 of the bytes that came, as
     * Suricata's file-store logs it); else those above. */
    bool eve_own_digests;
    uint64_t eve_size;
    char eve_md5[33], eve_sha1[41], eve_sha256[65];
    /* Suricata stopped following the file before its end (file_eve_stop:
     * libhtp's body limit): the eve_* fields above and eve_gaps are its
     * view, and the state TRUNCATED. */
    bool eve_stopped;
    bool eve_gaps;
    /* The SMTP transaction that carried the file, complete (EVE fileinfo
     * writes its smtp and email objects, as Suricata's); NULL otherwise.
     * Borrowed for the publish call. */
    const struct smtp_txn *smtp;
    const struct file_verdict *verdict; /* NULL: this file was not inspected */
};

#endif
