/* The configuration file turned into the long options it stands for. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config_file.h"
#include "util/fs.h"

#define CONFIG_MAX_BYTES (1u << 20)

static char *read_text(const char *path, char *err, size_t errlen)
{
    char why[PATH_MAX + 64];
    size_t len;
    char *text = fs_read_file(path, CONFIG_MAX_BYTES, &len, why, sizeof why);
    if (!text)
        snprintf(err, errlen, "--config %s", why);
    return text;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static const struct option *find_option(const struct option *options, const char *name)
{
    for (const struct option *o = options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static bool push_arg(struct config_args *a, char *s)
{
    if (!s)
        return false;
    char **grown = realloc(a->argv, (size_t)(a->argc + 2) * sizeof *grown);
    if (!grown) {
        free(s);
        return false;
    }
    a->argv = grown;
    a->argv[a->argc++] = s;
    a->argv[a->argc] = NULL;
    return true;
}

/* One line of the file: false with err set when it is wrong. */
static bool add_line(struct config_args *a, char *line, const struct option *options, const char *path,
                     unsigned number, char *err, size_t errlen)
{
    line = trim(line);
    if (line[0] == '\0' || line[0] == '#')
        return true;
    size_t key_len = strcspn(line, " \t=");
    char *value = line + key_len;
    if (*value)
        *value++ = '\0';
    value = trim(value);
    if (*value == '=')
        value = trim(value + 1);
    size_t vlen = strlen(value);
    if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
        value[vlen - 1] = '\0';
        value++;
    }
    const struct option *opt = find_option(options, line);
    if (!opt || strcmp(line, "config") == 0) {
        snprintf(err, errlen, "--config %s:%u: unknown option '%s'", path, number, line);
        return false;
    }
    if (opt->has_arg == no_argument) {
        if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0)
            return true;
        if (*value && strcmp(value, "true") != 0 && strcmp(value, "yes") != 0) {
            snprintf(err, errlen, "--config %s:%u: %s takes no value (or true/false)", path, number, line);
            return false;
        }
        value = NULL;
    } else if (*value == '\0') {
        snprintf(err, errlen, "--config %s:%u: %s needs a value", path, number, line);
        return false;
    }
    size_t len = strlen(line) + (value ? strlen(value) + 1 : 0) + 3;
    char *arg = malloc(len);
    if (!arg) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    snprintf(arg, len, "--%s%s%s", line, value ? "=" : "", value ? value : "");
    if (!push_arg(a, arg)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return true;
}

/* The value of --config in argv, or NULL; *at receives its position and
 * *span how many arguments it takes. */
static const char *config_path(int argc, char **argv, int *at, int *span)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            *at = i;
            *span = 2;
            return argv[i + 1];
        }
        if (strncmp(argv[i], "--config=", 9) == 0) {
            *at = i;
            *span = 1;
            return argv[i] + 9;
        }
    }
    return NULL;
}

bool config_args_build(int argc, char **argv, const struct option *options, struct config_args *args, char *err,
                       size_t errlen)
{
    memset(args, 0, sizeof *args);
    int at = 0, span = 0;
    const char *path = config_path(argc, argv, &at, &span);
    bool ok = push_arg(args, strdup(argv[0]));
    if (ok && path) {
        args->text = read_text(path, err, errlen);
        if (!args->text) {
            config_args_free(args);
            return false;
        }
        unsigned number = 0;
        char *save = NULL;
        /* strtok_r would skip empty lines and so miscount them */
        for (char *line = args->text; ok && line; line = save) {
            save = strchr(line, '\n');
            if (save)
                *save++ = '\0';
            ok = add_line(args, line, options, path, ++number, err, errlen);
        }
        if (!ok) {
            config_args_free(args);
            return false;
        }
    }
    for (int i = 1; ok && i < argc; i++)
        if (!(path && i >= at && i < at + span))
            ok = push_arg(args, strdup(argv[i]));
    if (!ok) {
        snprintf(err, errlen, "out of memory");
        config_args_free(args);
        return false;
    }
    return true;
}

void config_args_free(struct config_args *args)
{
    for (int i = 0; i < args->argc; i++)
        free(args->argv[i]);
    free(args->argv);
    free(args->text);
    memset(args, 0, sizeof *args);
}
