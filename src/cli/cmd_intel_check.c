/* vigil intel check FEED...: what a threat-intel feed holds, as --intel
 * would load it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "intel/intel.h"

static const char intel_check_usage[] =
    "usage: vigil intel check FEED...\n\n"
    "Loads each feed (file or directory) as --intel would and prints what it holds: files per\n"
    "format, indicators per type, duplicates, and what could not be used, with examples.\n"
    "Exit status: 0 ok, 1 some records could not be parsed, 2 a feed could not be read or holds nothing.\n";

void cli_help_intel_check(void)
{
    fputs(intel_check_usage, stdout);
}

int cli_run_intel_check(int argc, char **argv)
{
    int rc = cli_operands_or_usage(argc, argv, intel_check_usage);
    if (rc >= 0)
        return rc;
    rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        struct intel_store *s = intel_store_new();
        struct intel_load_report *rep = calloc(1, sizeof *rep);
        char err[512];
        if (!s || !rep) {
            fprintf(stderr, "vigil: out of memory\n");
            intel_store_free(s);
            free(rep);
            return EXIT_USAGE;
        }
        if (intel_load_path(s, argv[i], INTEL_FORMAT_AUTO, rep, err, sizeof err) != 0) {
            fprintf(stderr, "vigil: intel check: %s\n", err);
            rc = EXIT_USAGE;
        } else {
            printf("%s: %llu files (", argv[i], (unsigned long long)rep->files);
            bool first = true;
            for (int f = 1; f < INTEL_FORMAT_COUNT; f++) {
                if (rep->per_format[f]) {
                    printf("%s%llu %s", first ? "" : ", ", (unsigned long long)rep->per_format[f],
                           intel_format_name((enum intel_format)f));
                    first = false;
                }
            }
            printf("), %zu indicators, %.1f MB in memory\n", intel_store_count(s),
                   (double)intel_store_memory(s) / 1e6);
            for (int t = 0; t < INTEL_TYPE_COUNT; t++)
                if (rep->added[t])
                    printf("  %-18s %llu\n", intel_type_zeek_name((enum intel_type)t),
                           (unsigned long long)rep->added[t]);
            printf("  duplicates         %llu\n  invalid values     %llu\n  unsupported        %llu\n"
                   "  not for detection  %llu (MISP to_ids false)\n  revoked            %llu\n"
                   "  parse errors       %llu\n",
                   (unsigned long long)rep->duplicates, (unsigned long long)rep->invalid,
                   (unsigned long long)rep->unsupported, (unsigned long long)rep->skipped_not_ids,
                   (unsigned long long)rep->skipped_revoked, (unsigned long long)rep->errors);
            if (rep->n_examples) {
                printf("  not used (first %u):\n", rep->n_examples);
                for (unsigned k = 0; k < rep->n_examples; k++)
                    printf("    %s\n", rep->examples[k]);
            }
            if (intel_store_count(s) == 0) {
                fprintf(stderr, "vigil: intel check: %s: no usable indicator\n", argv[i]);
                rc = EXIT_USAGE;
            } else if (rep->errors && rc == EXIT_OK) {
                rc = EXIT_DAMAGED;
            }
        }
        intel_store_free(s);
        free(rep);
    }
    return rc;
}
