/* The usage error every command prints, and the usage of the commands that
 * take only paths: a leaf of its own, so that the table (commands.c), the
 * commands and the option parser all call it and none calls another back. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vigil: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'vigil --help')\n");
    return EXIT_USAGE;
}

int cli_operands_or_usage(int argc, char **argv, const char *usage)
{
    if (argc >= 2 && strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0)
        return -1;
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : EXIT_OK;
}
