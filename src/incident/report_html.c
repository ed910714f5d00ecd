#include "incident/report_html.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if ((unsigned char)*s < 0x20)
                fputc(' ', f);
            else
                fputc(*s, f);
        }
    }
}

/* One table cell holding text (escaped), in <code> when code. */
static void td(FILE *f, const char *text, bool code)
{
    fputs(code ? "<td><code>" : "<td>", f);
    esc(f, text);
    fputs(code ? "</code></td>" : "</td>", f);
}

static void fmt_time(int64_t us, char *out, size_t n)
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm = {0};
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static void fmt_bytes(uint64_t b, char *out, size_t n)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = (double)b;
    unsigned u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    snprintf(out, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static const char *stage_color(enum kc_stage s)
{
    static const char *const colors[KC_STAGE_COUNT] = {"#999", "#1f77b4", "#d62728", "#9467bd", "#ff7f0e",
                                                       "#8c564b"};
    return s < KC_STAGE_COUNT ? colors[s] : "#999";
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>%s</title>\n<style>\n"
    "body{font:14px/1.4 system-ui,sans-serif;margin:0 2em 3em;color:#222}\n"
    "h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}\n"
    "table{border-collapse:collapse;margin:.5em 0;width:100%%}th,td{border:1px solid #ddd;padding:3px 6px;"
    "text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3;cursor:pointer;user-select:none}th.sorted-asc::after{content:' \\25B2'}"
    "th.sorted-desc::after{content:' \\25BC'}\n"
    ".sev-critical{background:#7b0000;color:#fff}.sev-high{background:#d62728;color:#fff}"
    ".sev-medium{background:#ff9f1c}.sev-low{background:#ddd}\n"
    ".badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;margin:1px}\n"
    ".stage{display:inline-block;padding:2px 8px;margin:2px;border-radius:3px;color:#fff;font-size:12px}\n"
    ".stage.off{background:#eee!important;color:#999}\n"
    ".summary{font-size:16px;background:#f8f8f8;border-left:5px solid #d62728;padding:.6em 1em}\n"
    ".incident{border:1px solid #ccc;border-radius:6px;padding:0 1em 1em;margin:1.5em 0}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:1.5em}.charts figure{margin:0}figcaption{font-size:12px;color:#555}\n"
    "code{font-size:12px}.flag{color:#d62728;font-weight:bold}input.filter{margin:.3em 0;padding:3px;width:20em}\n"
    "</style></head><body>\n";

/* Sorting (numbers by data-v when present) and filtering, no library. */
static const char page_script[] =
    "<script>\n"
    "(function(){\n"
    "function key(td){var v=td.getAttribute('data-v');return v!==null?parseFloat(v):td.textContent.trim().toLowerCase();}\n"
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    " t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){\n"
    "  var asc=!th.classList.contains('sorted-asc');\n"
    "  t.querySelectorAll('th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc');});\n"
    "  th.classList.add(asc?'sorted-asc':'sorted-desc');\n"
    "  var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);\n"
    "  rows.sort(function(a,b){var x=key(a.cells[i]),y=key(b.cells[i]);return (x<y?-1:x>y?1:0)*(asc?1:-1);});\n"
    "  rows.forEach(function(r){body.appendChild(r);});});});});\n"
    "document.querySelectorAll('input.filter').forEach(function(inp){\n"
    " var t=document.getElementById(inp.getAttribute('data-table'));\n"
    " inp.addEventListener('input',function(){var q=inp.value.toLowerCase();\n"
    "  Array.prototype.forEach.call(t.tBodies[0].rows,function(r){\n"
    "   r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});});\n"
    "document.body.setAttribute('data-ready','1');\n"
    "})();\n</script>\n";

static void filter_box(FILE *f, const char *table)
{
    fprintf(f, "<input class=\"filter\" type=\"search\" placeholder=\"filter\" data-table=\"%s\">\n", table);
}

static void summary(FILE *f, const struct correlator *c)
{
    size_t n = correlator_incident_count(c);
    size_t by_sev[SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; i < n; i++)
        by_sev[correlator_incident(c, i)->severity]++;
    fprintf(f, "<h2 id=\"summary\">Summary</h2>\n<div class=\"summary\">\n");
    if (n == 0) {
        fprintf(f, "<p>No incident: no alert or finding reached a stage of an intrusion.</p>\n</div>\n");
        return;
    }
    fprintf(f, "<p><b>%zu compromised or attacked host%s</b>: %zu critical, %zu high, %zu medium, %zu low.</p>\n<ul>\n",
            n, n == 1 ? "" : "s", by_sev[SEV_CRITICAL], by_sev[SEV_HIGH], by_sev[SEV_MEDIUM], by_sev[SEV_LOW]);
    for (size_t i = 0; i < n && i < 5; i++) {
        const struct incident *inc = correlator_incident(c, i);
        char host[IP_ADDR_STRLEN], first[32], id[16], bytes[32];
        ip_addr_format(&inc->host, host, sizeof host);
        fmt_time(inc->first_us, first, sizeof first);
        fmt_bytes(inc->bytes_out, bytes, sizeof bytes);
        incident_format_id(inc->id, id, sizeof id);
        fprintf(f, "<li><a href=\"#%s\">%s</a>: <b>%s</b>", id, id, host);
        if (inc->device[0]) {
            fputs(" (", f);
            esc(f, inc->device);
            fputs(")", f);
        }
        fprintf(f, ", %s since %s UTC; reached ", incident_severity_name(inc->severity), first);
        bool any = false;
        for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++)
            if (inc->stage_events[s]) {
                fprintf(f, "%s%s", any ? ", " : "", kc_stage_label((enum kc_stage)s));
                any = true;
            }
        if (inc->bytes_out)
            fprintf(f, "; sent %s outside", bytes);
        fprintf(f, ".</li>\n");
    }
    fprintf(f, "</ul>\n<p>What to block now is in <code>block/</code> (nftables, DNS RPZ, Suricata, MISP, "
               "STIX), built from these incidents only.</p>\n</div>\n");
}

static void stages_line(FILE *f, const struct incident *inc)
{
    for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++)
        fprintf(f, "<span class=\"stage%s\" style=\"background:%s\">%s</span>", inc->stage_events[s] ? "" : " off",
                stage_color((enum kc_stage)s), kc_stage_label((enum kc_stage)s));
}

static void incident_table(FILE *f, const struct correlator *c)
{
    fprintf(f, "<h2 id=\"incidents\">Incidents</h2>\n");
    filter_box(f, "incident-table");
    fprintf(f, "<table class=\"sortable\" id=\"incident-table\"><thead><tr><th>id</th><th>severity</th>"
               "<th>score</th><th>host</th><th>device</th><th>stages</th><th>first seen</th><th>last seen</th>"
               "<th>events</th><th>bytes out</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < correlator_incident_count(c); i++) {
        const struct incident *inc = correlator_incident(c, i);
        char host[IP_ADDR_STRLEN], first[32], last[32], id[16], bytes[32];
        ip_addr_format(&inc->host, host, sizeof host);
        fmt_time(inc->first_us, first, sizeof first);
        fmt_time(inc->last_us, last, sizeof last);
        fmt_bytes(inc->bytes_out, bytes, sizeof bytes);
        incident_format_id(inc->id, id, sizeof id);
        fprintf(f, "<tr data-incident=\"%s\"><td><a href=\"#%s\">%s</a></td><td data-v=\"%d\"><span class=\"badge "
                   "sev-%s\">%s</span></td><td data-v=\"%u\">%u</td><td>%s</td><td>",
                id, id, id, (int)inc->severity, incident_severity_name(inc->severity),
                incident_severity_name(inc->severity), inc->score, inc->score, host);
        esc(f, inc->device);
        fprintf(f, "</td><td>");
        for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++)
            if (inc->stage_events[s])
                fprintf(f, "%s ", kc_stage_name((enum kc_stage)s));
        fprintf(f, "</td><td data-v=\"%lld\">%s</td><td data-v=\"%lld\">%s</td><td data-v=\"%llu\">%llu</td>"
                   "<td data-v=\"%llu\">%s</td></tr>\n",
                (long long)inc->first_us, first, (long long)inc->last_us, last, (unsigned long long)inc->events,
                (unsigned long long)inc->events, (unsigned long long)inc->bytes_out, bytes);
    }
    fprintf(f, "</tbody></table>\n");
}

#define CHART_W 640
#define CHART_H 170

/* One row per stage, a dot per kept evidence along time. */
static void timeline_chart(FILE *f, const struct incident *inc)
{
    double span = (double)(inc->last_us - inc->first_us);
    if (span <= 0)
        span = 1;
    int left = 150, width = CHART_W - left - 20, row = 26;
    fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
               "aria-label=\"timeline\">\n", CHART_W, row * (KC_STAGE_COUNT - 1) + 30);
    for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++) {
        int y = row * (int)(s - 1) + 15;
        fprintf(f, "<text x=\"0\" y=\"%d\" font-size=\"11\">%s</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                   "stroke=\"#eee\"/>\n", y + 4, kc_stage_label((enum kc_stage)s), left, y, left + width, y);
        if (inc->stage_events[s]) {
            double x1 = left + width * (double)(inc->stage_first[s] - inc->first_us) / span;
            double x2 = left + width * (double)(inc->stage_last[s] - inc->first_us) / span;
            fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"6\" "
                       "stroke-opacity=\"0.35\"/>\n", x1, y, x2 + 1, y, stage_color((enum kc_stage)s));
        }
    }
    for (unsigned i = 0; i < inc->n_evidence; i++) {
        const struct evidence *e = &inc->evidence[i];
        double x = left + width * (double)(e->ts_us - inc->first_us) / span;
        int y = row * (int)(e->stage - 1) + 15;
        char t[32];
        fmt_time(e->ts_us, t, sizeof t);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\"><title>%s ", x, y, stage_color(e->stage), t);
        esc(f, e->kind);
        fputs(": ", f);
        esc(f, e->reason);
        fprintf(f, "</title></circle>\n");
    }
    char a[32], b[32];
    fmt_time(inc->first_us, a, sizeof a);
    fmt_time(inc->last_us, b, sizeof b);
    int y = row * (KC_STAGE_COUNT - 1) + 20;
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text><text x=\"%d\" y=\"%d\" font-size=\"10\" "
               "text-anchor=\"end\">%s</text>\n</svg><figcaption>Timeline (UTC): each dot is a piece of evidence "
               "(hover for details)</figcaption></figure>\n", left, y, a, left + width, y, b);
}

static void bar_chart(FILE *f, const uint64_t *values, const char *const *labels, unsigned n, const char *color,
                      const char *caption)
{
    uint64_t max = 1;
    for (unsigned i = 0; i < n; i++)
        if (values[i] > max)
            max = values[i];
    int w = 300, h = 120, bw = n ? (w - 10) / (int)n : 1;
    if (bw < 1)
        bw = 1;
    fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n", w, h + 30);
    for (unsigned i = 0; i < n; i++) {
        int bh = (int)((double)values[i] * h / (double)max);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %llu</title></rect>\n",
                5 + (int)i * bw, h - bh, bw > 2 ? bw - 1 : bw, bh, color, labels[i], (unsigned long long)values[i]);
    }
    if (n)
        fprintf(f, "<text x=\"5\" y=\"%d\" font-size=\"10\">%s</text><text x=\"%d\" y=\"%d\" font-size=\"10\" "
                   "text-anchor=\"end\">%s</text>\n", h + 14, labels[0], w - 5, h + 14, labels[n - 1]);
    fprintf(f, "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/></svg><figcaption>", h, w, h);
    esc(f, caption);
    fprintf(f, "</figcaption></figure>\n");
}

static void beacon_charts(FILE *f, const struct incident *inc)
{
    char labels[INCIDENT_HIST_BINS][16];
    const char *lp[INCIDENT_HIST_BINS];
    for (unsigned i = 0; i < INCIDENT_HIST_BINS; i++) {
        unsigned long long lo = 1ull << i;
        if (lo < 60)
            snprintf(labels[i], sizeof labels[i], "%llus", lo);
        else if (lo < 3600)
            snprintf(labels[i], sizeof labels[i], "%llum", lo / 60);
        else
            snprintf(labels[i], sizeof labels[i], "%lluh", lo / 3600);
        lp[i] = labels[i];
    }
    for (unsigned k = 0; k < inc->n_beacons; k++) {
        const struct beacon_hist *b = &inc->beacons[k];
        unsigned lo = 0, hi = INCIDENT_HIST_BINS;
        while (lo < hi && b->bins[lo] == 0)
            lo++;
        while (hi > lo && b->bins[hi - 1] == 0)
            hi--;
        if (lo == hi)
            continue;
        lo = lo > 0 ? lo - 1 : 0;
        hi = hi < INCIDENT_HIST_BINS ? hi + 1 : hi;
        char peer[IP_ADDR_STRLEN], caption[128];
        ip_addr_format(&b->peer, peer, sizeof peer);
        snprintf(caption, sizeof caption, "Intervals between connections to %s (log scale bins)", peer);
        bar_chart(f, b->bins + lo, lp + lo, hi - lo, "#ff7f0e", caption);
    }
}

static void bytes_chart(FILE *f, const struct incident *inc)
{
    if (inc->n_hours == 0)
        return;
    enum { MAX_BARS = 96 };
    uint64_t v[MAX_BARS];
    char labels[MAX_BARS][24];
    const char *lp[MAX_BARS];
    unsigned start = inc->n_hours > MAX_BARS ? inc->n_hours - MAX_BARS : 0, n = 0;
    for (unsigned i = start; i < inc->n_hours; i++, n++) {
        v[n] = inc->hours[i].bytes;
        char t[32];
        fmt_time(inc->hours[i].hour * 3600 * 1000000ll, t, sizeof t);
        snprintf(labels[n], sizeof labels[n], "%.13s:00", t);
        lp[n] = labels[n];
    }
    bar_chart(f, v, lp, n, "#8c564b", "Bytes sent to external addresses, per hour with traffic (UTC)");
}

static void evidence_table(FILE *f, const struct incident *inc, const char *id)
{
    fprintf(f, "<table class=\"sortable\" id=\"ev-%s\"><thead><tr><th>time</th><th>stage</th><th>tactic</th>"
               "<th>technique</th><th>what</th><th>peer</th><th>uid</th><th>community id</th><th>file sha256</th>"
               "<th>sid / source</th><th>link</th></tr></thead><tbody>\n", id);
    for (unsigned i = 0; i < inc->n_evidence; i++) {
        const struct evidence *e = &inc->evidence[i];
        char t[32];
        fmt_time(e->ts_us, t, sizeof t);
        fprintf(f, "<tr><td data-v=\"%lld\">%s</td><td>%s</td>", (long long)e->ts_us, t, kc_stage_name(e->stage));
        td(f, e->tactic, false);
        td(f, e->technique, false);
        fputs("<td><b>", f);
        esc(f, e->kind);
        fputs("</b> ", f);
        esc(f, e->reason);
        fputs("</td>", f);
        td(f, e->peer, false);
        td(f, e->uid, true);
        td(f, e->community_id, true);
        td(f, e->file_hash, true);
        fputs("<td>", f);
        if (e->sid)
            fprintf(f, "%u ", e->sid);
        esc(f, e->rule_file[0] ? e->rule_file : e->source);
        fputs("</td>", f);
        td(f, e->link[0] ? e->link : "same host", false);
        fputs("</tr>\n", f);
    }
    fprintf(f, "</tbody></table>\n");
}

static void mail_and_documents(FILE *f, const struct incident *inc)
{
    bool any = false;
    for (unsigned i = 0; i < inc->n_evidence; i++) {
        const struct evidence *e = &inc->evidence[i];
        if (e->stage != KC_DELIVERY && strcmp(e->kind, "template_fetch") != 0)
            continue;
        if (!any)
            fprintf(f, "<h4>Mail and documents involved</h4>\n<ul>\n");
        any = true;
        char t[32];
        fmt_time(e->ts_us, t, sizeof t);
        fprintf(f, "<li>%s: <b>", t);
        esc(f, e->kind);
        fputs("</b> — ", f);
        esc(f, e->reason);
        if (e->file_hash[0]) {
            fputs(" <code>sha256 ", f);
            esc(f, e->file_hash);
            fputs("</code>", f);
        }
        fputs("</li>\n", f);
    }
    if (any)
        fprintf(f, "</ul>\n");
    for (unsigned i = 0; i < inc->n_templates; i++) {
        fputs(i ? ", " : "<p>Remote template host(s) named by the delivered document: <code>", f);
        esc(f, inc->templates[i]);
    }
    if (inc->n_templates)
        fputs("</code></p>\n", f);
}

static void incident_section(FILE *f, const struct correlator *c, const struct incident *inc)
{
    char host[IP_ADDR_STRLEN], id[16], first[32], last[32];
    ip_addr_format(&inc->host, host, sizeof host);
    incident_format_id(inc->id, id, sizeof id);
    fmt_time(inc->first_us, first, sizeof first);
    fmt_time(inc->last_us, last, sizeof last);
    fprintf(f, "<section class=\"incident\" id=\"%s\" data-incident=\"%s\">\n<h3>%s — %s <span class=\"badge sev-%s\">"
               "%s</span></h3>\n", id, id, id, host, incident_severity_name(inc->severity),
            incident_severity_name(inc->severity));
    fprintf(f, "<p>First seen %s UTC, last seen %s UTC; %llu events", first, last, (unsigned long long)inc->events);
    if (inc->device[0]) {
        fputs("; device: ", f);
        esc(f, inc->device);
        if (inc->device_flagged)
            fputs(" <span class=\"flag\">flagged vendor</span>", f);
    }
    fprintf(f, "%s.</p>\n<p>", inc->chained ? "; <b>the stages chain</b> (an entry was followed by what it led to)" : "");
    stages_line(f, inc);
    fprintf(f, "</p>\n<p>ATT&amp;CK: ");
    for (unsigned i = 0; i < inc->n_tactics; i++) {
        esc(f, inc->tactics[i]);
        fputs(i + 1 < inc->n_tactics ? ", " : "", f);
    }
    fputs(inc->n_techniques ? " — " : "", f);
    for (unsigned i = 0; i < inc->n_techniques; i++) {
        esc(f, inc->techniques[i]);
        fputs(i + 1 < inc->n_techniques ? ", " : "", f);
    }
    fprintf(f, "</p>\n<p>Events by kind: ");
    for (unsigned i = 0; i < inc->n_kinds; i++) {
        esc(f, inc->kinds[i].kind);
        fprintf(f, " %llu%s", (unsigned long long)inc->kinds[i].count, i + 1 < inc->n_kinds ? ", " : "");
    }
    if (inc->other_kinds)
        fprintf(f, ", other %llu", (unsigned long long)inc->other_kinds);
    fprintf(f, ".</p>\n");
    if (inc->n_related) {
        fputs("<p>Shares infrastructure with: ", f);
        for (unsigned i = 0; i < inc->n_related; i++) {
            char rid[16];
            incident_format_id(inc->related[i], rid, sizeof rid);
            fprintf(f, "<a href=\"#%s\">%s</a> ", rid, rid);
        }
        fputs("</p>\n", f);
    }
    (void)c;
    fprintf(f, "<div class=\"charts\">\n");
    timeline_chart(f, inc);
    beacon_charts(f, inc);
    bytes_chart(f, inc);
    fprintf(f, "</div>\n");
    mail_and_documents(f, inc);
    fprintf(f, "<h4>Evidence (%u kept of %llu events; the first of every stage always kept)</h4>\n", inc->n_evidence,
            (unsigned long long)inc->events);
    evidence_table(f, inc, id);
    fprintf(f, "</section>\n");
}

static void infra_section(FILE *f, const struct correlator *c)
{
    bool any = false;
    for (size_t i = 0; i < correlator_infra_count(c); i++) {
        const struct infra *x = correlator_infra(c, i);
        if (x->n_incidents < 2)
            continue;
        if (!any)
            fprintf(f, "<h2 id=\"infrastructure\">Shared infrastructure</h2>\n<table class=\"sortable\"><thead><tr>"
                       "<th>what</th><th>incidents</th><th>events</th></tr></thead><tbody>\n");
        any = true;
        fputs("<tr>", f);
        td(f, x->key, false);
        fputs("<td>", f);
        for (unsigned k = 0; k < x->n_incidents && k < INFRA_INCIDENT_CAP; k++) {
            char id[16];
            incident_format_id(x->incidents[k], id, sizeof id);
            fprintf(f, "<a href=\"#%s\">%s</a> ", id, id);
        }
        fprintf(f, "</td><td data-v=\"%llu\">%llu</td></tr>\n", (unsigned long long)x->events,
                (unsigned long long)x->events);
    }
    if (any)
        fprintf(f, "</tbody></table>\n");
}

static void device_section(FILE *f, const struct correlator *c)
{
    size_t n = correlator_asset_count(c);
    fprintf(f, "<h2 id=\"devices\">Device inventory</h2>\n");
    if (n == 0) {
        fprintf(f, "<p>No device inventory (assets.log) in the logs read.</p>\n");
        return;
    }
    filter_box(f, "device-table");
    fprintf(f, "<table class=\"sortable\" id=\"device-table\"><thead><tr><th>host</th><th>vendor</th><th>model</th>"
               "<th>type</th><th>flagged</th><th>why</th><th>incident</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const struct asset *a = correlator_asset_at(c, i);
        char host[IP_ADDR_STRLEN], id[16] = "";
        ip_addr_format(&a->host, host, sizeof host);
        const struct incident *inc = correlator_incident_of(c, &a->host);
        if (inc)
            incident_format_id(inc->id, id, sizeof id);
        fprintf(f, "<tr><td>%s</td>", host);
        td(f, a->vendor, false);
        td(f, a->model, false);
        td(f, a->type, false);
        fprintf(f, "<td>%s</td>", a->flagged ? "<span class=\"flag\">yes</span>" : "no");
        td(f, a->reason, false);
        fprintf(f, "<td>%s%s%s%s%s</td></tr>\n", id[0] ? "<a href=\"#" : "", id, id[0] ? "\">" : "", id,
                id[0] ? "</a>" : "");
    }
    fprintf(f, "</tbody></table>\n");
}

static void talkers_section(FILE *f, const struct correlator *c)
{
    struct talker top[20];
    size_t n = correlator_top_talkers(c, top, 20);
    fprintf(f, "<h2 id=\"talkers\">Top talkers to the outside</h2>\n");
    if (n == 0) {
        fprintf(f, "<p>No connection log read.</p>\n");
        return;
    }
    fprintf(f, "<table class=\"sortable\"><thead><tr><th>host</th><th>bytes out</th><th>connections</th>"
               "<th>incident</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        char host[IP_ADDR_STRLEN], bytes[32], id[16] = "";
        ip_addr_format(&top[i].host, host, sizeof host);
        fmt_bytes(top[i].bytes_out, bytes, sizeof bytes);
        const struct incident *inc = correlator_incident_of(c, &top[i].host);
        if (inc)
            incident_format_id(inc->id, id, sizeof id);
        fprintf(f, "<tr><td>%s</td><td data-v=\"%llu\">%s</td><td data-v=\"%llu\">%llu</td><td>%s</td></tr>\n", host,
                (unsigned long long)top[i].bytes_out, bytes, (unsigned long long)top[i].connections,
                (unsigned long long)top[i].connections, id);
    }
    fprintf(f, "</tbody></table>\n");
}

int report_html_write(const struct correlator *c, const struct report_meta *m, const char *path, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    const char *title = m && m->title ? m->title : "Vigil incident report";
    fprintf(f, page_head, "Vigil incident report");
    fputs("<h1>", f);
    esc(f, title);
    fputs("</h1>\n<p><a href=\"#summary\">Summary</a> · <a href=\"#incidents\">Incidents</a> · "
          "<a href=\"#devices\">Devices</a> · <a href=\"#talkers\">Top talkers</a></p>\n", f);
    summary(f, c);
    incident_table(f, c);
    for (size_t i = 0; i < correlator_incident_count(c); i++)
        incident_section(f, c, correlator_incident(c, i));
    infra_section(f, c);
    device_section(f, c);
    talkers_section(f, c);
    fputs("<hr><p style=\"font-size:12px;color:#666\">Generated by Vigil from ", f);
    for (size_t i = 0; m && i < m->n_inputs; i++) {
        esc(f, m->inputs[i]);
        fputs(i + 1 < m->n_inputs ? ", " : "", f);
    }
    fputs(". Times are UTC. Kill-chain stages from data/incident/killchain.map.</p>\n", f);
    fputs(page_script, f);
    fputs("</body></html>\n", f);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "%s: write error", path);
        return -1;
    }
    return 0;
}
