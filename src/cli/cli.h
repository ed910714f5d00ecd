/* The command line's shared pieces: exit codes, the subcommand table's
 * entry type, usage errors. A subcommand is one file cli/cmd_NAME.c that
 * defines `cli_run_NAME` and `cli_help_NAME`, and one line in
 * cli/commands.def (its name, operands and summary). */
#ifndef VIGIL_CLI_CLI_H
#define VIGIL_CLI_CLI_H

#include <stddef.h>

/* 3: `read` stopped by SIGINT/SIGTERM before the end of its captures;
 * 4: log lines were lost to write errors (a full disk), each failing log named;
 * 5: `live` lost its interface mid-run (it went down or away): the logs are
 *    whole, a supervisor may restart (2 means a setup error: do not). */
enum exit_code { EXIT_OK = 0, EXIT_DAMAGED = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 3, EXIT_LINES_LOST = 4,
                 EXIT_CAPTURE_LOST = 5 };

struct cli_command {
    /* One word ("read") or two ("intel check"): `vigil intel check ...`. */
    const char *name;
    /* The operands as `vigil --help` lists them: "FILE...". */
    const char *operands;
    /* One line for `vigil --help`. */
    const char *summary;
    /* argv[0] is the last word of the name; returns the exit code. */
    int (*run)(int argc, char **argv);
    /* The command's full help, on standard output. */
    void (*help)(void);
};

/* Each command's entry (defined in commands.c from its commands.def line)
 * and the two functions its cli/cmd_id.c defines. */
#define CLI_COMMAND(id, name, operands, summary)                                                                      \
    extern const struct cli_command cli_command_##id;                                                                  \
    int cli_run_##id(int argc, char **argv);                                                                           \
    void cli_help_##id(void);
#include "cli/commands.def"
#undef CLI_COMMAND

/* Dispatches argv[1] (and argv[2] for two-word commands) to its command. */
int cli_main(int argc, char **argv);

/* Prints "vigil: " fmt (with one %s for arg) and a pointer to --help on
 * stderr, as one line; returns EXIT_USAGE. */
int usage_error(const char *fmt, const char *arg);

/* For a command whose operands are all paths: -h or --help first prints
 * usage on stdout (EXIT_OK), no operand prints it on stderr (EXIT_USAGE);
 * -1 when there are operands to go on with. */
int cli_operands_or_usage(int argc, char **argv, const char *usage);

#endif
