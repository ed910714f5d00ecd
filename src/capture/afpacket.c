#include "capture/afpacket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The kernel hands a block over when it is full or after this many ms, so
 * a quiet link's packets still arrive within a fraction of a second. */
#define BLOCK_RETIRE_MS 10
/* The frame size only sizes the kernel's bookkeeping with TPACKET_V3
 * (packets are packed in the block back to back). */
#define FRAME_BYTES 2048u
/* Blocks taken from the ring between two looks at the stop flag. */
#define BLOCKS_PER_TURN 8
/* A ring's idle callback at most this often while packets stream in. */
#define IDLE_EVERY_NS 20000000L
/* How often the caller's thread runs the run's housekeeping. */
#define RUN_IDLE_MS 100
#define VLAN_TAG_BYTES 4

struct ring {
    int fd;
    uint8_t *map;
    size_t map_bytes;
    uint32_t block_bytes, n_blocks, next;
    uint8_t *scratch;        /* a frame with its VLAN tag put back (the kernel strips it) */
    int cpu;                 /* --cpus: where the ring's thread runs; -1: anywhere */
    pthread_t thread;
    bool thread_started;
    /* delivered by this process: written by the ring's thread only, read
     * by stats at any time */
    atomic_uint_fast64_t packets, bytes;
    /* accumulated from PACKET_STATISTICS (which resets at each read) by
     * the stats reader */
    uint64_t drops, kernel_packets;
};

struct afpacket {
    char name[IF_NAMESIZE];
    bool loopback;           /* each packet is seen leaving and arriving: keep one */
    bool filtered;
    bool if_drops_known;
    bool stopped;
    atomic_bool quit;         /* a ring failed: every ring's thread ends */
    pthread_mutex_t fail_lock;
    char fail_msg[256];       /* the first ring failure; guarded by fail_lock */
    uint64_t if_drops_at_open, if_drops;
    int64_t if_drops_read_ns;  /* the interface's counters are read at most once a second, and at the end */
    unsigned n_rings;
    struct ring rings[];
};

/* rx_dropped + rx_missed_errors of the interface in this network
 * namespace, as libpcap's ps_ifdrop reads them from /proc/net/dev. */
static bool interface_drops(const char *name, uint64_t *drops)
{
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0)
        return false;
    bool found = false;
    for (const struct ifaddrs *i = list; i && !found; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_PACKET || i->ifa_data == NULL ||
            strcmp(i->ifa_name, name) != 0)
            continue;
        const struct rtnl_link_stats *s = i->ifa_data;
        *drops = (uint64_t)s->rx_dropped + s->rx_missed_errors;
        found = true;
    }
    freeifaddrs(list);
    return found;
}

static void describe_socket_error(const char *iface, const char *what, int e, char *err, size_t errlen)
{
    if (e == EPERM || e == EACCES)
        snprintf(err, errlen, "%s: permission denied (capturing needs root or CAP_NET_RAW)", iface);
    else
        snprintf(err, errlen, "%s: AF_PACKET %s: %s", iface, what, strerror(e));
}

/* A filter that passes nothing: installed before the ring is bound, so no
 * packet enters it before the user's filter (or none) is in place. */
static bool attach_drop_all(int fd)
{
    struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = {.len = 1, .filter = &drop};
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
}

static bool ring_map(struct ring *r)
{
    int version = TPACKET_V3;
    if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0)
        return false;
    struct tpacket_req3 req = {
        .tp_block_size = r->block_bytes,
        .tp_block_nr = r->n_blocks,
        .tp_frame_size = FRAME_BYTES,
        .tp_frame_nr = (r->block_bytes / FRAME_BYTES) * r->n_blocks,
        .tp_retire_blk_tov = BLOCK_RETIRE_MS,
    };
    if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
        return false;
    r->map_bytes = (size_t)r->block_bytes * r->n_blocks;
    void *m = mmap(NULL, r->map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
    if (m == MAP_FAILED)
        return false;
    r->map = m;
    return true;
}

/* Joins the fanout group; the first ring asks the kernel for an unused
 * group id, the others join it. */
static bool ring_join(struct ring *r, bool first, int *group)
{
    /* the option's value: the group id in the low 16 bits, mode and flags above */
    uint32_t mode = (uint32_t)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16;
    int arg;
    if (first) {
        uint32_t unique = mode | (uint32_t)PACKET_FANOUT_FLAG_UNIQUEID << 16;
        memcpy(&arg, &unique, sizeof arg);
        if (setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) == 0) {
            socklen_t len = sizeof arg;
            if (getsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) != 0)
                return false;
            *group = arg & 0xffff;
            return true;
        }
        *group = getpid() & 0xffff; /* a kernel before 4.4: no unique ids */
    }
    uint32_t join = mode | (uint32_t)(*group & 0xffff);
    memcpy(&arg, &join, sizeof arg);
    return setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) == 0;
}

static bool ring_open(struct afpacket *a, struct ring *r, int ifindex, int *group, char *err, size_t errlen)
{
    r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (r->fd < 0) {
        describe_socket_error(a->name, "socket", errno, err, errlen);
        return false;
    }
    if (!attach_drop_all(r->fd)) {
        describe_socket_error(a->name, "filter", errno, err, errlen);
        return false;
    }
    if (!ring_map(r)) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot set up a %llu-byte ring of %u-byte blocks: %s", a->name,
                 (unsigned long long)r->block_bytes * r->n_blocks, r->block_bytes, strerror(e));
        return false;
    }
    r->scratch = malloc(r->block_bytes + VLAN_TAG_BYTES);
    if (r->scratch == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
    if (bind(r->fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
        describe_socket_error(a->name, "bind", errno, err, errlen);
        return false;
    }
    if (!ring_join(r, r == &a->rings[0], group)) {
        describe_socket_error(a->name, "fanout", errno, err, errlen);
        return false;
    }
    /* a SPAN port's frames are addressed to others: promiscuous, as
     * libpcap does, for as long as the socket is open */
    struct packet_mreq promisc = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC};
    if (r == &a->rings[0] && setsockopt(r->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promisc, sizeof promisc) != 0) {
        describe_socket_error(a->name, "promiscuous mode", errno, err, errlen);
        return false;
    }
    return true;
}

static bool sizes_valid(const struct capture_live_config *cfg, uint32_t *block, uint32_t *n_blocks, char *err,
                        size_t errlen)
{
    uint64_t ring = cfg->ring_bytes ? cfg->ring_bytes : CAPTURE_DEFAULT_RING_BYTES;
    *block = cfg->block_bytes ? cfg->block_bytes : CAPTURE_DEFAULT_BLOCK_BYTES;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    /* the kernel takes whole pages per block, in powers of two */
    if (*block < (uint32_t)page || (*block & (*block - 1)) != 0 || *block > (1u << 30)) {
        snprintf(err, errlen, "--block-size must be a power of two from %ld to 1073741824 bytes, not %u", page,
                 *block);
        return false;
    }
    if (ring < 2ULL * *block || ring / *block > UINT32_MAX) {
        snprintf(err, errlen, "--ring-size (%llu bytes) must hold at least two --block-size blocks (%u bytes)",
                 (unsigned long long)ring, *block);
        return false;
    }
    *n_blocks = (uint32_t)(ring / *block);
    return true;
}

/* Ethernet and loopback frames arrive with an Ethernet header; other links
 * (tun, ppp...) are left to libpcap, which knows their headers. */
static bool ethernet_like(const char *iface, bool *loopback, char *err, size_t errlen)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", iface, strerror(errno));
        return false;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
    bool ok = ioctl(fd, SIOCGIFHWADDR, &ifr) == 0;
    close(fd);
    int family = ok ? ifr.ifr_hwaddr.sa_family : -1;
    *loopback = family == ARPHRD_LOOPBACK;
    return family == ARPHRD_ETHER || family == ARPHRD_LOOPBACK;
}

struct afpacket *afpacket_open(const char *iface, const struct capture_live_config *cfg, bool *unsupported,
                               char *err, size_t errlen)
{
    *unsupported = false;
    unsigned n = cfg->rings < 1 ? 1 : cfg->rings > CAPTURE_MAX_RINGS ? CAPTURE_MAX_RINGS : cfg->rings;
    uint32_t block, n_blocks;
    if (!sizes_valid(cfg, &block, &n_blocks, err, errlen))
        return NULL;
    if (strcmp(iface, "any") == 0) {
        /* every interface at once: mixed link types, libpcap's cooked capture */
        snprintf(err, errlen, "%s: AF_PACKET rings take one interface", iface);
        *unsupported = true;
        return NULL;
    }
    if (strlen(iface) >= IF_NAMESIZE) {
        snprintf(err, errlen, "%s: no such interface", iface);
        return NULL;
    }
    int ifindex = (int)if_nametoindex(iface);
    if (ifindex == 0) {
        snprintf(err, errlen, "%s: no such interface", iface);
        return NULL;
    }
    struct afpacket *a = calloc(1, sizeof *a + n * sizeof a->rings[0]);
    if (a == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(a->name, sizeof a->name, "%s", iface);
    if (!ethernet_like(iface, &a->loopback, err, errlen)) {
        *unsupported = true;
        free(a);
        return NULL;
    }
    a->n_rings = n;
    pthread_mutex_init(&a->fail_lock, NULL);
    for (unsigned i = 0; i < n; i++)
        a->rings[i] = (struct ring){.fd = -1, .block_bytes = block, .n_blocks = n_blocks,
                                    .cpu = cfg->n_cpus ? cfg->cpus[i % cfg->n_cpus] : -1};
    int group = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!ring_open(a, &a->rings[i], ifindex, &group, err, errlen)) {
            afpacket_close(a);
            return NULL;
        }
    }
    a->if_drops_known = interface_drops(a->name, &a->if_drops_at_open);
    return a;
}

bool afpacket_set_filter(struct afpacket *a, const char *filter, char *err, size_t errlen)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    if (dead == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    struct bpf_program prog;
    if (pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "bad BPF filter '%s': %s", filter, pcap_geterr(dead));
        pcap_close(dead);
        return false;
    }
    /* struct bpf_insn and the kernel's struct sock_filter are the same layout */
    struct sock_fprog fprog = {.len = (unsigned short)prog.bf_len, .filter = (struct sock_filter *)prog.bf_insns};
    bool ok = true;
    for (unsigned i = 0; i < a->n_rings && ok; i++)
        ok = setsockopt(a->rings[i].fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) == 0;
    if (!ok)
        snprintf(err, errlen, "cannot install BPF filter '%s' in the kernel: %s", filter, strerror(errno));
    pcap_freecode(&prog);
    pcap_close(dead);
    a->filtered = ok;
    return ok;
}

/* The frame as it was on the wire: the kernel took the 802.1Q tag out. */
static const uint8_t *with_vlan_tag(struct ring *r, const struct tpacket3_hdr *h, const uint8_t *data,
                                    uint32_t *caplen, uint32_t *wirelen)
{
    if (!(h->tp_status & TP_STATUS_VLAN_VALID) || *caplen < 2 * ETH_ALEN)
        return data;
    uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
    uint8_t tag[VLAN_TAG_BYTES] = {(uint8_t)(tpid >> 8), (uint8_t)tpid, (uint8_t)(h->hv1.tp_vlan_tci >> 8),
                                   (uint8_t)h->hv1.tp_vlan_tci};
    memcpy(r->scratch, data, 2 * ETH_ALEN);
    memcpy(r->scratch + 2 * ETH_ALEN, tag, sizeof tag);
    memcpy(r->scratch + 2 * ETH_ALEN + sizeof tag, data + 2 * ETH_ALEN, *caplen - 2 * ETH_ALEN);
    *caplen += VLAN_TAG_BYTES;
    *wirelen += VLAN_TAG_BYTES;
    return r->scratch;
}

static void deliver_block(struct afpacket *a, unsigned lane, const struct tpacket_block_desc *bd,
                          capture_packet_fn fn, void *ctx)
{
    struct ring *r = &a->rings[lane];
    const uint8_t *base = (const uint8_t *)bd;
    uint32_t off = bd->hdr.bh1.offset_to_first_pkt;
    for (uint32_t i = 0; i < bd->hdr.bh1.num_pkts && off + sizeof(struct tpacket3_hdr) <= r->block_bytes; i++) {
        const struct tpacket3_hdr *h = (const struct tpacket3_hdr *)(base + off);
        uint32_t caplen = h->tp_snaplen, wirelen = h->tp_len;
        if ((uint64_t)off + h->tp_mac + caplen > r->block_bytes)
            break; /* the kernel never writes this; a bound all the same */
        const struct sockaddr_ll *sll = (const void *)(base + off + TPACKET_ALIGN(sizeof *h));
        if (!(a->loopback && sll->sll_pkttype == PACKET_OUTGOING)) {
            const uint8_t *data = with_vlan_tag(r, h, base + off + h->tp_mac, &caplen, &wirelen);
            atomic_store_explicit(&r->packets, atomic_load_explicit(&r->packets, memory_order_relaxed) + 1,
                                  memory_order_relaxed);
            atomic_store_explicit(&r->bytes, atomic_load_explicit(&r->bytes, memory_order_relaxed) + caplen,
                                  memory_order_relaxed);
            fn(ctx, lane, DLT_EN10MB, (int64_t)h->tp_sec * 1000000 + h->tp_nsec / 1000, data, caplen, wirelen);
        }
        if (h->tp_next_offset == 0)
            break;
        off += h->tp_next_offset;
    }
}

/* The blocks the kernel has handed over, up to max; how many were taken. */
static unsigned ring_drain(struct afpacket *a, unsigned lane, capture_packet_fn fn, void *ctx, unsigned max)
{
    struct ring *r = &a->rings[lane];
    unsigned n = 0;
    while (n < max) {
        struct tpacket_block_desc *bd = (void *)(r->map + (size_t)r->next * r->block_bytes);
        if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
            break;
        deliver_block(a, lane, bd, fn, ctx);
        __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        r->next = (r->next + 1) % r->n_blocks;
        n++;
    }
    return n;
}

static bool ring_failed(struct afpacket *a, const struct pollfd *p, char *msg, size_t msglen)
{
    if (!(p->revents & (POLLERR | POLLHUP | POLLNVAL)))
        return false;
    int e = 0;
    socklen_t len = sizeof e;
    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
        e = errno;
    if (e == 0 && !(p->revents & POLLNVAL))
        return false;
    snprintf(msg, msglen, "%s: %s", a->name, e == ENETDOWN ? "the interface went down" : strerror(e ? e : EBADF));
    return true;
}

static int64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* At the stop, no packet is left uncounted: the ring stops taking any
 * (the drop-all filter again), the kernel retires its last partly filled
 * blocks, and everything in them is delivered. Then every packet the
 * kernel counted was either delivered or dropped. */
static void drain_at_stop(struct afpacket *a, unsigned lane, capture_packet_fn fn, void *ctx)
{
    struct ring *r = &a->rings[lane];
    attach_drop_all(r->fd);
    struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
    for (int round = 0; round < 3; round++) {
        poll(&pfd, 1, 2 * BLOCK_RETIRE_MS);
        while (ring_drain(a, lane, fn, ctx, BLOCKS_PER_TURN) > 0) {
        }
    }
}

/* The first failure ends every ring's thread; its message is kept. */
static void lane_failed(struct afpacket *a, const char *msg)
{
    pthread_mutex_lock(&a->fail_lock);
    if (a->fail_msg[0] == '\0')
        snprintf(a->fail_msg, sizeof a->fail_msg, "%s", msg);
    pthread_mutex_unlock(&a->fail_lock);
    atomic_store(&a->quit, true);
}

struct lane {
    struct afpacket *a;
    unsigned index;
    const struct afpacket_callbacks *cb;
    volatile sig_atomic_t *stop;
};

/* One ring's thread: its packets to its worker, until the stop. */
static void *lane_main(void *arg)
{
    struct lane *l = arg;
    struct afpacket *a = l->a;
    struct ring *r = &a->rings[l->index];
    const struct afpacket_callbacks *cb = l->cb;
    struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
    int64_t last_idle = 0;
    char msg[256];
    while (!*l->stop && !atomic_load_explicit(&a->quit, memory_order_relaxed)) {
        unsigned taken = ring_drain(a, l->index, cb->packet, cb->ctx, BLOCKS_PER_TURN);
        if (taken == 0) {
            if (poll(&pfd, 1, RUN_IDLE_MS) < 0 && errno != EINTR) {
                snprintf(msg, sizeof msg, "%s: %s", a->name, strerror(errno));
                lane_failed(a, msg);
                break;
            }
            if (ring_failed(a, &pfd, msg, sizeof msg)) {
                lane_failed(a, msg);
                break;
            }
        }
        int64_t now = monotonic_ns();
        if (cb->lane_idle && (taken == 0 || now - last_idle >= IDLE_EVERY_NS)) {
            last_idle = now;
            cb->lane_idle(cb->lane_idle_ctx, l->index);
        }
    }
    drain_at_stop(a, l->index, cb->packet, cb->ctx);
    return NULL;
}

static bool pin_lane(pthread_t thread, int cpu)
{
    if (cpu < 0)
        return true;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(thread, sizeof set, &set) == 0;
}

enum capture_status afpacket_run(struct afpacket *a, const struct afpacket_callbacks *cb, volatile sig_atomic_t *stop,
                                 char *msg, size_t msglen)
{
    struct lane lanes[CAPTURE_MAX_RINGS];
    for (unsigned i = 0; i < a->n_rings; i++) {
        /* no filter asked: the drop-all one installed at open goes */
        int unused = 0;
        if (!a->filtered)
            setsockopt(a->rings[i].fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused);
    }
    enum capture_status status = CAPTURE_END;
    for (unsigned i = 0; i < a->n_rings; i++) {
        struct ring *r = &a->rings[i];
        lanes[i] = (struct lane){.a = a, .index = i, .cb = cb, .stop = stop};
        if (pthread_create(&r->thread, NULL, lane_main, &lanes[i]) != 0) {
            snprintf(msg, msglen, "%s: cannot start a capture thread", a->name);
            status = CAPTURE_FAILED;
            break;
        }
        r->thread_started = true;
        char name[16]; /* what top -H and /proc/PID/task/TID/comm show */
        snprintf(name, sizeof name, "vigil-ring%u", i);
        pthread_setname_np(r->thread, name);
        if (!pin_lane(r->thread, r->cpu)) {
            snprintf(msg, msglen, "--cpus: cannot run on CPU %d", r->cpu);
            status = CAPTURE_FAILED;
            break;
        }
    }
    if (status != CAPTURE_END)
        atomic_store(&a->quit, true);
    while (!*stop && !atomic_load(&a->quit)) {
        poll(NULL, 0, RUN_IDLE_MS);
        if (cb->idle)
            cb->idle(cb->idle_ctx);
    }
    atomic_store(&a->quit, true);
    for (unsigned i = 0; i < a->n_rings; i++)
        if (a->rings[i].thread_started) {
            pthread_join(a->rings[i].thread, NULL);
            a->rings[i].thread_started = false;
        }
    a->stopped = true;
    if (status == CAPTURE_END && a->fail_msg[0]) {
        snprintf(msg, msglen, "%s", a->fail_msg);
        status = CAPTURE_FAILED;
    }
    return status;
}

void afpacket_get_stats(struct afpacket *a, struct capture_stats *st)
{
    memset(st, 0, sizeof *st);
    st->n_rings = a->n_rings;
    for (unsigned i = 0; i < a->n_rings; i++) {
        struct ring *r = &a->rings[i];
        struct tpacket_stats_v3 ks;
        socklen_t len = sizeof ks;
        if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0) {
            r->drops += ks.tp_drops;
            r->kernel_packets += ks.tp_packets; /* counts the drops too */
        }
        st->ring_packets[i] = atomic_load_explicit(&r->packets, memory_order_relaxed);
        st->ring_bytes[i] = atomic_load_explicit(&r->bytes, memory_order_relaxed);
        st->ring_drops[i] = r->drops;
        st->received += r->kernel_packets;
        st->dropped += r->drops;
    }
    int64_t now_ns = monotonic_ns();
    uint64_t now;
    if (a->if_drops_known && (a->stopped || now_ns - a->if_drops_read_ns >= 1000000000) &&
        interface_drops(a->name, &now) && now >= a->if_drops_at_open) {
        a->if_drops = now - a->if_drops_at_open;
        a->if_drops_read_ns = now_ns;
    }
    st->if_dropped = a->if_drops;
}

void afpacket_close(struct afpacket *a)
{
    if (a == NULL)
        return;
    for (unsigned i = 0; i < a->n_rings; i++) {
        struct ring *r = &a->rings[i];
        if (r->map)
            munmap(r->map, r->map_bytes);
        if (r->fd >= 0)
            close(r->fd);
        free(r->scratch);
    }
    pthread_mutex_destroy(&a->fail_lock);
    free(a);
}
