/* vigil-gen SCENARIO OUT [--pcapng] [--seed N] [--flows N] [--packets N] [--linktype T]
 * vigil-gen --list */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet-t.h"
#include "scenarios.h"

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "vigil-gen: %s%s%s (usage: vigil-gen SCENARIO OUT [--pcapng] [--seed N] [--flows N] "
                    "[--packets N] [--linktype sll|sll2|raw|null|loop|nflog|wlan|radiotap|frelay]; vigil-gen --list)\n",
            what, arg ? ": " : "", arg ? arg : "");
    return 2;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static int parse_linktype(const char *s)
{
    static const struct {
        const char *name;
        int value;
    } names[] = {
        {"ether", LINKTYPE_ETHERNET}, {"ethernet", LINKTYPE_ETHERNET}, {"sll", LINKTYPE_LINUX_SLL},
        {"sll2", LINKTYPE_LINUX_SLL2}, {"raw", LINKTYPE_RAW}, {"null", LINKTYPE_NULL}, {"loop", LINKTYPE_LOOP},
        {"nflog", LINKTYPE_NFLOG}, {"wlan", LINKTYPE_IEEE802_11}, {"radiotap", LINKTYPE_IEEE802_11_RADIOTAP},
        {"frelay", LINKTYPE_FRELAY},
    };
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, s) == 0)
            return names[i].value;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; scenario_at(i); i++)
            printf("%-11s %s\n", scenario_at(i)->name, scenario_at(i)->description);
        return 0;
    }
    struct gen_options opt = {.seed = 1, .flows = 1000000, .packets = 10000000, .linktype = -1};
    const char *positional[2] = {NULL, NULL};
    size_t npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *target = NULL;
        if (strcmp(a, "--pcapng") == 0) {
            opt.pcapng = true;
            continue;
        } else if (strcmp(a, "--seed") == 0) {
            target = &opt.seed;
        } else if (strcmp(a, "--flows") == 0) {
            target = &opt.flows;
        } else if (strcmp(a, "--packets") == 0) {
            target = &opt.packets;
        } else if (strcmp(a, "--linktype") == 0) {
            opt.linktype = parse_linktype(i + 1 < argc ? argv[i + 1] : NULL);
            if (opt.linktype < 0)
                return usage_error("unknown link type", i + 1 < argc ? argv[i + 1] : "(missing)");
            i++;
            continue;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option", a);
        } else {
            if (npos == 2)
                return usage_error("too many arguments", a);
            positional[npos++] = a;
            continue;
        }
        if (i + 1 >= argc || !parse_u64(argv[i + 1], target))
            return usage_error("bad number for", a);
        i++;
    }
    if (npos != 2)
        return usage_error("need a scenario and an output file", NULL);
    const struct scenario *sc = scenario_find(positional[0]);
    if (!sc)
        return usage_error("unknown scenario (see --list)", positional[0]);
    if (opt.flows == 0 || opt.packets == 0 || opt.flows > 4000000000ull || opt.packets > 4000000000ull)
        return usage_error("--flows and --packets must be between 1 and 4e9", NULL);
    if (opt.linktype >= 0 && strcmp(sc->name, "basic") != 0 && strcmp(sc->name, "linktypes") != 0)
        return usage_error("--linktype only applies to basic and linktypes", NULL);
    /* A classic pcap has one link type: --linktype asks for exactly that. */
    if (sc->force_pcapng && opt.linktype < 0)
        opt.pcapng = true;

    struct gen *g = calloc(1, sizeof *g);
    if (!g) {
        fprintf(stderr, "vigil-gen: out of memory\n");
        return 2;
    }
    if (!gen_init(g, &opt, positional[1])) {
        fprintf(stderr, "vigil-gen: cannot write %s: %s\n", positional[1], strerror(errno));
        gen_free(g);
        free(g);
        return 2;
    }
    bool ok = sc->run(g);
    if (ok)
        ok = gen_finish(g);
    else
        fprintf(stderr, "vigil-gen: scenario %s failed\n", sc->name);
    if (!ok)
        fprintf(stderr, "vigil-gen: error writing %s\n", positional[1]);
    gen_free(g);
    free(g);
    return ok ? 0 : 2;
}
