/* --config FILE: long options as keys, one per line, read before the
 * command line's own options (which therefore win, and add to repeatable
 * ones such as --intel):
 *     # comment
 *     output = /var/log/vigil
 *     intel /etc/vigil/feeds
 *     no-behavior
 * A flag takes no value, or true/yes (false/no leave it out). */
#ifndef VIGIL_CLI_CONFIG_FILE_H
#define VIGIL_CLI_CONFIG_FILE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

/* The arguments a run parses: argv[0], the file's options as "--key=value",
 * then argv[1..] without --config and its file. Owns its strings. */
struct config_args {
    int argc;
    char **argv;
    char *text;   /* the file's text, cut into the values argv points to */
};

/* Builds args from argv and the --config file it names, if any, checking
 * each key against options. false (one line in err naming file and line)
 * when the file cannot be read or holds an unknown key. */
bool config_args_build(int argc, char **argv, const struct option *options, struct config_args *args, char *err,
                       size_t errlen);
void config_args_free(struct config_args *args);

#endif
