#include "session.h"

#include <stdlib.h>
#include <string.h>

uint64_t rng_next(struct gen *g)
{
    /* splitmix64: tiny, seedable, good enough for traffic shapes. */
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t rng_below(struct gen *g, uint32_t n)
{
    return n ? (uint32_t)((rng_next(g) >> 32) % n) : 0;
}

void rng_fill(struct gen *g, uint8_t *p, size_t n)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-\n";
    uint64_t r = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i & 7) == 0)
            r = rng_next(g);
        p[i] = (uint8_t)alphabet[(r & 0xff) % (sizeof alphabet - 1)];
        r >>= 8;
    }
}

bool gen_init(struct gen *g, const struct gen_options *opt, const char *path)
{
    memset(g, 0, sizeof *g);
    g->opt = *opt;
    g->rng = opt->seed ^ 0x5649474c47454e00ull; /* "VIGLGEN" */
    pkt_reset(&g->pkt);
    return pw_open(&g->writer, path, opt->pcapng);
}

static bool grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    void *nb = realloc(*buf, n * elem);
    if (!nb)
        return false;
    *buf = nb;
    *cap = n;
    return true;
}

void gen_queue_lying(struct gen *g, int iface, uint64_t ts_us, const uint8_t *data, uint32_t present,
                     uint32_t caplen_field, uint32_t block_len)
{
    if (!grow((void **)&g->queue, &g->queue_cap, g->queue_len + 1, sizeof *g->queue) ||
        !grow((void **)&g->bytes, &g->bytes_cap, g->bytes_len + present, 1)) {
        g->failed = true;
        return;
    }
    struct queued_packet *q = &g->queue[g->queue_len];
    q->ts_us = ts_us;
    q->order = g->queue_len;
    q->offset = g->bytes_len;
    q->len = present;
    q->caplen_field = caplen_field;
    q->block_len = block_len;
    q->iface = iface;
    memcpy(g->bytes + g->bytes_len, data, present);
    g->bytes_len += present;
    g->queue_len++;
}

void gen_queue(struct gen *g, int iface, uint64_t ts_us, const uint8_t *data, uint32_t len)
{
    gen_queue_lying(g, iface, ts_us, data, len, 0, 0);
}

static int queued_cmp(const void *a, const void *b)
{
    const struct queued_packet *x = a, *y = b;
    if (x->ts_us != y->ts_us)
        return x->ts_us < y->ts_us ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

bool gen_finish(struct gen *g)
{
    if (g->queue_len)
        qsort(g->queue, g->queue_len, sizeof *g->queue, queued_cmp);
    for (size_t i = 0; i < g->queue_len; i++) {
        const struct queued_packet *q = &g->queue[i];
        const uint8_t *data = g->bytes + q->offset;
        if (q->caplen_field)
            pw_write_lying(&g->writer, q->iface, q->ts_us, data, q->len, q->caplen_field, q->caplen_field,
                           q->block_len);
        else
            pw_write(&g->writer, q->iface, q->ts_us, data, q->len);
    }
    bool ok = pw_close(&g->writer);
    return ok && !g->failed;
}

void gen_free(struct gen *g)
{
    if (g->writer.file)
        pw_close(&g->writer);
    free(g->queue);
    free(g->bytes);
    g->queue = NULL;
    g->bytes = NULL;
}

void mac_for_ip(uint8_t mac[6], const struct ip_pair *ip, bool dst)
{
    const uint8_t *a = dst ? ip->dst : ip->src;
    size_t off = ip->v6 ? 12 : 0;
    mac[0] = 0x02; /* locally administered, unicast */
    mac[1] = ip->v6 ? 0x66 : 0x44;
    memcpy(mac + 2, a + off, 4);
}

void path_push(struct path *pa, const struct layer *l)
{
    if (pa->n < PATH_MAX_LAYERS)
        pa->layers[pa->n++] = *l;
}

void path_push_eth(struct path *pa, const struct ip_pair *ip)
{
    struct layer l = {.kind = LY_ETH};
    mac_for_ip(l.mac_a, ip, false);
    mac_for_ip(l.mac_b, ip, true);
    path_push(pa, &l);
}

void path_ethernet(struct path *pa, int iface, const struct ip_pair *ip)
{
    memset(pa, 0, sizeof *pa);
    pa->iface = iface;
    path_push_eth(pa, ip);
}

void ethernet_v4(struct ip_pair *ip, struct path *pa, int iface, const char *src, const char *dst)
{
    ip_pair_v4(ip, src, dst);
    path_ethernet(pa, iface, ip);
}

void ethernet_v6(struct ip_pair *ip, struct path *pa, int iface, const char *src, const char *dst)
{
    ip_pair_v6(ip, src, dst);
    path_ethernet(pa, iface, ip);
}

void path_apply(struct path *pa, struct pkt *p, int dir)
{
    pa->counter++;
    for (size_t i = 0; i < pa->n; i++) {
        const struct layer *l = &pa->layers[i];
        const uint8_t *src_mac = dir ? l->mac_b : l->mac_a;
        const uint8_t *dst_mac = dir ? l->mac_a : l->mac_b;
        struct ip_pair ip = l->ip;
        if (dir)
            ip_pair_swap(&ip);
        switch (l->kind) {
        case LY_ETH: pb_eth(p, src_mac, dst_mac); break;
        case LY_VLAN: pb_vlan(p, (uint16_t)l->value, 0, false); break;
        case LY_SVLAN: pb_vlan(p, (uint16_t)l->value, 0, true); break;
        case LY_MPLS: pb_mpls(p, l->value, 64); break;
        case LY_PPPOE: pb_pppoe(p, (uint16_t)l->value); break;
        case LY_SLL: pb_sll(p, dir ? 4 : 0, src_mac); break; /* 0: to us, 4: outgoing */
        case LY_SLL2: pb_sll2(p, dir ? 4 : 0, 2, src_mac); break;
        case LY_NULL: pb_null(p, false); break;
        case LY_LOOP: pb_null(p, true); break;
        case LY_GRE: pb_gre(p, false, 0); break;
        case LY_GRE_SEQ: pb_gre(p, true, pa->counter); break;
        case LY_ERSPAN2: pb_erspan2(p, (uint16_t)l->value, 0, pa->counter & 0xfffff); break;
        case LY_VXLAN: pb_vxlan(p, l->value); break;
        case LY_GTPU: pb_gtpu(p, l->value); break;
        case LY_PPPOE_PFC: pb_pppoe_compressed(p, (uint16_t)l->value); break;
        case LY_NFLOG: pb_nflog(p); break;
        case LY_WLAN: pb_wlan(p, dir, l->mac_a, l->mac_b, (uint16_t)pa->counter, l->value); break;
        case LY_RADIOTAP:
            pb_wlan(p, dir, l->mac_a, l->mac_b, (uint16_t)pa->counter, l->value);
            pb_radiotap(p);
            break;
        case LY_FRELAY: pb_frame_relay(p, (uint16_t)l->value, false); break;
        case LY_FRELAY_SNAP: pb_frame_relay(p, (uint16_t)l->value, true); break;
        case LY_ERSPAN3: pb_erspan3(p, (uint16_t)l->value, pa->counter * 1000u); break;
        case LY_GTPU_EXT: pb_gtpu_ext(p, l->value, (uint16_t)pa->counter); break;
        case LY_UDP:
            /* Tunnel endpoints keep their ports in both directions (the well-known
             * port is always the destination), as VXLAN and GTP-U do. */
            pb_udp(p, &ip, l->port_a, l->port_b);
            break;
        case LY_IPV4: {
            struct ipv4_params ipp = {.ttl = 64, .id = (uint16_t)(pa->counter * 7 + dir * 1000)};
            pb_ipv4(p, &ip, &ipp);
            break;
        }
        case LY_IPV6: pb_ipv6(p, &ip, 64, 0); break;
        }
    }
}

void emit_ip(struct gen *g, struct path *pa, const struct ip_pair *ip, int dir, uint64_t ts, uint16_t ip_id)
{
    struct pkt *p = &g->pkt;
    if (ip->v6) {
        pb_ipv6(p, ip, dir ? 57 : 64, 0);
    } else {
        struct ipv4_params ipp = {.ttl = (uint8_t)(dir ? 57 : 64), .id = ip_id, .df = p->kind == PK_TCP};
        pb_ipv4(p, ip, &ipp);
    }
    path_apply(pa, p, dir);
    if (g->pad_frames && p->len < 60) {
        /* what a NIC sends to reach Ethernet's minimum; never part of the IP packet */
        size_t pad = 60 - p->len;
        memset(pkt_append(p, pad), 'P', pad);
    }
    gen_queue(g, pa->iface, ts, pkt_data(p), (uint32_t)p->len);
}

void tcp_flow_init(struct tcp_flow *f, struct gen *g, struct path *path, const struct ip_pair *ip,
                   uint16_t client_port, uint16_t server_port, uint64_t start_us)
{
    memset(f, 0, sizeof *f);
    f->g = g;
    f->path = path;
    f->ip = *ip;
    f->port[0] = client_port;
    f->port[1] = server_port;
    f->seq[0] = (uint32_t)rng_next(g);
    f->seq[1] = (uint32_t)rng_next(g);
    f->win[0] = 502;   /* scaled by 2^7: ~64 KB */
    f->win[1] = 509;
    f->mss = ip->v6 ? 1440 : 1460;
    f->timestamps = !g->tcp_timestamps_off;
    f->ts_base[0] = (uint32_t)rng_next(g);
    f->ts_base[1] = (uint32_t)rng_next(g);
    f->ip_id[0] = (uint16_t)rng_next(g);
    f->ip_id[1] = (uint16_t)rng_next(g);
    f->now = start_us;
    f->rtt_us = 20000 + rng_below(g, 60000);
}

static uint32_t tcp_tsval(const struct tcp_flow *f, int dir)
{
    return f->ts_base[dir] + (uint32_t)(f->now / 1000);
}

void tcp_segment_at(struct tcp_flow *f, int dir, uint8_t flags, uint32_t seq, const uint8_t *data, size_t len)
{
    struct gen *g = f->g;
    struct ip_pair ip;
    struct pkt *p = pkt_start_from(g, &f->ip, dir, data, len, &ip);
    struct tcp_opts opts = {.wscale = 0xff};
    if (f->timestamps) {
        opts.timestamps = true;
        opts.tsval = tcp_tsval(f, dir);
        opts.tsecr = (flags & TCP_ACK_FLAG) ? tcp_tsval(f, !dir) - f->rtt_us / 2000 : 0;
    }
    if (flags & TCP_SYN_FLAG) {
        opts.mss = f->mss;
        opts.sack_perm = true;
        opts.wscale = 7;
    }
    uint32_t ack = (flags & TCP_ACK_FLAG) ? f->seq[!dir] : 0;
    /* A SYN carries an unscaled window; later segments the scaled one. */
    uint16_t win = (flags & TCP_SYN_FLAG) ? 64240 : f->win[dir];
    if (flags & TCP_RST_FLAG)
        win = 0;
    pb_tcp(p, &ip, f->port[dir], f->port[!dir], seq, ack, flags, win, &opts);
    if (f->corrupt_next_checksum) {
        uint8_t *tcp = pkt_data(p);
        tcp[16] ^= 0x5a;
        f->corrupt_next_checksum = false;
    }
    emit_ip(g, f->path, &ip, dir, f->now, f->ip_id[dir]++);
}

void tcp_segment(struct tcp_flow *f, int dir, uint8_t flags, const uint8_t *data, size_t len)
{
    tcp_segment_at(f, dir, flags, f->seq[dir], data, len);
    f->seq[dir] += (uint32_t)len + ((flags & TCP_SYN_FLAG) ? 1 : 0) + ((flags & TCP_FIN_FLAG) ? 1 : 0);
}

void tcp_wait(struct tcp_flow *f, uint64_t us)
{
    f->now += us;
}

void tcp_say(struct tcp_flow *f, int dir, const char *text, const struct tcp_pace *pace)
{
    tcp_send(f, dir, (const uint8_t *)text, strlen(text));
    tcp_wait(f, pace->base_us + rng_below(f->g, pace->jitter_us));
}

void tcp_connect(struct tcp_flow *f, struct gen *g, struct path *path, const struct ip_pair *ip, uint16_t client_port,
                 uint16_t server_port, uint64_t start_us)
{
    tcp_flow_init(f, g, path, ip, client_port, server_port, start_us);
    tcp_handshake(f);
}

void tcp_conn_open_v4(struct tcp_conn *c, struct gen *g, int iface, const char *src, uint16_t sport, const char *dst,
                      uint16_t dport, uint64_t start_us)
{
    ethernet_v4(&c->ip, &c->pa, iface, src, dst);
    tcp_connect(&c->f, g, &c->pa, &c->ip, sport, dport, start_us);
}

void tcp_handshake(struct tcp_flow *f)
{
    tcp_segment(f, 0, TCP_SYN_FLAG, NULL, 0);
    tcp_wait(f, f->rtt_us / 2);
    tcp_segment(f, 1, TCP_SYN_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(f, f->rtt_us / 2);
    tcp_segment(f, 0, TCP_ACK_FLAG, NULL, 0);
    tcp_wait(f, 200);
}

void tcp_send(struct tcp_flow *f, int dir, const uint8_t *data, size_t len)
{
    unsigned since_ack = 0;
    while (len) {
        size_t n = len < f->mss - (f->timestamps ? 12u : 0u) ? len : f->mss - (f->timestamps ? 12u : 0u);
        len -= n;
        tcp_segment(f, dir, (uint8_t)(TCP_ACK_FLAG | (len == 0 ? TCP_PSH_FLAG : 0)), data, n);
        data += n;
        since_ack++;
        tcp_wait(f, 30 + n / 10);
        if (since_ack == 2 || len == 0) {
            tcp_wait(f, f->rtt_us / 2);
            tcp_segment(f, !dir, TCP_ACK_FLAG, NULL, 0);
            tcp_wait(f, len ? 100 : f->rtt_us / 2);
            since_ack = 0;
        }
    }
}

void tcp_send_filler(struct tcp_flow *f, int dir, size_t n)
{
    uint8_t chunk[4096];
    while (n) {
        size_t take = n < sizeof chunk ? n : sizeof chunk;
        rng_fill(f->g, chunk, take);
        tcp_send(f, dir, chunk, take);
        n -= take;
    }
}

void tcp_close(struct tcp_flow *f, int dir)
{
    tcp_segment(f, dir, TCP_FIN_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(f, f->rtt_us / 2);
    tcp_segment(f, !dir, TCP_FIN_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(f, f->rtt_us / 2);
    tcp_segment(f, dir, TCP_ACK_FLAG, NULL, 0);
    tcp_wait(f, 1000);
}

void tcp_reset(struct tcp_flow *f, int dir)
{
    tcp_segment(f, dir, TCP_RST_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(f, 1000);
}

void tcp_skip(struct tcp_flow *f, int dir, uint32_t n)
{
    f->seq[dir] += n;
}

struct pkt *pkt_start_from(struct gen *g, const struct ip_pair *ip, int dir, const void *payload, size_t len,
                           struct ip_pair *oriented)
{
    struct pkt *p = &g->pkt;
    pkt_reset(p);
    pkt_append_bytes(p, payload, len);
    *oriented = *ip;
    if (dir)
        ip_pair_swap(oriented);
    return p;
}

void udp_datagram(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint16_t dport,
                  int dir, uint64_t ts, const uint8_t *data, size_t len)
{
    struct ip_pair oriented;
    struct pkt *p = pkt_start_from(g, ip, dir, data, len, &oriented);
    pb_udp(p, &oriented, dir ? dport : sport, dir ? sport : dport);
    emit_ip(g, pa, &oriented, dir, ts, (uint16_t)rng_next(g));
}

uint64_t icmp_echo(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t id, unsigned count,
                   uint64_t start, uint32_t rtt_us)
{
    uint8_t payload[56];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(0x10 + i);
    uint64_t t = start;
    for (unsigned seq = 1; seq <= count; seq++) {
        for (int dir = 0; dir < 2; dir++) {
            struct ip_pair oriented;
            struct pkt *p = pkt_start_from(g, ip, dir, payload, sizeof payload, &oriented);
            uint32_t rest = (uint32_t)id << 16 | seq;
            if (ip->v6)
                pb_icmp6(p, &oriented, dir ? 129 : 128, 0, rest);
            else
                pb_icmp4(p, dir ? 0 : 8, 0, rest);
            emit_ip(g, pa, &oriented, dir, t + (dir ? rtt_us : 0), (uint16_t)(id + seq + dir * 500));
        }
        t += US_PER_SEC;
    }
    return t;
}
