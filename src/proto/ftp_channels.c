/* The per-worker table of announced FTP data channels and control links
 * (ftp_internal.h). The control connection and its data connections share
 * one worker because the engine picks the worker by the address pair, not
 * the ports. */
#include "proto/ftp_internal.h"

#include <stdlib.h>
#include <string.h>

struct ftp_channel {
    bool used, claimed;
    struct ftp_data_channel dc;
    uint16_t claimed_orig_p;
    int64_t expires_us;
    struct ftp_link_ref link;
};

struct ftp_worker {
    struct ftp_channel channels[FTP_CHANNELS_MAX];
    struct ftp_link links[FTP_LINKS_MAX];
    uint32_t next_gen;
    unsigned next_link, next_channel;   /* where a full table replaces the oldest */
};

void *ftp_worker_open(void)
{
    return calloc(1, sizeof(struct ftp_worker));
}

void ftp_worker_close(void *worker_state, struct app_env *env)
{
    (void)env;
    free(worker_state);
}

bool ftp_link_new(struct ftp_worker *w, struct ftp_link_ref *out)
{
    if (w == NULL)
        return false;
    unsigned pick = w->next_link % FTP_LINKS_MAX;
    for (unsigned i = 0; i < FTP_LINKS_MAX; i++) {
        unsigned k = (w->next_link + i) % FTP_LINKS_MAX;
        if (w->links[k].gen == 0) {
            pick = k;
            break;
        }
    }
    w->next_link = pick + 1;
    if (++w->next_gen == 0)
        w->next_gen = 1;
    memset(&w->links[pick], 0, sizeof w->links[pick]);
    w->links[pick].gen = w->next_gen;
    out->index = (uint16_t)pick;
    out->gen = w->next_gen;
    return true;
}

struct ftp_link *ftp_link_get(struct ftp_worker *w, struct ftp_link_ref ref)
{
    if (w == NULL || ref.gen == 0 || ref.index >= FTP_LINKS_MAX || w->links[ref.index].gen != ref.gen)
        return NULL;
    return &w->links[ref.index];
}

void ftp_link_release(struct ftp_worker *w, struct ftp_link_ref ref)
{
    struct ftp_link *l = ftp_link_get(w, ref);
    if (l != NULL)
        l->gen = 0;
}

bool ftp_channel_expect(struct ftp_worker *w, struct ftp_link_ref ref, const struct ftp_data_channel *dc,
                        int64_t ts_us)
{
    if (w == NULL)
        return false;
    struct ftp_channel *slot = NULL;
    for (unsigned i = 0; i < FTP_CHANNELS_MAX && slot == NULL; i++) {
        struct ftp_channel *c = &w->channels[i];
        if (!c->used || c->expires_us < ts_us)
            slot = c;
    }
    bool room = slot != NULL;
    if (slot == NULL)
        slot = &w->channels[w->next_channel++ % FTP_CHANNELS_MAX];
    *slot = (struct ftp_channel){.used = true, .dc = *dc, .expires_us = ts_us + FTP_EXPECT_US, .link = ref};
    return room;
}

static bool same_ends(const struct ftp_channel *c, const struct app_conn *conn)
{
    return c->dc.resp_p == conn->resp_p && ip_addr_cmp(&c->dc.resp_h, &conn->resp_h) == 0 &&
           ip_addr_cmp(&c->dc.orig_h, &conn->orig_h) == 0;
}

bool ftp_channel_claim(struct ftp_worker *w, const struct app_conn *conn, int64_t ts_us)
{
    for (unsigned i = 0; w != NULL && i < FTP_CHANNELS_MAX; i++) {
        struct ftp_channel *c = &w->channels[i];
        if (c->used && !c->claimed && c->expires_us >= ts_us && same_ends(c, conn)) {
            c->claimed = true;
            c->claimed_orig_p = conn->orig_p;
            return true;
        }
    }
    return false;
}

bool ftp_channel_take(struct ftp_worker *w, const struct app_conn *conn, struct ftp_link_ref *out)
{
    for (unsigned i = 0; w != NULL && i < FTP_CHANNELS_MAX; i++) {
        struct ftp_channel *c = &w->channels[i];
        if (c->used && c->claimed && c->claimed_orig_p == conn->orig_p && same_ends(c, conn)) {
            *out = c->link;
            c->used = false;
            return true;
        }
    }
    return false;
}
