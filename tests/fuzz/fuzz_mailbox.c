/* libFuzzer target for the mailbox reader (mail/mailbox.c): the input is
 * the file `vigil mail` is given, an .eml or an mbox split at its "From "
 * lines, read through a memory file as from disk. The file is mapped, which
 * ASan does not watch, so the target checks what the splitter promises
 * instead: the messages are pieces of the file, in order, not overlapping,
 * and there are no more of them than "From " lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    const uint8_t *file;
    size_t size, at, messages;
};

static void message(void *ctx, const char *source, const uint8_t *p, size_t n)
{
    struct seen *s = ctx;
    if (source == NULL || source[0] == '\0' || n > s->size - s->at)
        abort();
    const uint8_t *found = n ? memmem(s->file + s->at, s->size - s->at, p, n) : s->file + s->at;
    if (found == NULL)
        abort();
    s->at = (size_t)(found - s->file) + n;
    s->messages++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_mailbox", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size > 0 && write(fd, data, size) != (ssize_t)size)
        abort();
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct seen s = {.file = data, .size = size};
    if (!mailbox_each(path, message, &s, err, sizeof err))
        abort();
    size_t froms = 1;
    for (size_t i = 0; i + 5 <= size; i++)
        froms += memcmp(data + i, "From ", 5) == 0;
    if (s.messages == 0 || s.messages > froms)
        abort();
    close(fd);
    return 0;
}
