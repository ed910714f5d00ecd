/* incident/report_html: OUTDIR/report.html, one self-contained page (no
 * network fetch: inline CSS, inline script, charts drawn as inline SVG)
 * that a response team opens from a USB stick: a one-minute summary, the
 * incidents, per incident its timeline, kill-chain stages, beacon interval
 * histograms, bytes out per hour, the mail and documents involved, the
 * evidence with uids; shared infrastructure, the device inventory and the
 * top talkers to the outside. Tables sort (click a header) and filter. */
#ifndef VIGIL_INCIDENT_REPORT_HTML_H
#define VIGIL_INCIDENT_REPORT_HTML_H

#include <stddef.h>

#include "incident/correlate.h"

struct report_meta {
    const char *title;          /* NULL: "Vigil incident report" */
    const char *const *inputs;  /* what was read, for the page footer */
    size_t n_inputs;
};

/* 0, or -1 with a one-line reason. */
int report_html_write(const struct correlator *c, const struct report_meta *m, const char *path, char *err,
                      size_t errlen);

#endif
