/* The floor of the benchmark: the cost of reading a capture with libpcap and
 * touching nothing. Every tool's time is compared with this.
 *   floor FILE   ->   "packets N bytes M" (bytes = captured bytes) */
#include <inttypes.h>
#include <stdio.h>

#include <pcap/pcap.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor FILE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pcap = pcap_open_offline(argv[1], errbuf);
    if (pcap == NULL) {
        fprintf(stderr, "floor: %s: %s\n", argv[1], errbuf);
        return 2;
    }
    uint64_t packets = 0, bytes = 0;
    struct pcap_pkthdr *header;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(pcap, &header, &data)) == 1) {
        packets++;
        bytes += header->caplen;
    }
    if (rc == PCAP_ERROR)
        fprintf(stderr, "floor: %s: %s\n", argv[1], pcap_geterr(pcap));
    pcap_close(pcap);
    printf("packets %" PRIu64 " bytes %" PRIu64 "\n", packets, bytes);
    return rc == PCAP_ERROR ? 1 : 0;
}
