/* Private to sig/: the rule set and the functions its files share. */
#ifndef VIGIL_SIG_SIG_INTERNAL_H
#define VIGIL_SIG_SIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sig/arena.h"
#include "sig/rule.h"
#include "sig/sig.h"

struct sig_var {
    char *name, *value;
};

struct sig_class {
    char *name, *msg;
    int priority;
};

struct sig_prefilter;
struct sig_net_memos;
struct sig_kw_index;

struct sig_set {
    FILE *errors;
    struct sig_rule **rules;
    size_t n_rules, cap_rules;
    char **files;
    size_t n_files;
    struct sig_var *vars;
    size_t n_vars;
    struct sig_class *classes;
    size_t n_classes;
    char **refs;                /* reference.config system names */
    size_t n_refs;
    struct sig_net_memos *net_memos; /* variables' groups, parsed once (net.c) */
    char **flowbits;            /* flowbit names; a rule refers to them by index */
    size_t n_flowbits;
    struct sig_prefilter *prefilter;
    struct sig_kw_index *kw_index; /* keyword names, built on the first rule (keywords.c) */
    struct sig_arena arena;     /* the loaded rules (sig_rule_pack) */
    char *hs_cache_dir;         /* compiled prefilters kept there; NULL: none */
    size_t n_pcres;             /* numbered at compile time (sig_pcre.index) */
    bool compiled;
    bool has_pass;              /* some rule's action is pass */
};

/* Parse outcome: loaded, skipped for an unsupported feature, malformed. */
enum sig_parse_result { SIG_PARSE_OK = 0, SIG_PARSE_SKIP = 1, SIG_PARSE_ERROR = -1 };

/* rule_parse.c */
enum sig_parse_result sig_parse_rule(struct sig_set *s, const char *text, struct sig_rule **out, char *why,
                                     size_t whylen);
/* Frees a rule (a packed one: what it owns outside the arena). */
void sig_rule_free(struct sig_rule *r);
/* Moves a parsed rule into the arena and frees its heap blocks; returns
 * the rule to keep: r itself, unchanged, when the arena has no memory. The
 * packed rule lives in a (valid until sig_arena_free); free it with
 * sig_rule_free either way. */
struct sig_rule *sig_rule_pack(struct sig_arena *a, struct sig_rule *r);
/* Decodes a content string (quoted or not, |hex| and \ escapes). */
bool sig_decode_content(const char *v, uint8_t **out, uint32_t *len, char *why, size_t whylen);

/* The parser's state over one rule's options (keywords.c fills the rule). */
struct sig_parse {
    struct sig_set *set;
    struct sig_rule *r;
    int cur_list;               /* the list content goes to: -1 none yet (payload) */
    int last_list, last_sm;     /* the last content or pcre, for its modifiers */
    char var_names[SIG_MAX_VARS][32];
    char *why;
    size_t whylen;
};

/* keywords.c */
enum sig_parse_result sig_apply_option(struct sig_parse *p, const char *name, const char *value);
void sig_kw_index_free(struct sig_kw_index *x);

/* vars.c: a variable's value and a classtype, NULL when unknown; they point
 * into s, valid until s gets more of them or is freed. */
const char *sig_var_get(const struct sig_set *s, const char *name);
const struct sig_class *sig_class_get(const struct sig_set *s, const char *name);
int sig_flowbit_id(struct sig_set *s, const char *name);
/* Appends a copy of name to one of the set's lists of names (files,
 * flowbits): its index, or -1 when out of memory or at 65,535 names. */
int sig_names_append(char ***names, size_t *n, const char *name);
void sig_set_defaults(struct sig_set *s);

/* net.c: address and port groups, variables expanded. */
bool sig_parse_addr(const struct sig_set *s, const char *text, struct sig_net *out, char *why, size_t whylen);
bool sig_parse_ports(const struct sig_set *s, const char *text, struct sig_net *out, char *why, size_t whylen);
bool sig_net_match_addr(const struct sig_net *n, const struct ip_addr *a);
bool sig_net_match_port(const struct sig_net *n, uint16_t port);
void sig_net_free(struct sig_net *n);
/* The caller frees it with sig_net_memos_free(); NULL when out of memory. */
struct sig_net_memos *sig_net_memos_new(void);
void sig_net_memos_free(struct sig_net_memos *m);

/* prefilter.c */
bool sig_prefilter_build(struct sig_set *s, char *err, size_t errlen);
void sig_prefilter_free(struct sig_prefilter *p);

/* Small string helpers shared by the parser files. */
char *sig_trim(char *s); /* points into s, trailing blanks cut in place */
bool sig_parse_u32(const char *s, uint32_t *out);
bool sig_parse_i32(const char *s, int32_t *out);

#endif
