/* MIME: one message (RFC 2045/2046/2231) read line by line as Zeek's
 * MIME_Entity reads it: headers with folding, nested multiparts,
 * message/rfc822, base64 and quoted-printable. The parser owns no
 * transport: SMTP DATA, an HTTP multipart body or a mail file feeds it
 * lines, and it hands back headers, decoded entity bytes and entity ends
 * through hooks. Everything is fixed-size; a cap hit is reported through
 * the weird hook and parsing goes on. Nothing is allocated. */
#ifndef VIGIL_MIME_MIME_H
#define VIGIL_MIME_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One header, folded lines joined (Zeek's MIME::max_header_bytes role). */
#define MIME_MAX_HEADER_BYTES (16 * 1024)
/* Headers per entity; later ones are ignored (weird). */
#define MIME_MAX_HEADERS 1024
/* Nesting of entities (Zeek's MIME::max_depth, lowered); deeper content
 * is skipped (weird exceeded_mime_max_depth). */
#define MIME_MAX_DEPTH 20
/* Multipart boundary bytes kept (RFC 2046 allows 70). */
#define MIME_MAX_BOUNDARY 256
/* Filename bytes kept per entity. */
#define MIME_MAX_FILENAME 256

enum mime_kind { MIME_MULTIPART, MIME_MESSAGE, MIME_TEXT, MIME_OTHER };
enum mime_encoding { ENC_7BIT, ENC_8BIT, ENC_BINARY, ENC_QP, ENC_BASE64, ENC_OTHER };

struct mime_entity {
    enum mime_kind kind;
    enum mime_encoding encoding;
    bool html;              /* text/html */
    bool in_header;
    bool end_of_data;
    bool has_child;         /* ent[level + 1] is this entity's current child */
    bool delay_crlf;        /* Zeek's delay_adding_implicit_CRLF */
    bool has_boundary;
    unsigned n_headers;
    size_t boundary_len;
    uint8_t boundary[MIME_MAX_BOUNDARY];
    /* Zeek's name: Content-Disposition filename or Content-Type name. */
    bool has_filename;
    size_t filename_len;
    uint8_t filename[MIME_MAX_FILENAME];
    /* Suricata's name (email.attachment, fileinfo.filename): Content-
     * Disposition's filename parameter (RFC 2231 sections joined), else
     * Content-Type's name. */
    bool has_eve_filename, eve_filename_from_disposition;
    size_t eve_filename_len;
    uint8_t eve_filename[MIME_MAX_FILENAME];
    uint8_t b64_quad[4];
    unsigned b64_n;
    bool b64_reported;
};

/* What the parser hands back; every hook may be NULL. `level` is the
 * entity's depth (0: the message). Pointers are valid during the call. */
struct mime_hooks {
    void *ctx;
    void (*weird)(void *ctx, const char *name, const char *addl);
    /* Every header of every entity, after the parser read what it needs. */
    void (*header)(void *ctx, unsigned level, const uint8_t *name, size_t name_len, const uint8_t *value,
                   size_t value_len);
    /* A child entity starts at `level` (its headers follow). */
    void (*entity_begin)(void *ctx, unsigned level);
    /* Decoded bytes of a leaf entity (text or other), in order. */
    void (*data)(void *ctx, unsigned level, const struct mime_entity *e, const uint8_t *p, size_t n);
    /* The entity ended (its children first); called once per entity. */
    void (*entity_end)(void *ctx, unsigned level, const struct mime_entity *e);
};

struct mime_parser {
    struct mime_hooks hooks;
    struct mime_entity ent[MIME_MAX_DEPTH + 1];
    /* Entities begun since the owner last reset it (SMTP: per transaction;
     * the message's own headers are those read while it is 1). */
    unsigned entity_count;
    bool hdr_active, hdr_cap_reported;
    size_t hdr_len;
    uint8_t hdr[MIME_MAX_HEADER_BYTES];
    size_t out_len;
    uint8_t out[512];
};

void mime_init(struct mime_parser *m, const struct mime_hooks *hooks);
/* A new message starts (entity 0 in its headers). */
void mime_begin(struct mime_parser *m);
/* One line of the message without its line end; eol false for a piece of
 * a line cut by the caller, cont true for the pieces after the first. */
void mime_line(struct mime_parser *m, const uint8_t *p, size_t n, bool eol, bool cont);
/* The message ended: every open entity is ended, innermost first. */
void mime_end(struct mime_parser *m);
/* True while the message's own header block is being read. */
bool mime_in_message_header(const struct mime_parser *m);
/* True while the next body line goes to a named part (an attachment) in
 * base64 or quoted-printable: where Suricata checks RFC 2045's 76-byte
 * limit on encoded lines. */
bool mime_in_encoded_attachment(const struct mime_parser *m);

#endif
