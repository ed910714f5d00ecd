#include "util/tsv.h"

#include <string.h>

size_t tsv_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *s = line;
    while (n < max) {
        fields[n++] = s;
        char *tab = strchr(s, '\t');
        if (tab == NULL)
            break;
        *tab = '\0';
        s = tab + 1;
    }
    return n;
}
