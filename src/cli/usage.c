/* The usage error every command prints: a leaf of its own, so that the
 * table (commands.c), the commands and the option parser all call it and
 * none calls another back. */
#include <stdio.h>

#include "cli/cli.h"

int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vigil: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'vigil --help')\n");
    return EXIT_USAGE;
}
