/* What the Kafka output reads back from a JSON line it sends: the message
 * key (the Community ID, else the uid) and the originator, whose hash picks
 * the partition of Zeek logs (output/kafka.h says why). Hand-written and
 * bounded: a top-level member is found by its exact spelling `"name":"`,
 * which an escaped string value can never contain. */
#ifndef VIGIL_OUTPUT_KAFKA_KEY_H
#define VIGIL_OUTPUT_KAFKA_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The string member `name` of a JSON line, its escapes \" \\ \/ undone,
 * into out (NUL-terminated); its length, or 0 when absent, empty, longer
 * than cap - 1, holding another escape or a raw control byte. */
size_t kafka_json_member(const char *line, size_t len, const char *name, char *out, size_t cap);

/* The partition hint of a host: FNV-1a (32 bits) of its text, plus one so
 * that 0 means "no hint". */
uint32_t kafka_host_hint(const char *host, size_t n);

#endif
