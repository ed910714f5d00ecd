/* util/utf16: UTF-16LE (SMB, NTLM, DCE-RPC strings) to UTF-8, bounded by
 * the caller's buffer. Unpaired surrogates become U+FFFD, as Zeek's
 * conversion does; a trailing odd byte is dropped. */
#ifndef VIGIL_UTIL_UTF16_H
#define VIGIL_UTIL_UTF16_H

#include <stddef.h>
#include <stdint.h>

/* Writes at most cap-1 bytes and a NUL into out (cap > 0); never splits a
 * character. Returns the bytes written, without the NUL. */
size_t utf16le_to_utf8(const uint8_t *p, size_t n, char *out, size_t cap);

#endif
