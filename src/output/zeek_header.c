/* The Zeek TSV header lines (#separator ... #types) and the wall-clock
 * stamps of #open/#close: a leaf the files (log_file.c) and the rows
 * (zeek_log.c) both use, calling neither back. */
#include "output/output_internal.h"

#include <time.h>

size_t zeek_format_wall_time(char *out, size_t n, time_t t)
{
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL)
        return 0;
    return strftime(out, n, "%Y-%m-%d-%H-%M-%S", &tm);
}

const char *zeek_type_name(enum zeek_type t)
{
    switch (t) {
    case ZEEK_TIME: return "time";
    case ZEEK_INTERVAL: return "interval";
    case ZEEK_STRING: return "string";
    case ZEEK_ENUM: return "enum";
    case ZEEK_ADDR: return "addr";
    case ZEEK_SUBNET: return "subnet";
    case ZEEK_PORT: return "port";
    case ZEEK_COUNT: return "count";
    case ZEEK_INT: return "int";
    case ZEEK_DOUBLE: return "double";
    case ZEEK_BOOL: return "bool";
    case ZEEK_SET_STRING: return "set[string]";
    case ZEEK_SET_ENUM: return "set[enum]";
    case ZEEK_SET_ADDR: return "set[addr]";
    case ZEEK_SET_COUNT: return "set[count]";
    case ZEEK_SET_PORT: return "set[port]";
    case ZEEK_VECTOR_STRING: return "vector[string]";
    case ZEEK_VECTOR_COUNT: return "vector[count]";
    case ZEEK_VECTOR_INTERVAL: return "vector[interval]";
    case ZEEK_VECTOR_ADDR: return "vector[addr]";
    }
    return "string";
}

void zeek_write_tsv_header(struct buf *b, const struct zeek_schema *s, time_t opened)
{
    char when[32];
    size_t wn = zeek_format_wall_time(when, sizeof(when), opened);
    /* Zeek writes the separator itself escaped, after a space */
    buf_puts(b, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t");
    buf_puts(b, s->path);
    buf_puts(b, "\n#open\t");
    buf_append(b, when, wn);
    buf_puts(b, "\n#fields");
    for (size_t i = 0; i < s->n_fields; i++) {
        buf_putc(b, '\t');
        buf_puts(b, zeek_schema_field(s, i)->name);
    }
    buf_puts(b, "\n#types");
    for (size_t i = 0; i < s->n_fields; i++) {
        buf_putc(b, '\t');
        buf_puts(b, zeek_type_name(zeek_schema_field(s, i)->type));
    }
    buf_putc(b, '\n');
}
