/* Archives and disk images through libarchive (zip, 7z, rar, tar, cab,
 * gzip/bzip2/xz streams, ISO 9660): each member inspected as a file in
 * turn, within the run's limits on members, bytes, expansion ratio and
 * nesting; encrypted members and runnable members reported. */
#include "doc/doc_internal.h"

#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

bool archive_is(const uint8_t *p, size_t n)
{
    if (n < 8)
        return false;
    static const struct {
        size_t off;
        const char *magic;
        size_t len;
    } magics[] = {
        {0, "PK\x03\x04", 4},           {0, "PK\x05\x06", 4},          {0, "7z\xBC\xAF\x27\x1C", 6},
        {0, "Rar!\x1A\x07", 6},         {0, "\x1F\x8B", 2},            {0, "BZh", 3},
        {0, "\xFD" "7zXZ", 5},          {0, "MSCF", 4},                {257, "ustar", 5},
        {0x8001, "CD001", 5},           {0x9001, "CD001", 5},          {0, "\x60\xEA", 2},
    };
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (n >= magics[i].off + magics[i].len && memcmp(p + magics[i].off, magics[i].magic, magics[i].len) == 0)
            return true;
    return false;
}

static bool is_disk_image(const uint8_t *p, size_t n)
{
    return (n > 0x8006 && memcmp(p + 0x8001, "CD001", 5) == 0) || (n > 0x9006 && memcmp(p + 0x9001, "CD001", 5) == 0);
}

void archive_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r)
{
    const struct doc_limits *l = &run->ctx->limits;
    if (is_disk_image(p, n))
        report_reason(r, "disk-image", "ISO 9660 disk image");
    struct archive *a = archive_read_new();
    if (a == NULL)
        return;
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    archive_read_support_format_raw(a); /* a lone gzip/xz stream */
    if (archive_read_open_memory(a, p, n) != ARCHIVE_OK) {
        report_reason(r, "incomplete", "archive unreadable: %s", archive_error_string(a));
        archive_read_free(a);
        return;
    }
    struct archive_entry *e;
    size_t members = 0;
    int rc;
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname(e);
        if (name == NULL)
            name = "?";
        if (archive_entry_filetype(e) != AE_IFREG && archive_entry_filetype(e) != 0)
            continue;
        if (++members > l->max_members) {
            report_reason(r, "incomplete", "more than %zu members: the rest not inspected", l->max_members);
            break;
        }
        if (archive_entry_is_encrypted(e)) {
            report_reason(r, "archive-encrypted", "encrypted member %s", name);
            continue;
        }
        size_t cap = l->max_member_bytes;
        if (archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) < cap)
            cap = (size_t)archive_entry_size(e) + 1;
        uint8_t *buf = malloc(cap ? cap : 1);
        if (buf == NULL)
            break;
        size_t got = 0;
        bool cut = false;
        for (;;) {
            if (got == cap) {
                cut = true;
                break;
            }
            la_ssize_t k = archive_read_data(a, buf + got, cap - got);
            if (k <= 0) {
                if (k < 0)
                    report_reason(r, "incomplete", "member %s: %s", name, archive_error_string(a));
                break;
            }
            got += (size_t)k;
            if (run->unpacked + got > l->max_total_bytes || (n > 0 && (run->unpacked + got) / n > l->max_ratio &&
                                                              run->unpacked + got > (8u << 20))) {
                cut = true;
                break;
            }
        }
        run->unpacked += got;
        if (cut) {
            report_reason(r, "incomplete", "member %s cut at %zu bytes (size, ratio or total bound: a bomb?)", name,
                          got);
        }
        if (filetype_runnable(name, buf, got))
            report_reason(r, "archive-executable", "runnable member %s", name);
        doc_inspect_member(run, name, buf, got, r);
        free(buf);
        if (cut && run->unpacked >= l->max_total_bytes)
            break;
    }
    if (rc == ARCHIVE_FATAL)
        report_reason(r, "incomplete", "archive damaged: %s", archive_error_string(a));
    archive_read_free(a);
}
