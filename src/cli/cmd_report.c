/* vigil report LOGDIR... -o OUTDIR: incidents, report.html and block
 * lists from stored logs (incident/report.h does the work). */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/option_rules.h"
#include "cli/options.h"
#include "detect/allowlist.h"
#include "report/report.h"
#include "output/output.h"

#define REPORT_MAX_INPUTS 1024

static const char report_usage[] =
    "usage: vigil report LOGDIR... -o OUTDIR [OPTIONS]\n\n"
    "Correlates the alerts and findings of stored logs (Vigil's, or a Zeek + Suricata\n"
    "deployment's: notice, intel, beacon/long_conn/dns_tunnel/dga/exfil, eve.json alerts; with\n"
    "dns, conn, http and assets logs for context) into incidents along the kill chain, and writes\n"
    "OUTDIR/incident.log (+ EVE incident events), OUTDIR/report.html and OUTDIR/block/.\n"
    "Exit status: 0 ok, 1 some logs were damaged (read up to the damage), 2 usage or setup error.\n\n"
    "options:\n"
    "  -o, --output DIR         where incident.log, report.html and block/ go (default: .)\n"
    "      --format FMT         incident.log as zeek (TSV), json, eve (eve.json only) or all (default)\n"
    "      --killchain FILE     kill-chain map to use instead of data/incident/killchain.map\n"
    "      --allowlist FILE     never block what it allows (the behaviour detectors' format)\n"
    "      --force-block        also block internal addresses, resolvers and popular destinations\n"
    "      --popular-hosts N    a destination used by N internal hosts is never blocked (default 10)\n"
    "      --local-nets LIST    comma-separated CIDRs counted as internal, besides private space\n"
    "  -q, --quiet              no summary\n"
    "  -h, --help               this help\n";

enum { OPT_FORMAT = 256, OPT_KILLCHAIN, OPT_ALLOWLIST, OPT_FORCE, OPT_POPULAR, OPT_LOCAL_NETS };

static const struct option report_options_long[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"killchain", required_argument, NULL, OPT_KILLCHAIN},
    {"allowlist", required_argument, NULL, OPT_ALLOWLIST},
    {"force-block", no_argument, NULL, OPT_FORCE},
    {"popular-hosts", required_argument, NULL, OPT_POPULAR},
    {"local-nets", required_argument, NULL, OPT_LOCAL_NETS},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct report_cli {
    struct report_options ro;
    const char *inputs[REPORT_MAX_INPUTS];
    struct vigil_config local;           /* --local-nets, as read/live parse them */
    struct ip_prefix nets[VIGIL_MAX_LOCAL_NETS + 8];
    const char *allowlist_path;
    bool quiet;
};

#define FIELD(name) offsetof(struct report_cli, name)

static const struct option_rule report_rules[] = {
    {.id = 'o', .kind = RULE_STRING, .field = FIELD(ro.out_dir)},
    {.id = 'q', .kind = RULE_FLAG, .field = FIELD(quiet)},
    {.id = OPT_FORMAT, .kind = RULE_PARSE, .field = FIELD(ro.formats), .parse = option_formats,
     .error = "--format must be zeek, json, eve or all, not %s"},
    {.id = OPT_KILLCHAIN, .kind = RULE_STRING, .field = FIELD(ro.killchain_path)},
    {.id = OPT_ALLOWLIST, .kind = RULE_STRING, .field = FIELD(allowlist_path)},
    {.id = OPT_FORCE, .kind = RULE_FLAG, .field = FIELD(ro.force_block)},
    {.id = OPT_POPULAR, .kind = RULE_NUMBER, .field = FIELD(ro.popular_hosts), .min = 1, .max = 32,
     .width = OPTION_MEMBER_SIZE(struct report_cli, ro.popular_hosts), .error = "--popular-hosts must be 1..32, not %s"},
    {.id = OPT_LOCAL_NETS, .kind = RULE_PARSE, .field = FIELD(local), .parse = option_local_nets,
     .error = "bad --local-nets list: %s"},
};

static int usage(const char *what, const char *arg)
{
    fprintf(stderr, "vigil: report: %s%s (see 'vigil report --help')\n", what, arg);
    return EXIT_USAGE;
}

/* The option rules' error printer: report's own prefix and help pointer. */
static int report_usage_error(const char *fmt, const char *arg)
{
    char what[512];
    snprintf(what, sizeof what, fmt, arg);
    return usage(what, "");
}

void cli_help_report(void) { fputs(report_usage, stdout); }

/* Private space plus --local-nets; none given: the correlator's default,
 * which is exactly private space. */
static void set_internal_nets(struct report_cli *c)
{
    if (c->local.n_local_nets == 0)
        return;
    unsigned n = ip_private_prefixes(c->nets);
    for (unsigned i = 0; i < c->local.n_local_nets; i++)
        c->nets[n++] = c->local.local_nets[i];
    c->ro.n_local_nets = n;
}

/* -1 to go on, else an exit status. */
static int parse(struct report_cli *c, int argc, char **argv)
{
    c->ro.out_dir = ".";
    c->ro.formats = OUTPUT_ZEEK_TSV | OUTPUT_EVE;
    c->ro.local_nets = c->nets;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:qh", report_options_long, NULL)) != -1) {
        if (ch == 'h') {
            cli_help_report();
            return EXIT_OK;
        }
        int rc = option_rules_apply(report_rules, sizeof report_rules / sizeof report_rules[0], ch, optarg, c,
                                    report_usage_error);
        if (rc == OPTION_RULE_NONE)
            return usage("unknown option", "");
        if (rc != OPTION_RULE_APPLIED)
            return rc;
    }
    for (int i = optind; i < argc; i++) {
        if (c->ro.n_paths >= REPORT_MAX_INPUTS)
            return usage("too many inputs", "");
        c->inputs[c->ro.n_paths++] = argv[i];
    }
    if (c->ro.n_paths == 0)
        return usage("needs at least one log file or directory", "");
    c->ro.paths = c->inputs;
    set_internal_nets(c);
    return -1;
}

int cli_run_report(int argc, char **argv)
{
    struct report_cli *c = calloc(1, sizeof *c);
    if (c == NULL) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = parse(c, argc, argv);
    struct allowlist *allow = NULL;
    char err[512];
    if (rc < 0 && c->allowlist_path) {
        allow = allowlist_load(c->allowlist_path, err, sizeof err);
        if (allow == NULL) {
            fprintf(stderr, "vigil: report: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc < 0) {
        c->ro.allow = allow;
        c->ro.summary = c->quiet ? NULL : stdout;
        struct report_stats st;
        int r = report_run(&c->ro, &st, err, sizeof err);
        if (r < 0) {
            fprintf(stderr, "vigil: report: %s\n", err);
            rc = EXIT_USAGE;
        } else {
            rc = r;
            if (!c->quiet)
                fprintf(stderr,
                        "vigil: report: %llu files, %llu rows (%llu damaged lines, %llu unreadable files); "
                        "%llu alerts (%llu duplicates skipped), %llu on the kill chain, %llu unmapped; "
                        "%zu incidents; block: %zu addresses, %zu names, %zu hashes, %zu excluded\n",
                        (unsigned long long)st.files, (unsigned long long)st.rows, (unsigned long long)st.bad_lines,
                        (unsigned long long)st.bad_files, (unsigned long long)st.alert_rows,
                        (unsigned long long)st.duplicates, (unsigned long long)st.classified,
                        (unsigned long long)st.unmapped, st.incidents, st.block_addresses, st.block_domains,
                        st.block_hashes, st.block_excluded);
        }
    }
    allowlist_free(allow);
    free(c);
    return rc;
}
