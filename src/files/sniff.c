#include "files/sniff.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"

/* Text: no NUL and few control bytes (UTF-8 and Latin-1 bytes count as text). */
static bool looks_like_text(const uint8_t *p, size_t n)
{
    size_t control = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == 0)
            return false;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
            control++;
    }
    return control * 100 <= n;
}

static bool is_html(const uint8_t *p, size_t n)
{
    static const char *const tags[] = {"<!doctype html", "<html", "<head", "<body", "<title", "<script",
                                       "<meta", "<iframe", "<h1", "<div", "<table", "<a href", "<p>", "<br"};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
        if (bytes_prefix_nocase(p, n, tags[i]))
            return true;
    return false;
}

/* The image formats that make up most web bodies: their magic is exact and
 * libmagic would walk its whole table to find it. */
static const char *image_type(const uint8_t *p, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *mime;
    } images[] = {
        {"\x89PNG\r\n\x1a\n", 8, "image/png"},
        {"GIF87a", 6, "image/gif"},
        {"GIF89a", 6, "image/gif"},
        {"\xff\xd8\xff", 3, "image/jpeg"},
    };
    for (size_t i = 0; i < sizeof images / sizeof *images; i++)
        if (n >= images[i].len && memcmp(p, images[i].magic, images[i].len) == 0)
            return images[i].mime;
    return NULL;
}

const char *sniff_common_type(const uint8_t *p, size_t n)
{
    const char *image = image_type(p, n);
    if (image)
        return image;
    if (n == 0 || !looks_like_text(p, n))
        return NULL;
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        p += 3;
        n -= 3;
    }
    /* Formats whose magic is printable: libmagic names them. */
    static const char *const printable_magic[] = {"%PDF-", "{\\rtf", "GIF8", "MZ", "OggS", "RIFF", "ID3", "fLaC",
                                                   "Rar!", "%!PS", "BZh", "#!"};
    for (size_t i = 0; i < sizeof printable_magic / sizeof *printable_magic; i++)
        if (n >= strlen(printable_magic[i]) && memcmp(p, printable_magic[i], strlen(printable_magic[i])) == 0)
            return NULL;
    size_t skip = 0;
    while (skip < n && (p[skip] == ' ' || p[skip] == '\t' || p[skip] == '\r' || p[skip] == '\n'))
        skip++;
    p += skip;
    n -= skip;
    if (bytes_prefix_nocase(p, n, "<?xml"))
        return "application/xml";
    if (is_html(p, n))
        return "text/html";
    if (n >= 2 && (p[0] == '{' || p[0] == '[')) {
        size_t i = 1;
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i < n && (p[i] == '"' || p[i] == '{' || p[i] == '[' || p[i] == ']' || p[i] == '}'))
            return "text/json";
    }
    return "text/plain";
}
