/* A gzip-compressed file as a stdio stream, so libpcap reads .pcap.gz and
 * .pcapng.gz as it reads any capture (zlib inflates as it goes). */
#ifndef VIGIL_CAPTURE_GZIP_STREAM_H
#define VIGIL_CAPTURE_GZIP_STREAM_H

#include <stdbool.h>
#include <stdio.h>

/* True when the file open on fd starts with gzip's magic; fd's offset is
 * back at 0 afterwards. */
bool gzip_stream_detect(int fd);

/* A read-only stream of fd's inflated bytes; it takes ownership of fd: the
 * caller's fclose closes both. NULL when out of memory (fd is closed then too). */
FILE *gzip_stream_open(int fd);

#endif
