/* libFuzzer target for the configuration file reader (cli/config_file.c):
 * the input is the file --config names, read from disk, against a table of
 * long options of each kind (a flag, a value, an optional value). When it
 * is accepted, the arguments built are the program's name, one
 * "--key[=value]" per option line, then the command line's own, each a
 * string of its own; getopt_long must then read them without complaint. */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config_file.h"
#include "temp_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const struct option options[] = {
    {"config", required_argument, NULL, 'c'},  {"output", required_argument, NULL, 'o'},
    {"intel", required_argument, NULL, 'i'},   {"no-behavior", no_argument, NULL, 'b'},
    {"verbose", optional_argument, NULL, 'v'}, {NULL, 0, NULL, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    char path[128], err[256];
    fuzz_temp_write("vigil.conf", d, n, path, sizeof path);
    char *argv[] = {"vigil", "--config", path, "-q", NULL};
    struct config_args args;
    if (!config_args_build(4, argv, options, &args, err, sizeof err))
        return 0;
    if (args.argc < 2 || strcmp(args.argv[0], "vigil") != 0 || strcmp(args.argv[args.argc - 1], "-q") != 0 ||
        args.argv[args.argc] != NULL)
        abort();
    for (int i = 1; i < args.argc - 1; i++)
        if (strncmp(args.argv[i], "--", 2) != 0)
            abort();
    opterr = 0;
    optind = 0; /* 0: getopt_long starts over (glibc) */
    int c;
    while ((c = getopt_long(args.argc, args.argv, "q", options, NULL)) != -1)
        if (c == '?' || c == ':')
            abort(); /* a line the reader accepted is an option the table knows */
    config_args_free(&args);
    return 0;
}
