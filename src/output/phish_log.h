/* phish.log (Zeek TSV/JSON: one row per SMTP message judged) and the EVE
 * `phish` event, Vigil's own (the report of the phishing detector). */
#ifndef VIGIL_OUTPUT_PHISH_LOG_H
#define VIGIL_OUTPUT_PHISH_LOG_H

#include "detect/phish-t.h"
#include "output/output.h"

void output_phish(struct output_worker *w, const struct phish_record *m);

#endif
