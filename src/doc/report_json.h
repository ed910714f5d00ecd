/* Reports as JSON: the shared object shape of `vigil inspect` and of mail
 * attachments, written with util/json.h. */
#ifndef VIGIL_DOC_REPORT_JSON_H
#define VIGIL_DOC_REPORT_JSON_H

#include "doc/report.h"
#include "util/json.h"

/* The members of one object: name_key ("file") holding r->name; verdict,
 * score, reasons, type, size, hashes, indicators (r's and its members',
 * and the file's SHA-256 when it is not clean), contents (members, nested).
 * The caller opens and closes the object. */
void doc_report_json_fields(struct json_writer *w, const struct doc_report *r, const char *name_key);
/* Writes `"reasons": [...]` for r. */
void doc_reasons_json(struct json_writer *w, const struct doc_report *r);

/* Writes `"indicators": [...]`: r's and its members' (each once), then
 * the SHA-256 of r (own_hash) and of its direct members when not clean. */
void doc_indicators_json(struct json_writer *w, const struct doc_report *r, bool own_hash);

#endif
