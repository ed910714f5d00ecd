/* Loading what inspections need (doc_setup.h). */
#include "cli/doc_setup.h"

#include <stdio.h>
#include <string.h>

#include "util/datadir.h"

const char doc_setup_help[] =
    "      --yara-rules PATH   YARA rules: a file, or a directory of .yar/.yara files (compiled once;\n"
    "                          default: the shipped rules/yara)\n"
    "      --weights FILE      reason weights and thresholds (default: data/verdict_weights.tsv)\n"
    "      --keywords FILE     macro keywords (default: data/doc_keywords.tsv)\n";

int doc_setup_option(struct doc_setup *s, int argc, char **argv, int *i)
{
    static const char *const names[] = {"--yara-rules", "--weights", "--keywords"};
    const char **slots[] = {&s->yara_path, &s->weights_path, &s->keywords_path};
    for (size_t k = 0; k < 3; k++) {
        if (strcmp(argv[*i], names[k]) != 0)
            continue;
        if (*i + 1 >= argc)
            return -1;
        *slots[k] = argv[++*i];
        return 1;
    }
    return 0;
}

bool doc_setup_load(struct doc_setup *s, char *err, size_t errlen)
{
    char path[4096];
    doc_limits_default(&s->ctx.limits);
    vigil_data_path("data/verdict_weights.tsv", path, sizeof path);
    s->ctx.weights = weights_load(s->weights_path ? s->weights_path : path, err, errlen);
    if (s->ctx.weights == NULL)
        return false;
    vigil_data_path("data/doc_keywords.tsv", path, sizeof path);
    s->ctx.keywords = keywords_load(s->keywords_path ? s->keywords_path : path, err, errlen);
    if (s->ctx.keywords == NULL)
        return false;
    /* the shipped rules unless the user gave theirs */
    const char *yara = s->yara_path;
    if (yara == NULL && vigil_data_path("rules/yara", path, sizeof path))
        yara = path;
    if (yara != NULL && (s->ctx.yara = yara_load(yara, err, errlen)) == NULL)
        return false;
    return true;
}

void doc_setup_free(struct doc_setup *s)
{
    weights_free((struct doc_weights *)s->ctx.weights);
    keywords_free((struct doc_keywords *)s->ctx.keywords);
    yara_free((struct doc_yara *)s->ctx.yara);
    memset(&s->ctx, 0, sizeof s->ctx);
}
