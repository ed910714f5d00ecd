/* Benchmark inputs that are not captures:
 *   gen_logs conn N OUT    a Zeek TSV conn.log of N rows (10,000 internal
 *                          hosts talking to 200,000 external addresses, one
 *                          day, as Zeek writes it)
 *   gen_logs intel N OUT   a CSV feed of N mixed indicators (addresses,
 *                          subnets, domains, URLs, hashes, emails, JA3)
 * Deterministic (fixed seed). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void uid(char *out)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    out[0] = 'C';
    for (int i = 1; i < 18; i++)
        out[i] = alphabet[rng() % 62];
    out[18] = '\0';
}

static int gen_conn(uint64_t n, FILE *f)
{
    fputs("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
          "#open\t2024-03-04-00-00-00\n"
          "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
          "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
          "resp_pkts\tresp_ip_bytes\ttunnel_parents\n"
          "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\t"
          "bool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n",
          f);
    static const char *const services[] = {"ssl", "http", "dns", "-", "ssl", "ssl"};
    double ts = 1709510400.0;
    double step = 86400.0 / (double)n;
    for (uint64_t i = 0; i < n; i++) {
        char u[24];
        uid(u);
        uint32_t host = (uint32_t)(rng() % 10000), ext = (uint32_t)(rng() % 200000);
        uint64_t ob = rng() % 4000, rb = rng() % 60000;
        const char *svc = services[rng() % 6];
        ts += step;
        fprintf(f,
                "%.6f\t%s\t10.%u.%u.%u\t%u\t%u.%u.%u.%u\t443\ttcp\t%s\t%.6f\t%" PRIu64 "\t%" PRIu64
                "\tSF\tT\tF\t0\tShADadFf\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t-\n",
                ts, u, host >> 8, host & 255, 1 + (unsigned)(rng() % 250), 1024 + (unsigned)(rng() % 60000),
                23 + ext % 180, (ext >> 8) & 255, ext & 255, 1 + (unsigned)(ext % 250), svc,
                (double)(rng() % 30000) / 1000.0, ob, rb, 6 + ob / 1400, 300 + ob, 6 + rb / 1400, 300 + rb);
    }
    fputs("#close\t2024-03-05-00-00-00\n", f);
    return 0;
}

static void hex(char *out, int digits)
{
    static const char h[] = "0123456789abcdef";
    for (int i = 0; i < digits; i++)
        out[i] = h[rng() & 15];
    out[digits] = '\0';
}

static void word(char *out, int len)
{
    for (int i = 0; i < len; i++)
        out[i] = (char)('a' + rng() % 26);
    out[len] = '\0';
}

static int gen_intel(uint64_t n, FILE *f)
{
    static const char *const tlds[] = {"com", "net", "org", "ru", "cn", "info", "xyz"};
    fputs("type,value,context,source,actor\n", f);
    for (uint64_t i = 0; i < n; i++) {
        char a[80], b[80];
        switch (rng() % 8) {
        case 0:
            fprintf(f, "ip,%u.%u.%u.%u,bench,gen,actor%u\n", 1 + (unsigned)(rng() % 222), (unsigned)(rng() % 256),
                    (unsigned)(rng() % 256), (unsigned)(rng() % 256), (unsigned)(i % 50));
            break;
        case 1:
            fprintf(f, "cidr,%u.%u.%u.0/24,bench,gen,\n", 1 + (unsigned)(rng() % 222), (unsigned)(rng() % 256),
                    (unsigned)(rng() % 256));
            break;
        case 2:
        case 3:
            word(a, 6 + (int)(rng() % 10));
            fprintf(f, "domain,%s.%s,bench,gen,\n", a, tlds[rng() % 7]);
            break;
        case 4:
            word(a, 8);
            word(b, 10);
            fprintf(f, "url,http://%s.%s/%s/%" PRIu64 ".php,bench,gen,\n", a, tlds[rng() % 7], b, i);
            break;
        case 5:
            hex(a, rng() % 2 ? 64 : 32);
            fprintf(f, "%s,%s,bench,gen,\n", strlen(a) == 64 ? "sha256" : "md5", a);
            break;
        case 6:
            word(a, 7);
            word(b, 6);
            fprintf(f, "email,%s@%s.%s,bench,gen,\n", a, b, tlds[rng() % 7]);
            break;
        default:
            hex(a, 32);
            fprintf(f, "ja3,%s,bench,gen,\n", a);
            break;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "conn") != 0 && strcmp(argv[1], "intel") != 0)) {
        fprintf(stderr, "usage: gen_logs conn|intel N OUT\n");
        return 2;
    }
    char *end;
    uint64_t n = strtoull(argv[2], &end, 10);
    if (*end || n == 0) {
        fprintf(stderr, "gen_logs: bad count '%s'\n", argv[2]);
        return 2;
    }
    FILE *f = fopen(argv[3], "w");
    if (f == NULL) {
        perror(argv[3]);
        return 2;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    int rc = strcmp(argv[1], "conn") == 0 ? gen_conn(n, f) : gen_intel(n, f);
    if (fclose(f) != 0) {
        perror(argv[3]);
        return 2;
    }
    return rc;
}
