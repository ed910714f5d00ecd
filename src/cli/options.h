/* The options of `read`, `live` and `hunt`, parsed from argv. */
#ifndef VIGIL_CLI_OPTIONS_H
#define VIGIL_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "asset/config-t.h"
#include "cli/cli.h"
#include "capture/capture.h"
#include "cli/config_file.h"
#include "cli/kafka_cli.h"
#include "core/config.h"
#include "detect/detect.h"

#define MAX_INPUTS 1024
#define MAX_INTEL_PATHS 64
#define MAX_DEFAULT_RULES 8
/* Zeek's default notice suppression interval (Notice::default_suppression_interval). */
#define DEFAULT_INTEL_SUPPRESS_S 3600

struct options {
    struct config_args args;   /* what was parsed: --config's options, then argv; every string below points into it */
    struct vigil_config cfg;
    const char *out_dir;
    const char *filter;
    unsigned formats;
    bool format_given;
    bool out_given;         /* -o: hunt writes logs only when asked */      /* --format on the command line: hunt keeps the read/live default otherwise */
    unsigned eve_options;   /* OUTPUT_EVE_*, OUTPUT_ZEEK_JSON_ISO8601: kept apart so --format cannot reset them */
    bool quiet;
    unsigned rotate_s;      /* live: --rotate SECONDS (0: never) */
    double flush_interval_s; /* --flush-interval: buffered lines written out this often (0: the command's default) */
    bool compress;          /* live: --compress the rotated logs */
    unsigned stats_interval_s; /* live: --stats-interval SECONDS between stats.log rows (0: the default) */
    /* live: --capture, --ring-size, --block-size (the rings follow --workers) */
    struct capture_live_config capture;
    const char *user;       /* live: -u USER, taken once the interface is open */
    bool live_only_given;   /* one of the live-only capture options above */
    bool uid_window_given;  /* --uid-window: else live's default (a minute), read's exact time */
    const char *inputs[MAX_INPUTS];
    unsigned n_inputs;
    /* What read/live open: the inputs, directories expanded (cli/inputs.h). */
    const char *const *captures;
    unsigned n_captures;
    /* detection */
    const char *intel_paths[MAX_INTEL_PATHS];
    uint64_t intel_errors[MAX_INTEL_PATHS]; /* parse errors of each path at the first load */
    unsigned n_intel;
    const char *rules_paths[MAX_INTEL_PATHS];  /* --rules */
    unsigned n_rules;
    bool no_default_rules;      /* --no-default-rules */
    const char *default_rules_paths[MAX_DEFAULT_RULES];  /* --default-rules: replace the shipped ones */
    unsigned n_default_rules;
    char shipped_rules[MAX_DEFAULT_RULES][4096];  /* where the shipped default rules were found */
    const char *allowlist_path;
    const char *protect_path;   /* --protect: the phishing detector's protected list */
    /* Documents on the wire: --inspect-files, --inspect-max-file, --yara-rules
     * (implies --inspect-files), --weights, --keywords. */
    bool inspect_files;
    uint64_t inspect_max_file;
    const char *yara_path, *weights_path, *keywords_path;
    bool no_behavior;
    const char *domain_controllers;  /* --domain-controllers ADDR,... (checked when the run starts) */
    const char *lateral_policy_path; /* --lateral-policy FILE (alias --lateral-thresholds) */
    const char *short_thresholds;    /* --short-thresholds FILE */
    bool intel_strict_validity;      /* --intel-strict-validity */
    int64_t intel_suppress_us;       /* --intel-suppress SECONDS (0: every hit alerts) */
    bool devices;
    struct devices_config devices_cfg;
    int64_t report_interval_us;
    struct behavior_config behavior;
    struct ip_prefix internal_nets[VIGIL_MAX_LOCAL_NETS + 8];
    struct kafka_cli kafka;     /* --kafka and its settings (cli/kafka_cli.h) */
};

/* The option lines of read and live's help, and the detection lines they
 * share with hunt's. */
extern const char usage_common[];
extern const char usage_detect[];

/* Fills o from argv (defaults first). Returns -1 to continue, or an exit
 * code: help() called for -h, or a usage error reported. */
int parse_options(int argc, char **argv, void (*help)(void), struct options *o);
/* --format zeek|json|eve|all into OUTPUT_* bits; false on another word. */
bool parse_formats(const char *s, unsigned *formats);
/* --local-nets: a comma list of CIDRs appended to cfg->local_nets; false
 * on a bad prefix or too many. */
bool parse_local_nets(const char *list, struct vigil_config *cfg);

/* The two as option_rules parsers (RULE_PARSE): formats is an unsigned,
 * cfg a struct vigil_config. */
bool option_formats(const char *arg, void *formats);
bool option_local_nets(const char *arg, void *cfg);

/* Frees o (calloc'd) and the arguments parse_options kept. */
void options_free(struct options *o);

#endif
