/* incident/ingest: stored-log rows (hunt/logread) into the correlator.
 * Any alert source maps into the normalised event record here by field
 * names only — Zeek notice.log (any note: the kill-chain map decides),
 * intel.log, Vigil's finding logs, Suricata/Vigil EVE alerts — so a new
 * detector needs a line in data/incident/killchain.map, not code.
 *
 * The logs are read in passes so that context comes before what it
 * explains: (1) dns answers, the device inventory and the malicious
 * documents of files.log (a notice names its file by fuid), (2) Zeek-side alert
 * logs, (3) EVE alerts, (4) conn/flow and http rows (bytes out, beacon
 * intervals, popularity, template fetches). Vigil's own EVE alerts (sid
 * 9000000 and above) are skipped in pass 3 when pass 2 read Zeek-side
 * alert logs: they are the same alerts written twice. A signature alert is
 * written twice the other way round: its notice.log twin
 * (Signatures::Sensitive_Signature, no sid, category or metadata) is held
 * back in pass 2 and the EVE alert of the same time and addresses stands
 * for it in pass 3, whatever its sid (one without a twin stays skipped: it
 * carries nothing the map can place). */
#ifndef VIGIL_INCIDENT_INGEST_H
#define VIGIL_INCIDENT_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "hunt/logread.h"
#include "incident/correlate.h"
#include "util/hindex.h"

enum ingest_pass {
    INGEST_CONTEXT,        /* dns, assets */
    INGEST_ZEEK_ALERTS,    /* notice, intel, beacon, long_conn, dns_tunnel, dga, exfil */
    INGEST_EVE_ALERTS,     /* EVE alert */
    INGEST_TRAFFIC,        /* conn, flow, http */
    INGEST_PASS_COUNT,
};

/* Lowest sid of Vigil's own detectors (they also write Zeek-side logs). */
#define INGEST_VIGIL_SID_MIN 9000000u

/* Which rows of the context and traffic passes are read: Zeek's first,
 * then EVE's for the logs no Zeek row was found for (eve.json beside
 * Zeek logs holds the same transactions). */
enum ingest_source { INGEST_FROM_ZEEK, INGEST_FROM_EVE };

/* Signature notices held back for their EVE twin: a count per (time,
 * addresses) key, at most INGEST_MAX_SIG_TWINS keys (beyond, a notice is
 * correlated as it is). */
#define INGEST_MAX_SIG_TWINS (1u << 20)
struct sig_twin {
    uint64_t key;
    uint32_t pending;
};

/* A malicious document of files.log (EVE fileinfo): what its alert's
 * notice.log row, which names only the fuid, leaves out. At most
 * INGEST_MAX_DOC_FILES (beyond, a notice goes without them). */
#define INGEST_MAX_DOC_FILES (1u << 16)
struct doc_file {
    uint64_t key; /* hash of the fuid */
    char sha256[65];
    char template_host[EVENT_NAME_LEN];
};

struct ingest {
    struct correlator *c;
    enum ingest_source from;     /* set by the caller before each pass */
    bool zeek_has[5];            /* Zeek rows seen: dns, assets, conn, http, files */
    uint64_t alert_rows;         /* rows of alert logs read */
    uint64_t zeek_alert_rows;    /* of which from Zeek-side logs */
    uint64_t skipped_duplicates; /* Vigil's EVE alerts also in Zeek-side logs, signature notices with an EVE twin */
    struct sig_twin *twins;      /* signature notices waiting for their EVE alert */
    uint32_t n_twins, twins_cap;
    struct hindex twin_index;
    struct doc_file *docs;       /* malicious documents of files.log, by fuid */
    uint32_t n_docs, docs_cap;
    struct hindex doc_index;
};
/* Frees what the passes kept (the signature twins). */
void ingest_free(struct ingest *in);

/* The log names a pass reads (NULL-terminated, for logread_filter): a static
 * table; NULL for an unknown pass. */
const char *const *ingest_pass_logs(enum ingest_pass p);
void ingest_row(struct ingest *in, enum ingest_pass p, const struct log_row *r);

#endif
