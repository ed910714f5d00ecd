/* fopencookie over zlib's gzFile. */
#include "capture/gzip_stream.h"

#include <errno.h>
#include <unistd.h>
#include <zlib.h>

bool gzip_stream_detect(int fd)
{
    unsigned char magic[2];
    ssize_t n = pread(fd, magic, sizeof magic, 0);
    return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

static ssize_t gz_read(void *cookie, char *buf, size_t size)
{
    unsigned chunk = size > (1u << 30) ? 1u << 30 : (unsigned)size;
    int n = gzread((gzFile)cookie, buf, chunk);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    return n;
}

/* Telling only (ftell): where libpcap stopped in the inflated bytes, for
 * the pcapng fallback to read on from there. */
static int gz_seek(void *cookie, off64_t *offset, int whence)
{
    if (whence != SEEK_CUR || *offset != 0) {
        errno = ESPIPE;
        return -1;
    }
    z_off_t at = gztell((gzFile)cookie);
    if (at < 0)
        return -1;
    *offset = at;
    return 0;
}

static int gz_close(void *cookie)
{
    return gzclose((gzFile)cookie) == Z_OK ? 0 : EOF;
}

FILE *gzip_stream_open(int fd)
{
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        close(fd);
        return NULL;
    }
    gzbuffer(gz, 256 * 1024);
    cookie_io_functions_t io = {.read = gz_read, .seek = gz_seek, .close = gz_close};
    FILE *f = fopencookie(gz, "rb", io);
    if (!f)
        gzclose(gz);
    return f;
}
