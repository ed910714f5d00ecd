/* Rule variables ($HOME_NET...), classification.config, reference.config
 * and the flowbit name table. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sig/sig_internal.h"

/* suricata.yaml's address-groups and port-groups, the defaults every rule
 * set is written against; a vars file replaces them one by one. */
static const char *const default_vars[][2] = {
    {"HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"},
    {"EXTERNAL_NET", "!$HOME_NET"},
    {"HTTP_SERVERS", "$HOME_NET"}, {"SMTP_SERVERS", "$HOME_NET"}, {"SQL_SERVERS", "$HOME_NET"},
    {"DNS_SERVERS", "$HOME_NET"}, {"TELNET_SERVERS", "$HOME_NET"}, {"AIM_SERVERS", "$EXTERNAL_NET"},
    {"DC_SERVERS", "$HOME_NET"}, {"DNP3_SERVER", "$HOME_NET"}, {"DNP3_CLIENT", "$HOME_NET"},
    {"MODBUS_CLIENT", "$HOME_NET"}, {"MODBUS_SERVER", "$HOME_NET"}, {"ENIP_CLIENT", "$HOME_NET"},
    {"ENIP_SERVER", "$HOME_NET"},
    {"HTTP_PORTS", "80"}, {"SHELLCODE_PORTS", "!80"}, {"ORACLE_PORTS", "1521"}, {"SSH_PORTS", "22"},
    {"DNP3_PORTS", "20000"}, {"MODBUS_PORTS", "502"}, {"FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
    {"FTP_PORTS", "21"}, {"GENEVE_PORTS", "6081"}, {"VXLAN_PORTS", "4789"}, {"TEREDO_PORTS", "3544"},
};

char *sig_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

bool sig_parse_i32(const char *s, int32_t *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end || errno || v < INT32_MIN || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

bool sig_parse_u32(const char *s, uint32_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end || errno || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool set_var(struct sig_set *s, const char *name, const char *value)
{
    for (size_t i = 0; i < s->n_vars; i++) {
        if (strcmp(s->vars[i].name, name) == 0) {
            char *v = strdup(value);
            if (!v)
                return false;
            free(s->vars[i].value);
            s->vars[i].value = v;
            return true;
        }
    }
    struct sig_var *nv = realloc(s->vars, (s->n_vars + 1) * sizeof *nv);
    if (!nv)
        return false;
    s->vars = nv;
    nv[s->n_vars].name = strdup(name);
    nv[s->n_vars].value = strdup(value);
    if (!nv[s->n_vars].name || !nv[s->n_vars].value) {
        free(nv[s->n_vars].name);
        free(nv[s->n_vars].value);
        return false;
    }
    s->n_vars++;
    return true;
}

void sig_set_defaults(struct sig_set *s)
{
    for (size_t i = 0; i < sizeof default_vars / sizeof default_vars[0]; i++)
        set_var(s, default_vars[i][0], default_vars[i][1]);
}

const char *sig_var_get(const struct sig_set *s, const char *name)
{
    for (size_t i = 0; i < s->n_vars; i++)
        if (strcmp(s->vars[i].name, name) == 0)
            return s->vars[i].value;
    return NULL;
}

static FILE *open_config(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return f;
}

/* `NAME: "value"` (suricata.yaml's groups, section headers ignored) or
 * `NAME=value`. */
bool sig_set_load_vars(struct sig_set *s, const char *path, char *err, size_t errlen)
{
    FILE *f = open_config(path, err, errlen);
    if (!f)
        return false;
    char line[4096];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char *l = sig_trim(line);
        if (*l == '#' || *l == '\0' || *l == '%' || strncmp(l, "---", 3) == 0)
            continue;
        char *sep = strpbrk(l, ":=");
        if (!sep) {
            snprintf(err, errlen, "%s:%u: expected NAME: value", path, lineno);
            ok = false;
            break;
        }
        *sep = '\0';
        char *name = sig_trim(l), *value = sig_trim(sep + 1);
        if (*value == '\0')
            continue; /* a section header: address-groups:, vars: */
        size_t n = strlen(value);
        if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
            value[n - 1] = '\0';
            value++;
        }
        if (*name == '$')
            name++;
        if (!set_var(s, name, value)) {
            snprintf(err, errlen, "out of memory");
            ok = false;
        }
    }
    fclose(f);
    return ok;
}

/* Calls add(s, rest) for each `config KEY: rest` line of a Suricata
 * config file (classification.config, reference.config); add returns false
 * when out of memory. */
static bool load_config_lines(struct sig_set *s, const char *path, const char *key, bool (*add)(struct sig_set *, char *),
                              char *err, size_t errlen)
{
    FILE *f = open_config(path, err, errlen);
    if (!f)
        return false;
    char line[4096];
    bool ok = true;
    size_t key_len = strlen(key);
    while (ok && fgets(line, sizeof line, f)) {
        char *l = sig_trim(line);
        if (strncmp(l, key, key_len) == 0)
            ok = add(s, l + key_len);
    }
    if (!ok)
        snprintf(err, errlen, "out of memory");
    fclose(f);
    return ok;
}

/* shortname,short description,priority */
static bool add_classification(struct sig_set *s, char *l)
{
    char *c1 = strchr(l, ','), *c2 = c1 ? strrchr(c1 + 1, ',') : NULL;
    if (!c1 || !c2)
        return true;
    *c1 = *c2 = '\0';
    char *name = sig_trim(l), *msg = sig_trim(c1 + 1);
    int32_t prio;
    if (!sig_parse_i32(sig_trim(c2 + 1), &prio))
        prio = 3;
    size_t i;
    for (i = 0; i < s->n_classes; i++)
        if (strcmp(s->classes[i].name, name) == 0)
            break;
    if (i == s->n_classes) {
        struct sig_class *nc = realloc(s->classes, (s->n_classes + 1) * sizeof *nc);
        if (!nc)
            return false;
        s->classes = nc;
        nc[i].name = strdup(name);
        nc[i].msg = NULL;
        s->n_classes++;
    } else {
        free(s->classes[i].msg);
    }
    s->classes[i].msg = strdup(msg);
    s->classes[i].priority = prio;
    return s->classes[i].name && s->classes[i].msg;
}

bool sig_set_load_classification(struct sig_set *s, const char *path, char *err, size_t errlen)
{
    return load_config_lines(s, path, "config classification:", add_classification, err, errlen);
}

/* system url: the system's name is what rules' reference: options name */
static bool add_reference(struct sig_set *s, char *l)
{
    l = sig_trim(l);
    size_t n = strcspn(l, " \t");
    l[n] = '\0';
    char **nr = realloc(s->refs, (s->n_refs + 1) * sizeof *nr);
    if (!nr)
        return false;
    s->refs = nr;
    if (!(nr[s->n_refs] = strdup(l)))
        return false;
    s->n_refs++;
    return true;
}

bool sig_set_load_reference(struct sig_set *s, const char *path, char *err, size_t errlen)
{
    return load_config_lines(s, path, "config reference:", add_reference, err, errlen);
}

const struct sig_class *sig_class_get(const struct sig_set *s, const char *name)
{
    for (size_t i = 0; i < s->n_classes; i++)
        if (strcmp(s->classes[i].name, name) == 0)
            return &s->classes[i];
    return NULL;
}

int sig_flowbit_id(struct sig_set *s, const char *name)
{
    for (size_t i = 0; i < s->n_flowbits; i++)
        if (strcmp(s->flowbits[i], name) == 0)
            return (int)i;
    return sig_names_append(&s->flowbits, &s->n_flowbits, name);
}

int sig_names_append(char ***names, size_t *n, const char *name)
{
    if (*n >= UINT16_MAX)
        return -1;
    char **nv = realloc(*names, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *names = nv;
    if (!(nv[*n] = strdup(name)))
        return -1;
    return (int)(*n)++;
}
