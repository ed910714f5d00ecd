/* OLE2 compound files (MS-CFB): the header, the FAT through the DIFAT,
 * the miniFAT, the directory tree; streams read by following their sector
 * chains. Every chain is checked for loops (a sector visited twice) and for
 * sectors outside the file; a broken structure stops at the damage with the
 * reason `incomplete`. On top: VBA projects (MS-OVBA dir stream and module
 * sources), Excel 4 macro sheets, embedded objects and packages, and
 * encryption. */
#include "doc/doc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OLE_FREE 0xFFFFFFFFu
#define OLE_END 0xFFFFFFFEu
#define OLE_MAX_SECTORS (1u << 24)      /* 8 GiB of 512-byte sectors: more is a lie */
#define OLE_MAX_ENTRIES 65536
#define OLE_MAX_STREAM (64u << 20)
#define VBA_MAX_SOURCE (4u << 20)
#define VBA_MAX_MODULES 256

enum { ENTRY_STORAGE = 1, ENTRY_STREAM = 2, ENTRY_ROOT = 5 };

struct ole_entry {
    char name[64];          /* UTF-16 name, ASCII-folded (others become '?') */
    uint8_t type;
    uint32_t left, right, child, start;
    uint64_t size;
    uint32_t parent;        /* OLE_FREE for the root or an unreachable entry */
};

struct ole {
    const uint8_t *p;
    size_t n;
    uint32_t sector_size, mini_size, cutoff;
    uint32_t n_sectors;
    uint32_t *fat;
    uint32_t n_fat;
    uint32_t *minifat;
    uint32_t n_minifat;
    struct ole_entry *ent;
    uint32_t n_ent, cap_ent;
    uint8_t *ministream;
    size_t ministream_n;
    bool damaged;
    char damage[96];
};

bool ole2_is(const uint8_t *p, size_t n)
{
    static const uint8_t sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    return n >= 512 && memcmp(p, sig, 8) == 0;
}

static void damage(struct ole *o, const char *what)
{
    if (!o->damaged)
        snprintf(o->damage, sizeof o->damage, "%s", what);
    o->damaged = true;
}

static const uint8_t *sector(const struct ole *o, uint32_t s)
{
    uint64_t off = ((uint64_t)s + 1) * o->sector_size;
    if (s >= o->n_sectors || off + o->sector_size > o->n)
        return NULL;
    return o->p + off;
}

/* Follows a chain through table (FAT or miniFAT) from start, calling back
 * with each unit's index; stops on a loop, an index out of the table, or
 * when limit units were visited. */
typedef bool (*unit_fn)(struct ole *o, uint32_t unit, void *ctx);

static bool walk_chain(struct ole *o, const uint32_t *table, uint32_t n_table, uint32_t start, uint64_t limit,
                       unit_fn fn, void *ctx)
{
    uint8_t *seen = calloc((n_table + 7) / 8 + 1, 1);
    if (seen == NULL) {
        damage(o, "out of memory");
        return false;
    }
    uint32_t s = start;
    uint64_t count = 0;
    bool ok = true;
    while (s != OLE_END && count < limit) {
        if (s >= n_table) {
            damage(o, "sector chain points outside the file");
            ok = false;
            break;
        }
        if (seen[s / 8] & (1u << (s % 8))) {
            damage(o, "sector chain loops back");
            ok = false;
            break;
        }
        seen[s / 8] |= (uint8_t)(1u << (s % 8));
        if (!fn(o, s, ctx)) {
            ok = false;
            break;
        }
        s = table[s];
        count++;
    }
    free(seen);
    return ok;
}

struct collect {
    uint8_t *buf;
    size_t len, cap;
    bool mini;
};

static bool collect_unit(struct ole *o, uint32_t unit, void *ctx)
{
    struct collect *c = ctx;
    const uint8_t *src;
    size_t unit_size;
    if (c->mini) {
        unit_size = o->mini_size;
        uint64_t off = (uint64_t)unit * o->mini_size;
        if (off + unit_size > o->ministream_n) {
            damage(o, "mini sector outside the mini stream");
            return false;
        }
        src = o->ministream + off;
    } else {
        unit_size = o->sector_size;
        src = sector(o, unit);
        if (src == NULL) {
            damage(o, "sector outside the file");
            return false;
        }
    }
    size_t k = c->cap - c->len < unit_size ? c->cap - c->len : unit_size;
    memcpy(c->buf + c->len, src, k);
    c->len += k;
    return c->len < c->cap;
}

/* Reads a chain of the FAT (mini false) or miniFAT into a new buffer of at
 * most size bytes. */
static uint8_t *read_chain(struct ole *o, uint32_t start, uint64_t size, bool mini, size_t *out_n)
{
    if (size > OLE_MAX_STREAM) {
        damage(o, "stream larger than the inspection bound");
        size = OLE_MAX_STREAM;
    }
    if (size > o->n) /* no stream holds more than the file */
        size = o->n;
    struct collect c = {malloc(size ? size : 1), 0, size, mini};
    if (c.buf == NULL)
        return NULL;
    if (size > 0) {
        if (mini)
            walk_chain(o, o->minifat, o->n_minifat, start, o->n_minifat, collect_unit, &c);
        else
            walk_chain(o, o->fat, o->n_fat, start, o->n_fat, collect_unit, &c);
    }
    *out_n = c.len;
    return c.buf;
}

static uint8_t *read_stream(struct ole *o, const struct ole_entry *e, size_t *out_n)
{
    bool mini = e->size < o->cutoff && e->type != ENTRY_ROOT;
    return read_chain(o, e->start, e->size, mini, out_n);
}

static bool load_fat(struct ole *o)
{
    const uint8_t *h = o->p;
    uint32_t n_fat_sectors = le32(h + 0x2C);
    uint32_t difat_start = le32(h + 0x44);
    uint32_t n_difat = le32(h + 0x48);
    uint32_t per = o->sector_size / 4;
    if (n_fat_sectors > o->n_sectors) {
        damage(o, "more FAT sectors than the file holds");
        n_fat_sectors = o->n_sectors;
    }
    o->fat = malloc(((size_t)n_fat_sectors * per + 1) * sizeof *o->fat);
    if (o->fat == NULL)
        return false;
    uint32_t got = 0;
    uint32_t difat_sector = difat_start;
    uint32_t difat_seen = 0;
    for (uint32_t i = 0; got < n_fat_sectors; i++) {
        uint32_t fs;
        if (i < 109) {
            fs = le32(h + 0x4C + 4 * i);
        } else {
            uint32_t k = (i - 109) % (per - 1);
            if (k == 0 && i > 109) {
                const uint8_t *d = sector(o, difat_sector);
                difat_sector = d ? le32(d + 4 * (per - 1)) : OLE_END;
                if (++difat_seen > n_difat || difat_seen > o->n_sectors) {
                    damage(o, "DIFAT chain longer than declared (loop)");
                    break;
                }
            }
            const uint8_t *d = sector(o, difat_sector);
            if (d == NULL) {
                damage(o, "DIFAT sector outside the file");
                break;
            }
            fs = le32(d + 4 * k);
        }
        const uint8_t *fsec = sector(o, fs);
        if (fsec == NULL) {
            damage(o, "FAT sector outside the file");
            break;
        }
        for (uint32_t j = 0; j < per; j++)
            o->fat[got * per + j] = le32(fsec + 4 * j);
        got++;
    }
    o->n_fat = got * per;
    return true;
}

static void fold_name(const uint8_t *p, unsigned len_bytes, char out[64])
{
    unsigned k = 0;
    if (len_bytes > 64)
        len_bytes = 64;
    for (unsigned i = 0; i + 1 < len_bytes && k < 63; i += 2) {
        uint16_t c = le16(p + i);
        if (c == 0)
            break;
        out[k++] = c < 0x80 && c >= 0x20 ? (char)c : c < 0x20 ? (char)('0' + c % 10) : '?';
    }
    out[k] = 0;
}

static bool add_entry(struct ole *o, uint32_t unit, void *ctx)
{
    (void)ctx;
    const uint8_t *s = sector(o, unit);
    if (s == NULL) {
        damage(o, "directory sector outside the file");
        return false;
    }
    for (uint32_t off = 0; off + 128 <= o->sector_size; off += 128) {
        if (o->n_ent >= OLE_MAX_ENTRIES) {
            damage(o, "too many directory entries");
            return false;
        }
        if (o->n_ent == o->cap_ent) {
            uint32_t cap = o->cap_ent ? o->cap_ent * 2 : 64;
            struct ole_entry *grown = realloc(o->ent, cap * sizeof *grown);
            if (grown == NULL) {
                damage(o, "out of memory");
                return false;
            }
            o->ent = grown;
            o->cap_ent = cap;
        }
        const uint8_t *d = s + off;
        struct ole_entry *e = &o->ent[o->n_ent++];
        fold_name(d, le16(d + 0x40), e->name);
        e->type = d[0x42];
        e->left = le32(d + 0x44);
        e->right = le32(d + 0x48);
        e->child = le32(d + 0x4C);
        e->start = le32(d + 0x74);
        e->size = le32(d + 0x78);
        e->parent = OLE_FREE;
    }
    return true;
}

/* Parents from the red-black trees of each storage; an entry reached twice
 * is a loop and is not followed again. */
static void link_parents(struct ole *o)
{
    if (o->n_ent == 0)
        return;
    uint32_t *stack = malloc(o->n_ent * sizeof *stack * 2 + 8);
    uint8_t *seen = calloc(o->n_ent, 1);
    if (stack == NULL || seen == NULL) {
        free(stack);
        free(seen);
        return;
    }
    size_t sp = 0;
    seen[0] = 1;
    /* (entry, parent storage) pairs */
    if (o->ent[0].child < o->n_ent) {
        stack[sp++] = o->ent[0].child;
        stack[sp++] = 0;
    }
    while (sp > 0) {
        uint32_t parent = stack[--sp];
        uint32_t i = stack[--sp];
        if (i >= o->n_ent)
            continue;
        if (seen[i]) {
            damage(o, "directory tree loops back");
            continue;
        }
        seen[i] = 1;
        struct ole_entry *e = &o->ent[i];
        e->parent = parent;
        uint32_t next[3][2] = {{e->left, parent}, {e->right, parent}, {e->child, i}};
        for (int k = 0; k < 3; k++) {
            if (next[k][0] < o->n_ent && !seen[next[k][0]] && sp + 2 <= o->n_ent * 2 + 8) {
                stack[sp++] = next[k][0];
                stack[sp++] = next[k][1];
            }
        }
    }
    free(stack);
    free(seen);
}

static bool ole_open(struct ole *o, const uint8_t *p, size_t n)
{
    memset(o, 0, sizeof *o);
    o->p = p;
    o->n = n;
    unsigned shift = le16(p + 0x1E), mshift = le16(p + 0x20);
    if ((shift != 9 && shift != 12) || mshift != 6) {
        damage(o, "unsupported sector size");
        return false;
    }
    o->sector_size = 1u << shift;
    o->mini_size = 1u << mshift;
    o->cutoff = le32(p + 0x38);
    uint64_t ns = n / o->sector_size;
    o->n_sectors = ns > 0 ? (uint32_t)(ns - 1 > OLE_MAX_SECTORS ? OLE_MAX_SECTORS : ns - 1) : 0;
    if (!load_fat(o))
        return false;
    walk_chain(o, o->fat, o->n_fat, le32(p + 0x30), o->n_fat, add_entry, NULL);
    if (o->n_ent == 0 || o->ent[0].type != ENTRY_ROOT) {
        damage(o, "no root directory entry");
        return false;
    }
    /* the miniFAT, then the mini stream (the root entry's data) */
    size_t mf_n = 0;
    uint8_t *mf = read_chain(o, le32(p + 0x3C), (uint64_t)le32(p + 0x40) * o->sector_size, false, &mf_n);
    if (mf != NULL) {
        o->n_minifat = (uint32_t)(mf_n / 4);
        o->minifat = malloc((o->n_minifat + 1) * sizeof *o->minifat);
        for (uint32_t i = 0; o->minifat != NULL && i < o->n_minifat; i++)
            o->minifat[i] = le32(mf + 4 * i);
        free(mf);
    }
    o->ministream = read_stream(o, &o->ent[0], &o->ministream_n);
    link_parents(o);
    return true;
}

static void ole_close(struct ole *o)
{
    free(o->fat);
    free(o->minifat);
    free(o->ent);
    free(o->ministream);
}

static bool name_is(const struct ole_entry *e, const char *name) { return strcasecmp(e->name, name) == 0; }

static const struct ole_entry *find_child(const struct ole *o, uint32_t parent, const char *name)
{
    for (uint32_t i = 0; i < o->n_ent; i++)
        if (o->ent[i].parent == parent && o->ent[i].type != 0 && name_is(&o->ent[i], name))
            return &o->ent[i];
    return NULL;
}

/* ---- VBA (MS-OVBA 2.3.4.2: the dir stream) ---- */

struct vba_module {
    char stream[64];
    uint32_t offset;
};

static size_t parse_dir(const uint8_t *d, size_t n, struct vba_module *mods, size_t cap)
{
    size_t count = 0, i = 0;
    while (i + 6 <= n) {
        uint16_t id = le16(d + i);
        uint32_t size = le32(d + i + 2);
        i += 6;
        if (id == 0x0009) /* PROJECTVERSION: its size field lies (MS-OVBA 2.3.4.2.1.11) */
            size = 6;
        if (size > n - i)
            break;
        const uint8_t *v = d + i;
        if (id == 0x001A && count < cap) { /* MODULESTREAMNAME (MBCS) starts a module */
            size_t k = size < 63 ? size : 63;
            memcpy(mods[count].stream, v, k);
            mods[count].stream[k] = 0;
            mods[count].offset = 0;
            count++;
        } else if (id == 0x0031 && size == 4 && count > 0) { /* MODULEOFFSET */
            mods[count - 1].offset = le32(v);
        }
        i += size;
    }
    return count;
}

static void inspect_vba(struct doc_run *run, struct ole *o, uint32_t vba_storage, const char *where,
                        struct doc_report *r)
{
    const struct ole_entry *dir = find_child(o, vba_storage, "dir");
    if (dir == NULL)
        return;
    size_t dn = 0;
    uint8_t *raw = read_stream(o, dir, &dn);
    size_t pn = 0;
    uint8_t *plain = raw ? ovba_decompress(raw, dn, 1u << 20, &pn) : NULL;
    free(raw);
    if (plain == NULL) {
        report_reason(r, "vba-macro", "VBA project in %s (dir stream unreadable)", where);
        report_reason(r, "incomplete", "VBA dir stream could not be decompressed");
        return;
    }
    struct vba_module mods[VBA_MAX_MODULES];
    size_t nm = parse_dir(plain, pn, mods, VBA_MAX_MODULES);
    free(plain);
    size_t with_code = 0;
    for (size_t m = 0; m < nm; m++) {
        const struct ole_entry *ms = find_child(o, vba_storage, mods[m].stream);
        if (ms == NULL)
            continue;
        size_t sn = 0;
        uint8_t *s = read_stream(o, ms, &sn);
        if (s == NULL)
            continue;
        size_t cn = 0;
        uint8_t *code = mods[m].offset < sn ? ovba_decompress(s + mods[m].offset, sn - mods[m].offset,
                                                              VBA_MAX_SOURCE, &cn)
                                            : NULL;
        free(s);
        if (code == NULL) {
            report_reason(r, "incomplete", "VBA module %s could not be decompressed", mods[m].stream);
            continue;
        }
        /* a module of attribute lines only holds no code */
        bool has_code = false;
        for (size_t i = 0; i < cn && !has_code;) {
            size_t e = i;
            while (e < cn && code[e] != '\n')
                e++;
            size_t a = i;
            while (a < e && (code[a] == ' ' || code[a] == '\t' || code[a] == '\r'))
                a++;
            if (a < e && !(e - a >= 10 && memcmp(code + a, "Attribute ", 10) == 0))
                has_code = true;
            i = e + 1;
        }
        if (has_code) {
            with_code++;
            keywords_scan(run->ctx->keywords, code, cn, mods[m].stream, r);
        }
        free(code);
    }
    report_reason(r, "vba-macro", "VBA project in %s: %zu module(s), %zu with code", where, nm, with_code);
}

/* ---- Excel: BIFF records of the Workbook stream ---- */

static void inspect_biff(const uint8_t *b, size_t n, struct doc_report *r)
{
    size_t i = 0, macro_sheets = 0;
    while (i + 4 <= n) {
        uint16_t id = le16(b + i), len = le16(b + i + 2);
        const uint8_t *v = b + i + 4;
        if ((size_t)len > n - i - 4)
            break;
        if (id == 0x0085 && len >= 6 && v[5] == 0x01) /* BOUNDSHEET, dt = macro sheet */
            macro_sheets++;
        if (id == 0x002F) /* FILEPASS */
            report_reason(r, "encrypted", "workbook is password-encrypted (FILEPASS)");
        i += 4 + (size_t)len;
    }
    if (macro_sheets > 0)
        report_reason(r, "xlm-macro", "%zu Excel 4.0 macro sheet(s)", macro_sheets);
}

/* ---- PowerPoint: records of the "PowerPoint Document" stream ---- */

#define PPT_MAX_DEPTH 8

struct ppt_found {
    size_t objects;
    bool encrypted;
};

static void walk_ppt(const uint8_t *b, size_t n, unsigned depth, struct ppt_found *f)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint16_t ver_inst = le16(b + i), type = le16(b + i + 2);
        uint32_t len = le32(b + i + 4);
        size_t body = n - i - 8 < len ? n - i - 8 : len;
        if (type == 0x1011) /* ExOleObjStg: an embedded OLE object's storage */
            f->objects++;
        else if (type == 0x2F14) /* CryptSession10Container */
            f->encrypted = true;
        else if ((ver_inst & 0xF) == 0xF && depth < PPT_MAX_DEPTH)
            walk_ppt(b + i + 8, body, depth + 1, f);
        i += 8 + body;
    }
}

void ole2_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r)
{
    struct ole o;
    if (!ole_open(&o, p, n)) {
        report_reason(r, "incomplete", "OLE2 structure unreadable: %s", o.damage);
        ole_close(&o);
        return;
    }
    for (uint32_t i = 0; i < o.n_ent; i++) {
        const struct ole_entry *e = &o.ent[i];
        if (e->type == 0)
            continue;
        if (e->type == ENTRY_STREAM && name_is(e, "dir")) {
            uint32_t storage = e->parent;
            const char *where = storage < o.n_ent ? o.ent[storage].name : "?";
            inspect_vba(run, &o, storage, where, r);
        } else if (e->type == ENTRY_STREAM && name_is(e, "1Ole10Native")) {
            report_reason(r, "ole-package", "embedded file (Ole10Native stream)");
        } else if (e->type == ENTRY_STREAM && name_is(e, "Equation Native")) {
            report_reason(r, "equation-editor", "Equation Editor 3.0 object (CVE-2017-11882, CVE-2018-0802)");
        } else if (e->type == ENTRY_STORAGE && name_is(e, "ObjectPool")) {
            report_reason(r, "ole-object", "embedded OLE objects (ObjectPool)");
        } else if (e->type == ENTRY_STORAGE && strncmp(e->name, "MBD", 3) == 0) {
            report_reason(r, "ole-object", "embedded OLE object storage %s", e->name);
        } else if (e->type == ENTRY_STREAM && name_is(e, "EncryptedPackage")) {
            report_reason(r, "encrypted", "encrypted Office package (EncryptedPackage)");
        } else if (e->type == ENTRY_STREAM && name_is(e, "EncryptedSummary")) {
            report_reason(r, "encrypted", "encrypted document properties (EncryptedSummary)");
        } else if (e->type == ENTRY_STREAM && (name_is(e, "Workbook") || name_is(e, "Book"))) {
            size_t bn = 0;
            uint8_t *b = read_stream(&o, e, &bn);
            if (b != NULL)
                inspect_biff(b, bn, r);
            free(b);
        } else if (e->type == ENTRY_STREAM && name_is(e, "PowerPoint Document")) {
            size_t pn = 0;
            uint8_t *pp = read_stream(&o, e, &pn);
            struct ppt_found f = {0, false};
            if (pp != NULL)
                walk_ppt(pp, pn, 0, &f);
            free(pp);
            if (f.objects > 0)
                report_reason(r, "ole-object", "%zu embedded OLE object(s) in the presentation", f.objects);
            if (f.encrypted)
                report_reason(r, "encrypted", "presentation is password-encrypted");
        } else if (e->type == ENTRY_STREAM && name_is(e, "WordDocument")) {
            size_t wn = 0;
            uint8_t *w = read_stream(&o, e, &wn);
            if (w != NULL && wn >= 12 && (le16(w + 0x0A) & 0x0100)) /* FIB fEncrypted */
                report_reason(r, "encrypted", "Word document is password-encrypted");
            free(w);
        }
    }
    if (o.damaged)
        report_reason(r, "incomplete", "OLE2 structure damaged: %s", o.damage);
    ole_close(&o);
}
