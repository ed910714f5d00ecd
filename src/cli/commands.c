/* The subcommand table and the dispatch from argv to it. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/oom.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

#define CLI_COMMAND(id, name_, operands_, summary_)                                                                    \
    const struct cli_command cli_command_##id = {                                                                      \
        .name = name_, .operands = operands_, .summary = summary_, .run = cli_run_##id, .help = cli_help_##id};
#include "cli/commands.def"
#undef CLI_COMMAND

static const struct cli_command *const commands[] = {
#define CLI_COMMAND(id, name, operands, summary) &cli_command_##id,
#include "cli/commands.def"
#undef CLI_COMMAND
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])
/* Width of the command column of `vigil --help`. */
#define SYNOPSIS_WIDTH 14

/* util/oom.h: allocations that failed, said in one line even with -q,
 * unless the command already ended on its own error line (exit 2, "out of
 * memory" among them). A run that went on without them exits as it would
 * have, its logs whole but short of what those allocations would have held. */
static void report_allocation_failures(int rc)
{
    uint64_t n = oom_failures();
    if (n > 0 && rc != EXIT_USAGE)
        fprintf(stderr, "vigil: out of memory: %" PRIu64 " allocation%s failed; the run went on without %s"
                " (log lines or fields may be missing)\n",
                n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
}

static void print_main_usage(FILE *f)
{
    fputs("usage: vigil COMMAND [OPTIONS]\n"
          "\n"
          "Vigil records every conversation on the wire as Zeek-compatible logs and\n"
          "Suricata-compatible EVE JSON.\n"
          "\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char synopsis[128];
        int n = snprintf(synopsis, sizeof synopsis, "%s %s", commands[i]->name, commands[i]->operands);
        fprintf(f, "  %-*s%s%s\n", SYNOPSIS_WIDTH, synopsis, n < SYNOPSIS_WIDTH ? " " : "  ",
                commands[i]->summary);
    }
    fputs("\n"
          "  vigil COMMAND --help   options of a command (or vigil help COMMAND)\n"
          "  vigil --version        print the version (-V, -v)\n",
          f);
}

/* Length of the first word of a command name. */
static size_t first_word_len(const char *name)
{
    const char *space = strchr(name, ' ');
    return space ? (size_t)(space - name) : strlen(name);
}

static bool first_word_is(const struct cli_command *c, const char *word)
{
    size_t n = first_word_len(c->name);
    return strlen(word) == n && memcmp(c->name, word, n) == 0;
}

/* The command argv names, and in *words how many arguments its name took;
 * NULL when none. */
static const struct cli_command *find_command(int argc, char **argv, int *words)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const struct cli_command *c = commands[i];
        if (!first_word_is(c, argv[1]))
            continue;
        const char *second = c->name[first_word_len(c->name)] ? c->name + first_word_len(c->name) + 1 : NULL;
        if (second == NULL) {
            *words = 1;
            return c;
        }
        if (argc >= 3 && strcmp(argv[2], second) == 0) {
            *words = 2;
            return c;
        }
    }
    return NULL;
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || (strcmp(cmd, "help") == 0 && argc == 2)) {
        print_main_usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 && argc >= 3) {
        int words = 0;
        const struct cli_command *c = find_command(argc - 1, argv + 1, &words);
        if (c) {
            c->help();
            return EXIT_OK;
        }
        fprintf(stderr, "vigil: help: unknown command '%s' (see 'vigil --help')\n", argv[2]);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0 || strcmp(cmd, "-V") == 0 ||
        strcmp(cmd, "-v") == 0) {
        printf("vigil %s\n", VIGIL_VERSION);
        return EXIT_OK;
    }
    int words = 0;
    const struct cli_command *c = find_command(argc, argv, &words);
    if (c) {
        int rc = c->run(argc - words, argv + words);
        report_allocation_failures(rc);
        return rc;
    }
    /* A first word alone ("vigil intel"): the usage of its commands, on one line. */
    char usage[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < N_COMMANDS && len < sizeof usage; i++)
        if (first_word_is(commands[i], cmd))
            len += (size_t)snprintf(usage + len, sizeof usage - len, "%svigil %s %s", len ? " | " : "",
                                    commands[i]->name, commands[i]->operands);
    if (len)
        fprintf(stderr, "vigil: usage: %s (see 'vigil --help')\n", usage);
    else
        fprintf(stderr, "vigil: unknown command '%s' (see 'vigil --help')\n", cmd);
    return EXIT_USAGE;
}
