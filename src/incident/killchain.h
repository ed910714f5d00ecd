/* incident/killchain: which kill-chain stage and ATT&CK tactic an event
 * belongs to, read from a data file (data/incident/killchain.map) so that a
 * new detector, rule set or feed is mapped by adding lines, not C.
 *
 * One rule per line, '#' starts a comment, fields separated by blanks:
 *     FIELD  PATTERN  STAGE  TACTIC  [TECHNIQUE]
 * FIELD is what of the event is matched: notice|kind (the notice name or
 * finding kind), sid (a number or a range A-B), category (alert category;
 * '_' in the pattern stands for a blank), technique (ATT&CK id), where
 * (intel seen.where), cve (any CVE present: pattern '*'), source (log name).
 * PATTERN is exact, or a prefix when it ends in '*'; matching ignores case.
 * STAGE is delivery|exploitation|installation|command_and_control|
 * actions_on_objectives|none. TECHNIQUE fills the event's technique when
 * the source gave none. The first rule that matches wins, in file order. */
#ifndef VIGIL_INCIDENT_KILLCHAIN_H
#define VIGIL_INCIDENT_KILLCHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "incident/event.h"

struct killchain_map;

/* The caller frees the map with killchain_free(); NULL with "FILE:LINE:
 * reason" in err. killchain_parse reads text (n bytes, called name) instead. */
struct killchain_map *killchain_load(const char *path, char *err, size_t errlen);
struct killchain_map *killchain_parse(const char *text, size_t n, const char *name, char *err, size_t errlen);
void killchain_free(struct killchain_map *m);
size_t killchain_rules(const struct killchain_map *m);

/* Sets ev->stage, ev->tactic and (when empty) ev->technique; returns false
 * when no rule matched (the event is then KC_NONE). */
bool killchain_classify(const struct killchain_map *m, struct incident_event *ev);

/* Static strings. */
const char *kc_stage_name(enum kc_stage s);            /* "command_and_control" */
const char *kc_stage_label(enum kc_stage s);           /* "Command and control" */
bool kc_stage_parse(const char *s, enum kc_stage *out);



/* Where the shipped map is: data/incident/killchain.map under the roots
 * util/datadir searches ($VIGIL_DATA_DIR first). False when none is
 * readable. */
bool killchain_default_path(char *out, size_t n);

#endif
