/* Option rules: what an option does to the struct it fills, written as a
 * table line (keep the argument, set a flag, append to a list, take a number
 * in a range), so that one function applies every such option and only the
 * options with logic of their own keep code. */
#ifndef VIGIL_CLI_OPTION_RULES_H
#define VIGIL_CLI_OPTION_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum option_rule_kind {
    RULE_STRING,   /* the argument kept: const char * at field (points into argv) */
    RULE_FLAG,     /* bool at field set */
    RULE_BITS,     /* unsigned at field |= bits */
    RULE_WORDS,    /* unsigned at field |= bits on words[0], &= ~bits on words[1]; error on another word */
    RULE_LIST,     /* the argument appended to const char *[max] at field, its count (width bytes) at count */
    RULE_NUMBER,   /* a decimal count from min to max, times scale, stored in width bytes at field */
    RULE_BYTES,    /* a byte count with an optional k/M/G suffix (powers of 1024), from min to max */
    RULE_FRACTION, /* a real number from lo to hi, a double at field */
    RULE_PARSE,    /* parse(arg, the member at field): the option's own parser */
};

struct option_rule {
    int id; /* getopt_long's value for the option */
    enum option_rule_kind kind;
    size_t field;          /* offsetof the target member */
    size_t also;           /* offsetof + 1 of a bool the option sets too (0: none) */
    unsigned bits;         /* RULE_BITS, RULE_WORDS */
    const char *words[2];  /* RULE_WORDS */
    size_t count;          /* RULE_LIST: offsetof the unsigned count */
    uint64_t min, max;     /* RULE_NUMBER, RULE_BYTES; RULE_LIST: max is the array's size */
    uint64_t scale;        /* RULE_NUMBER: the stored value is the number times this (0: 1) */
    unsigned width;        /* sizeof the integer member (RULE_LIST: the count), 2, 4 or 8; never negative */
    double lo, hi;         /* RULE_FRACTION */
    bool (*parse)(const char *arg, void *member); /* RULE_PARSE; false on a bad argument (arg NULL: a flag) */
    const char *error;     /* the usage error, one %s: the argument, or error_arg */
    const char *error_arg; /* what the error's %s shows instead of the argument (RULE_LIST: the cap) */
};

/* The width of a member, for option_rule.width. */
#define OPTION_MEMBER_SIZE(type, name) sizeof(((type *)0)->name)

#define OPTION_RULE_APPLIED (-1)
#define OPTION_RULE_NONE (-2)

/* Prints a usage error (fmt with one %s for arg) and returns its exit code. */
typedef int (*option_error_fn)(const char *fmt, const char *arg);

/* Applies the rule of option `id` (from rules[0..n)) to target with the
 * option's argument: OPTION_RULE_APPLIED, OPTION_RULE_NONE when no rule
 * names id, or the exit code of the usage error it reported with error. */
int option_rules_apply(const struct option_rule *rules, size_t n, int id, const char *arg, void *target,
                       option_error_fn error);

/* "256M", "64k", "1G" or plain bytes (powers of 1024). */
bool option_parse_bytes(const char *s, uint64_t *out);

#endif
