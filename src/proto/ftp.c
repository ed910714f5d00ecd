/* FTP control connections, as Zeek's FTP analyzer and base/protocols/ftp
 * script see them, with Suricata's per-command transactions beside.
 *
 * Commands queue as pending (Zeek's pending_commands, starting with the
 * "<init>" shim the greeting answers); each reply line goes to the pending
 * command that fits it best (FTP::get_pending_cmd: a compatible reply code,
 * the command or its argument named in the message, then the oldest). A
 * final reply publishes the command (EVENT_FTP): Zeek's ftp_message, whose
 * row ftp.log writes for FTP::logged_commands only; 1xx replies and the
 * lines of a multi-line reply are kept for EVE. PASV/EPSV replies and
 * PORT/EPRT commands announce the data channel to ftp_data.c through the
 * worker's channel table; the file a data connection carried comes back
 * through the control connection's link (fuid, MIME type). AUTH TLS/SSL
 * answered 234 gives the rest of the connection to TLS ("ftp,ssl"). */
#include "proto/ftp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ftp_internal.h"

#define FTP_PENDING_MAX 8
#define FTP_CWD_MAX 1024

/* Zeek's FTP::guest_ids: their passwords are logged. */
static const char *const guest_ids[] = {"anonymous", "ftp", "ftpuser", "guest"};
/* Zeek's defaults of the FTP options (main.zeek; FTP::max_command_length
 * is the analyzer's). */
static const struct ftp_settings default_settings = {
    .n_logged = 10,
    .logged = {"APPE", "DELE", "RETR", "STOR", "STOU", "ACCT", "PORT", "PASV", "EPRT", "EPSV"},
    .max_arg_length = 4096,
    .max_reply_msg_length = 4096,
    .max_user_length = 128,
    .max_password_length = 128,
    .max_command_length = 100,
};
/* Zeek's file_cmds: their argument is logged as a URL. */
static const char *const file_commands[] = {"APPE", "CWD", "DELE", "MKD",  "RETR", "RMD", "RNFR",
                                            "RNTO", "STOR", "STOU", "REST", "SIZE", "MDTM"};
/* Commands whose data connection carries a file Suricata names (ftp_data). */
static const char *const data_commands[] = {"RETR", "STOR", "APPE", "STOU", "LIST", "NLST", "MLSD"};

/* Reply codes that answer a command (RFC 959 section 5.4, as Zeek's
 * FTP::cmd_reply_code), for matching replies to pending commands. */
static const struct {
    const char *cmd;
    unsigned short codes[12];
} cmd_reply_codes[] = {
    {"<init>", {120, 220, 421}},
    {"USER", {230, 331, 332, 421, 530, 500, 501}},
    {"PASS", {230, 202, 332, 421, 530, 500, 501, 503}},
    {"ACCT", {230, 202, 421, 530, 500, 501, 503}},
    {"CWD", {250, 421, 500, 501, 502, 530, 550}},
    {"CDUP", {200, 250, 421, 500, 501, 502, 530, 550}},
    {"QUIT", {221, 500}},
    {"REIN", {120, 220, 421, 500, 502}},
    {"PORT", {200, 421, 500, 501, 530}},
    {"EPRT", {200, 421, 500, 501, 522, 530}},
    {"PASV", {227, 421, 500, 501, 502, 530}},
    {"EPSV", {229, 421, 500, 501, 502, 522, 530}},
    {"TYPE", {200, 421, 500, 501, 504, 530}},
    {"STRU", {200, 421, 500, 501, 504, 530}},
    {"MODE", {200, 421, 500, 501, 504, 530}},
    {"RETR", {110, 125, 150, 226, 250, 421, 425, 426, 451, 450, 500, 550}},
    {"STOR", {110, 125, 150, 226, 250, 421, 425, 426, 451, 551, 552, 550}},
    {"STOU", {110, 125, 150, 226, 250, 421, 425, 426, 451, 551, 552, 550}},
    {"APPE", {110, 125, 150, 226, 250, 421, 425, 426, 451, 551, 552, 550}},
    {"LIST", {125, 150, 226, 250, 421, 425, 426, 451, 450, 500, 501, 502}},
    {"NLST", {125, 150, 226, 250, 421, 425, 426, 451, 450, 500, 501, 502}},
    {"MLSD", {125, 150, 226, 250, 421, 425, 426, 451, 450, 500, 501, 550}},
    {"SIZE", {213, 421, 500, 501, 550}},
    {"MDTM", {213, 421, 500, 501, 550}},
    {"SYST", {215, 421, 500, 501, 502}},
    {"STAT", {211, 212, 213, 421, 450, 500, 501, 502, 530}},
    {"HELP", {211, 214, 421, 500, 501, 502}},
    {"NOOP", {200, 421, 500}},
    {"FEAT", {211, 500, 502}},
    {"OPTS", {200, 451, 500, 501}},
    {"PWD", {257, 421, 500, 501, 502, 550}},
    {"XPWD", {257, 421, 500, 501, 502, 550}},
    {"MKD", {257, 421, 500, 501, 502, 530, 550}},
    {"RMD", {250, 421, 500, 501, 502, 530, 550}},
    {"DELE", {250, 421, 450, 550, 500, 501, 502, 530}},
    {"RNFR", {350, 421, 450, 550, 500, 501, 502, 530}},
    {"RNTO", {250, 421, 532, 553, 500, 501, 502, 503, 530}},
    {"REST", {350, 421, 500, 501, 502, 530}},
    {"ABOR", {225, 226, 421, 500, 501, 502}},
    {"AUTH", {234, 334, 431, 500, 501, 502, 504, 534}},
    {"PBSZ", {200, 503, 530}},
    {"PROT", {200, 431, 503, 504, 530, 534, 536}},
};

struct pending {
    uint64_t seq;
    int64_t ts_us;
    char cmd[FTP_CMD_MAX];
    char arg[FTP_LINE_MAX];
    size_t arg_len;
    bool truncated;
    bool zeek_hidden;       /* Zeek's analyzer dropped the line (over-long command): EVE's alone */
    uint16_t dynamic_port;
    bool active_mode;
    size_t n_replies, pool_used;
    struct {
        unsigned code;
        uint16_t off, len;
    } replies[FTP_REPLIES_MAX];
    bool reply_truncated;
    char pool[FTP_REPLY_POOL];
};

struct line_buf {
    char buf[FTP_LINE_MAX];
    size_t len;
    bool overflow;          /* the line went on past the buffer: cut */
};

struct ftp_session {
    const struct ftp_settings *set; /* the run's, or default_settings */
    struct line_buf line[2];        /* [0] replies, [1] commands */
    struct pending pending[FTP_PENDING_MAX];
    size_t n_pending;
    uint64_t command_seq;
    bool stopped;
    bool tls_requested;             /* AUTH TLS/SSL sent */
    bool confirmed;                 /* a command was parsed (Zeek's AnalyzerConfirmed) */
    /* Zeek's summary of a session that logged nothing (finalize_ftp): the
     * last command published while no ftp.log row was, written at the end
     * when a USER came. */
    bool logged_any, has_user, has_last;
    struct pending last;            /* up to its pool: the EVE reply lines are not kept */
    /* Zeek's cmdarg: the command answered while no other waited, whose
     * ftp.log row waits for the next command (and takes the replies that
     * come meanwhile) */
    bool has_held;
    struct pending held;
    bool zeek_stopped;              /* after an analyzer violation: EVE only */
    unsigned multiline_code;        /* inside a "ddd-" reply: its code */
    bool has_link;
    struct ftp_link_ref link;
    /* Zeek's FTP::Info, kept across commands */
    char user[FTP_USER_MAX];
    size_t user_len;
    bool has_password;
    char password[FTP_USER_MAX];
    size_t password_len;
    char cwd[FTP_CWD_MAX];
    bool has_reply;
    unsigned reply_code;
    char reply_msg[FTP_LINE_MAX];
    size_t reply_msg_len;
    /* reset after each logged message */
    bool has_file_size;
    uint64_t file_size;
    bool has_mime;
    char mime[96];
    bool has_fuid;
    char fuid[UID_LEN];
    bool has_data_channel;
    struct ftp_data_channel data_channel;
    char url[FTP_LINE_MAX + 128];
};

struct ftp_state {
    struct ftp_session *s;
};

static bool in_list(const char *word, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, list[i]) == 0)
            return true;
    return false;
}

#define IN_LIST(word, list) in_list(word, list, sizeof list / sizeof *list)

static void weird(struct app_env *env, const char *name)
{
    if (env->weird != NULL)
        env->weird(env, name, NULL, "FTP");
}

static bool reply_fits(const char *cmd, unsigned code)
{
    for (size_t i = 0; i < sizeof cmd_reply_codes / sizeof *cmd_reply_codes; i++) {
        if (strcmp(cmd_reply_codes[i].cmd, cmd) != 0)
            continue;
        for (size_t k = 0; k < 12 && cmd_reply_codes[i].codes[k] != 0; k++)
            if (cmd_reply_codes[i].codes[k] == code)
                return true;
        return false;
    }
    return false;
}

static bool contains(const char *hay, size_t hay_len, const char *needle, size_t n)
{
    return n == 0 || (n <= hay_len && memmem(hay, hay_len, needle, n) != NULL);
}

/* FTP::get_pending_cmd: the index of the command this reply answers. */
static size_t best_pending(const struct ftp_session *s, unsigned code, const char *msg, size_t msg_len)
{
    size_t best = 0;
    int best_score = -1;
    for (size_t i = 0; i < s->n_pending; i++) {
        const struct pending *p = &s->pending[i];
        int score = 0;
        if (code == 500 || reply_fits(p->cmd, code))
            score += 100;
        if (contains(msg, msg_len, p->cmd, strlen(p->cmd)))
            score += 20;
        if (contains(msg, msg_len, p->arg, p->arg_len))
            score += 10;
        if (score > best_score) { /* ties: the earlier command, listed first */
            best_score = score;
            best = i;
        }
    }
    return best;
}

static struct pending *add_pending(struct ftp_session *s, int64_t ts_us, const char *cmd, const char *arg,
                                   size_t arg_len, bool truncated)
{
    if (s->n_pending == FTP_PENDING_MAX) {
        /* unanswered for long: the oldest goes without a row */
        memmove(&s->pending[0], &s->pending[1], (FTP_PENDING_MAX - 1) * sizeof s->pending[0]);
        s->n_pending--;
    }
    struct pending *p = &s->pending[s->n_pending++];
    memset(p, 0, offsetof(struct pending, pool));
    p->seq = ++s->command_seq;
    p->ts_us = ts_us;
    snprintf(p->cmd, sizeof p->cmd, "%s", cmd);
    if (arg_len > sizeof p->arg - 1)
        arg_len = sizeof p->arg - 1;
    memcpy(p->arg, arg, arg_len);
    p->arg[arg_len] = '\0';
    p->arg_len = arg_len;
    p->truncated = truncated;
    return p;
}

static void remove_pending(struct ftp_session *s, size_t i)
{
    memmove(&s->pending[i], &s->pending[i + 1], (s->n_pending - i - 1) * sizeof s->pending[0]);
    s->n_pending--;
}

static void keep_reply_line(struct pending *p, unsigned code, const char *msg, size_t len, bool cut)
{
    if (cut)
        p->reply_truncated = true;
    if (p->n_replies == FTP_REPLIES_MAX || p->pool_used + len > sizeof p->pool)
        return;
    memcpy(p->pool + p->pool_used, msg, len);
    p->replies[p->n_replies].code = code;
    p->replies[p->n_replies].off = (uint16_t)p->pool_used;
    p->replies[p->n_replies].len = (uint16_t)len;
    p->n_replies++;
    p->pool_used += len;
}

/* ---- Zeek's paths.zeek: build_path_compressed ---- */

/* Removes the first "segment/.." at or after *from (compress_path's
 * cdup_sep); false when none. Nothing before the removed run can start a
 * new match except the two bytes joined to it, so the next call resumes
 * there: a hostile session's long path is compressed in one pass, not one
 * rescan per "..". */
static bool drop_one_cdup(char *path, size_t *len, size_t *from)
{
    for (size_t i = *from; i + 2 < *len; i++) {
        if (path[i] != '/' || path[i + 1] != '.' || path[i + 2] != '.')
            continue;
        size_t slashes = i; /* start of the slash run before ".." */
        while (slashes > 0 && path[slashes - 1] == '/')
            slashes--;
        size_t seg = slashes;
        while (seg > 0 && path[seg - 1] != '/')
            seg--;
        size_t start = seg == slashes ? slashes : seg;
        while (seg != slashes && start > 0 && path[start - 1] == '/')
            start--;
        size_t end = i + 3;
        while (end < *len && path[end] == '/')
            end++;
        if (end - start == 5 && memcmp(path + start, "../..", 5) == 0)
            return false;
        const char *put = path[start] == '/' ? "/" : "";
        size_t put_len = strlen(put);
        memmove(path + start + put_len, path + end, *len - end);
        memcpy(path + start, put, put_len);
        *len = start + put_len + (*len - end);
        path[*len] = '\0';
        *from = start >= 2 ? start - 2 : 0;
        return true;
    }
    return false;
}

/* Runs of two or more "/" or "/." become one "/"; a trailing "/" goes. */
static void squeeze_slashes(char *path, size_t *len)
{
    size_t out = 0;
    for (size_t i = 0; i < *len;) {
        size_t j = i, reps = 0;
        while (j < *len && path[j] == '/') {
            j++;
            if (j < *len && path[j] == '.')
                j++;
            reps++;
        }
        if (reps >= 2) {
            path[out++] = '/';
            i = j;
        } else {
            path[out++] = path[i++];
        }
    }
    if (out > 1 && path[out - 1] == '/')
        out--;
    path[out] = '\0';
    *len = out;
}

static size_t build_path_compressed(const char *dir, const char *file, size_t file_len, char *out, size_t n)
{
    size_t len;
    if (file_len > 0 && file[0] == '/')
        len = (size_t)snprintf(out, n, "%.*s", (int)file_len, file);
    else if (dir[0] == '\0')
        len = (size_t)snprintf(out, n, "%.*s", (int)file_len, file);
    else
        len = (size_t)snprintf(out, n, "%s/%.*s", dir, (int)file_len, file);
    if (len >= n)
        len = n - 1;
    size_t from = 0;
    for (int guard = 0; guard < 256 && drop_one_cdup(out, &len, &from); guard++)
        ;
    squeeze_slashes(out, &len);
    return len;
}

/* ---- data channel arguments (Zeek's parse_ftp_port, parse_eftp_port, parse_ftp_pasv, parse_ftp_epsv) ---- */

/* "h1,h2,h3,h4,p1,p2" starting at s. */
static bool parse_six(const char *s, size_t n, struct ip_addr *h, uint16_t *port)
{
    unsigned v[6];
    size_t k = 0, i = 0;
    while (k < 6) {
        if (i >= n || !isdigit((unsigned char)s[i]))
            return false;
        unsigned x = 0;
        while (i < n && isdigit((unsigned char)s[i]) && x < 1000)
            x = x * 10 + (unsigned)(s[i++] - '0');
        if (x > 255)
            return false;
        v[k++] = x;
        if (k < 6) {
            if (i >= n || s[i] != ',')
                return false;
            i++;
        }
    }
    uint8_t a[4] = {(uint8_t)v[0], (uint8_t)v[1], (uint8_t)v[2], (uint8_t)v[3]};
    ip_addr_from_v4(h, a);
    *port = (uint16_t)(v[4] * 256 + v[5]);
    return true;
}

static bool parse_pasv(const char *msg, size_t n, struct ip_addr *h, uint16_t *port)
{
    /* the first run of six numbers: after "(" when there is one */
    const char *open = memchr(msg, '(', n);
    size_t i = open ? (size_t)(open - msg) + 1 : 0;
    for (; i < n; i++)
        if (isdigit((unsigned char)msg[i]) && parse_six(msg + i, n - i, h, port))
            return true;
    return false;
}

/* "<d>proto<d>addr<d>port<d>" (EPRT) or "(<d><d><d>port<d>)" (EPSV reply). */
static bool parse_extended(const char *s, size_t n, bool want_addr, struct ip_addr *h, uint16_t *port)
{
    if (n < 5)
        return false;
    char d = s[0];
    const char *fields[4];
    size_t lens[4], k = 0, start = 1;
    for (size_t i = 1; i < n && k < 4; i++) {
        if (s[i] == d) {
            fields[k] = s + start;
            lens[k++] = i - start;
            start = i + 1;
        }
    }
    if (k < 3)
        return false;
    unsigned long p = 0;
    for (size_t i = 0; i < lens[2]; i++) {
        if (!isdigit((unsigned char)fields[2][i]) || p > 65535)
            return false;
        p = p * 10 + (unsigned long)(fields[2][i] - '0');
    }
    if (lens[2] == 0 || p > 65535)
        return false;
    *port = (uint16_t)p;
    if (!want_addr)
        return true;
    char text[64];
    if (lens[1] == 0 || lens[1] >= sizeof text)
        return false;
    memcpy(text, fields[1], lens[1]);
    text[lens[1]] = '\0';
    return ip_addr_parse(text, h);
}

static void announce(struct ftp_session *s, struct app_env *env, bool passive, const struct ip_addr *h, uint16_t port)
{
    s->has_data_channel = true;
    s->data_channel.passive = passive;
    s->data_channel.orig_h = passive ? env->conn->orig_h : env->conn->resp_h;
    s->data_channel.resp_h = *h;
    s->data_channel.resp_p = port;
    if (s->has_link && !ftp_channel_expect(env->worker_state, s->link, &s->data_channel, env->ts_us))
        weird(env, "ftp_too_many_data_channels");
}

/* Zeek's extract_count(msg, F): the last number in the message. */
static bool last_number(const char *msg, size_t n, uint64_t *out)
{
    size_t end = n;
    while (end > 0 && !isdigit((unsigned char)msg[end - 1]))
        end--;
    if (end == 0)
        return false;
    size_t start = end;
    while (start > 0 && isdigit((unsigned char)msg[start - 1]))
        start--;
    uint64_t v = 0;
    for (size_t i = start; i < end; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(msg[i] - '0');
    }
    *out = v;
    return true;
}

/* Fuid and MIME type of the file the last data connection carried. */
static void read_link(struct ftp_session *s, struct app_env *env)
{
    struct ftp_link *l = s->has_link ? ftp_link_get(env->worker_state, s->link) : NULL;
    if (l == NULL)
        return;
    if (l->has_fuid) {
        s->has_fuid = true;
        memcpy(s->fuid, l->fuid, sizeof s->fuid);
        l->has_fuid = false;
    }
    if (l->has_mime) {
        s->has_mime = l->mime[0] != '\0';
        memcpy(s->mime, l->mime, sizeof s->mime);
        l->has_mime = false;
    }
}

static bool is_guest(const struct ftp_session *s)
{
    for (size_t i = 0; i < sizeof guest_ids / sizeof *guest_ids; i++)
        if (strlen(guest_ids[i]) == s->user_len && strncasecmp(s->user, guest_ids[i], s->user_len) == 0)
            return true;
    return false;
}

static bool logged_command(const struct ftp_settings *set, const char *cmd)
{
    for (size_t i = 0; i < set->n_logged; i++)
        if (strcmp(set->logged[i], cmd) == 0)
            return true;
    return false;
}

/* main.zeek's caps of ftp_message and ftp_request: *len cut to max, with
 * the weird naming the length it had. */
static void cap_length(struct app_env *env, const char *name, size_t *len, uint32_t max)
{
    if (*len <= max)
        return;
    char was[24];
    snprintf(was, sizeof was, "%zu", *len);
    if (env->weird != NULL)
        env->weird(env, name, was, "FTP");
    *len = max;
}

/* Suricata logs a command when its final reply comes; Zeek's script when
 * the next command comes, unless others wait (ftp_request, ftp_reply), or
 * at the end: the two views of one command are published apart when they
 * differ. */
enum publish_mode {
    PUBLISH_BOTH,    /* EVE, and the ftp.log row of a logged command */
    PUBLISH_EVE,     /* EVE alone: Zeek's row comes later, or never */
    PUBLISH_ZEEK,    /* the ftp.log row alone, of a logged command */
    PUBLISH_SUMMARY, /* the ftp.log row alone, whatever the command */
};

/* ftp_message: publishes the command p with the session's fields. */
static void publish(struct ftp_session *s, struct app_env *env, const struct pending *p, bool answered,
                    enum publish_mode mode)
{
    static const char hidden[] = "<hidden>";
    bool show_password = s->set->capture_password || is_guest(s);
    bool zeek = mode != PUBLISH_EVE;
    struct ftp_txn t = {
        .ts_us = p->ts_us,
        .zeek_log = mode == PUBLISH_SUMMARY || (zeek && logged_command(s->set, p->cmd)),
        .zeek_only = mode == PUBLISH_ZEEK || mode == PUBLISH_SUMMARY,
        .has_command = strcmp(p->cmd, "<init>") != 0,
        .user = s->user_len ? s->user : "<unknown>",
        .user_len = s->user_len ? s->user_len : strlen("<unknown>"),
        .password = s->has_password ? (show_password ? s->password : hidden) : NULL,
        .password_len = s->has_password ? (show_password ? s->password_len : strlen(hidden)) : 0,
        .arg = p->arg,
        .arg_len = p->arg_len,
        .raw_arg = p->arg,
        .raw_arg_len = p->arg_len,
        .command_truncated = p->truncated,
        .mime_type = s->has_mime ? s->mime : NULL,
        .has_file_size = s->has_file_size,
        .file_size = s->file_size,
        .has_reply = s->has_reply,
        .reply_code = s->reply_code,
        .reply_msg = s->reply_msg,
        .reply_msg_len = s->reply_msg_len,
        .has_data_channel = s->has_data_channel,
        .data_channel = s->data_channel,
        .fuid = s->has_fuid ? s->fuid : NULL,
        .n_replies = p->n_replies,
        .reply_pool = p->pool,
        .reply_received = answered,
        .reply_truncated = p->reply_truncated,
        .dynamic_port = p->dynamic_port,
        .active_mode = p->active_mode,
    };
    snprintf(t.command, sizeof t.command, "%s", p->cmd);
    memcpy(t.replies, p->replies, sizeof t.replies);
    if (IN_LIST(p->cmd, file_commands)) {
        char path[FTP_LINE_MAX + 8];
        size_t len = build_path_compressed(s->cwd, p->arg, p->arg_len, path, sizeof path);
        char host[64];
        ip_addr_format(&env->conn->resp_h, host, sizeof host);
        bool v6 = !ip_addr_is_v4(&env->conn->resp_h);
        int n = snprintf(s->url, sizeof s->url, "ftp://%s%s%s%s%.*s", v6 ? "[" : "", host, v6 ? "]" : "",
                         path[0] == '/' ? "" : "/", (int)len, path);
        t.arg = s->url;
        t.arg_len = n < 0 ? 0 : (size_t)n >= sizeof s->url ? sizeof s->url - 1 : (size_t)n;
    }
    if (mode == PUBLISH_BOTH || mode == PUBLISH_ZEEK) {
        cap_length(env, "FTP_arg_too_long", &t.arg_len, s->set->max_arg_length);
        if (t.has_reply)
            cap_length(env, "FTP_reply_msg_too_long", &t.reply_msg_len, s->set->max_reply_msg_length);
    } else {
        /* EVE's event has its own copies; the summary repeats a command whose weirds were raised */
        t.arg_len = t.arg_len > s->set->max_arg_length ? s->set->max_arg_length : t.arg_len;
        t.reply_msg_len = t.reply_msg_len > s->set->max_reply_msg_length ? s->set->max_reply_msg_length
                                                                          : t.reply_msg_len;
    }
    /* after the cap, as ftp_message: the password itself is never cut into arg */
    if (strcmp(p->cmd, "PASS") == 0 && !show_password) {
        t.arg = hidden;
        t.arg_len = strlen(hidden);
    }
    env->publish(env, EVENT_FTP, &t);
    if (!zeek)
        return;
    if (t.zeek_log) {
        s->logged_any = true;
    } else if (!s->logged_any) {
        memcpy(&s->last, p, offsetof(struct pending, pool));
        s->last.n_replies = 0;
        s->has_last = true;
    }
    s->has_mime = s->has_file_size = s->has_data_channel = s->has_fuid = false;
}

/* ftp_request's first step: the answered command Zeek keeps as its cmdarg
 * gets its row now, with what the session holds since its reply. */
static void flush_held(struct ftp_session *s, struct app_env *env)
{
    if (!s->has_held)
        return;
    s->has_held = false;
    read_link(s, env);
    publish(s, env, &s->held, true, PUBLISH_ZEEK);
}

/* An analyzer violation (a reply line that is none): Zeek's FTP analyzer
 * is gone, so ftp.log ends here; what waits is logged as it stands
 * (finalize_ftp), and EVE goes on as Suricata's parser does. */
static void zeek_violation(struct ftp_session *s, struct app_env *env)
{
    if (s->zeek_stopped)
        return;
    flush_held(s, env);
    for (size_t i = 0; i < s->n_pending; i++) {
        if (s->pending[i].ts_us == 0)
            s->pending[i].ts_us = env->ts_us;
        if (!s->pending[i].zeek_hidden)
            publish(s, env, &s->pending[i], false, PUBLISH_ZEEK);
    }
    s->zeek_stopped = true;
}

/* ---- commands ---- */

static void set_text(char *dst, size_t cap, size_t *len, const char *src, size_t n)
{
    if (n > cap - 1)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    *len = n;
}

static void note_transfer(struct ftp_session *s, struct app_env *env, const struct pending *p)
{
    struct ftp_link *l = s->has_link ? ftp_link_get(env->worker_state, s->link) : NULL;
    if (l == NULL || !IN_LIST(p->cmd, data_commands))
        return;
    snprintf(l->command, sizeof l->command, "%s", p->cmd);
    set_text(l->filename, sizeof l->filename, &l->filename_len, p->arg, p->arg_len);
}

/* The FTP analyzer drops a line whose command word is longer than
 * FTP::max_command_length, with a weird once a command was parsed
 * (Suricata's parser keeps it: an EVE transaction alone). */
static bool command_too_long(struct ftp_session *s, struct app_env *env, size_t word_len)
{
    if (s->set->max_command_length == 0 || word_len <= s->set->max_command_length)
        return false;
    if (s->confirmed && env->history_unknown != NULL)
        env->history_unknown(env);
    if (s->confirmed && env->weird != NULL) {
        char addl[48];
        snprintf(addl, sizeof addl, "%zu > %u", word_len, s->set->max_command_length);
        env->weird(env, "FTP_max_command_length_exceeded", addl, "FTP");
    }
    return true;
}

static void command_line(struct ftp_session *s, struct app_env *env, const char *line, size_t len, bool cut)
{
    size_t i = 0;
    char cmd[FTP_CMD_MAX];
    size_t k = 0;
    while (i < len && line[i] != ' ') {
        if (k < sizeof cmd - 1)
            cmd[k++] = (char)toupper((unsigned char)line[i]);
        i++;
    }
    cmd[k] = '\0';
    bool hidden = command_too_long(s, env, i);
    if (!hidden) {
        s->confirmed = true;
        flush_held(s, env);
    }
    while (i < len && line[i] == ' ')
        i++;
    const char *arg = line + i;
    size_t arg_len = len - i;
    struct pending *p = add_pending(s, env->ts_us, cmd, arg, arg_len, cut);
    p->zeek_hidden = hidden;
    if (hidden)
        return;
    if (strcmp(cmd, "USER") == 0) {
        s->has_user = true;
        cap_length(env, "FTP_user_too_long", &arg_len, s->set->max_user_length);
        set_text(s->user, sizeof s->user, &s->user_len, arg, arg_len);
    } else if (strcmp(cmd, "PASS") == 0) {
        s->has_password = true;
        cap_length(env, "FTP_password_too_long", &arg_len, s->set->max_password_length);
        set_text(s->password, sizeof s->password, &s->password_len, arg, arg_len);
    } else if (strcmp(cmd, "PORT") == 0 || strcmp(cmd, "EPRT") == 0) {
        struct ip_addr h;
        uint16_t port;
        bool ok = cmd[0] == 'P' ? parse_six(arg, arg_len, &h, &port) : parse_extended(arg, arg_len, true, &h, &port);
        if (ok) {
            announce(s, env, false, &h, port);
            p->dynamic_port = port;
            p->active_mode = true;
        }
    } else if (strcmp(cmd, "AUTH") == 0) {
        s->tls_requested = (arg_len >= 3 && (strncasecmp(arg, "TLS", 3) == 0 || strncasecmp(arg, "SSL", 3) == 0));
    }
    note_transfer(s, env, p);
}

/* ---- replies ---- */

static void directory_change(struct ftp_session *s, const struct pending *p, unsigned code, const char *msg,
                             size_t n)
{
    if (strcmp(p->cmd, "CWD") == 0 && code == 250) {
        /* build_path: an absolute argument replaces the directory */
        char path[FTP_CWD_MAX];
        bool absolute = p->arg_len > 0 && p->arg[0] == '/';
        int len = snprintf(path, sizeof path, "%s%s%s", absolute ? "" : s->cwd, absolute ? "" : "/", p->arg);
        if (len > 0 && (size_t)len < sizeof path)
            memcpy(s->cwd, path, (size_t)len + 1);
    } else if (strcmp(p->cmd, "CDUP") == 0 && (code == 200 || code == 250)) {
        size_t len = strlen(s->cwd);
        if (len + 4 < sizeof s->cwd)
            memcpy(s->cwd + len, "/..", 4);
    } else if ((strcmp(p->cmd, "PWD") == 0 || strcmp(p->cmd, "XPWD") == 0) && code == 257) {
        const char *q1 = memchr(msg, '"', n);
        const char *q2 = q1 ? memchr(q1 + 1, '"', n - (size_t)(q1 + 1 - msg)) : NULL;
        if (q2 != NULL && (size_t)(q2 - q1 - 1) < sizeof s->cwd) {
            memcpy(s->cwd, q1 + 1, (size_t)(q2 - q1 - 1));
            s->cwd[q2 - q1 - 1] = '\0';
        }
    }
}

/* ftp_reply: one reply line; cont when more lines of it follow. */
static void reply(struct ftp_session *s, struct app_env *env, unsigned code, const char *msg, size_t n, bool cont,
                  bool coded, bool cut)
{
    /* with none waiting, Zeek gives the reply to its cmdarg (the held
     * command: only the session's reply changes) or to a "<missing>" stand-in */
    if (s->n_pending == 0)
        add_pending(s, env->ts_us, "<missing>", "", 0, false);
    size_t i = best_pending(s, code, msg, n);
    struct pending *p = &s->pending[i];
    if (p->ts_us == 0)
        p->ts_us = env->ts_us; /* the <init> shim: set_ftp_session's network_time() */
    keep_reply_line(p, coded ? code : 0, msg, n, cut);
    if (!s->zeek_stopped) { /* ftp.log's view ended at the violation */
        s->has_reply = true;
        s->reply_code = code;
        set_text(s->reply_msg, sizeof s->reply_msg, &s->reply_msg_len, msg, n);
    }
    if (cont)
        return;
    uint64_t size;
    if (((code == 150 && strcmp(p->cmd, "RETR") == 0) || (code == 213 && strcmp(p->cmd, "SIZE") == 0)) &&
        last_number(msg, n, &size)) {
        s->has_file_size = true;
        s->file_size = size;
    } else if (code == 227 || code == 229) {
        struct ip_addr h = env->conn->resp_h;
        uint16_t port;
        const char *open = code == 229 ? memchr(msg, '(', n) : NULL;
        bool ok = code == 227 ? parse_pasv(msg, n, &h, &port)
                              : open != NULL && parse_extended(open + 1, n - (size_t)(open + 1 - msg), false, &h, &port);
        if (ok) {
            announce(s, env, true, &h, port);
            p->dynamic_port = port;
        }
    }
    directory_change(s, p, code, msg, n);
    if (code >= 100 && code < 200)
        return; /* preliminary: the command goes on */
    read_link(s, env);
    struct pending done = *p;
    bool alone = s->n_pending == 1;
    remove_pending(s, i);
    if (strcmp(done.cmd, "<missing>") == 0 || done.zeek_hidden || s->zeek_stopped) {
        publish(s, env, &done, true, PUBLISH_EVE); /* get_pending_cmd's stand-in is never logged */
    } else if (alone) {
        publish(s, env, &done, true, PUBLISH_EVE);
        memcpy(&s->held, &done, offsetof(struct pending, pool));
        s->held.n_replies = 0;
        s->has_held = true;
    } else {
        publish(s, env, &done, true, PUBLISH_BOTH);
    }
    if (strcmp(done.cmd, "AUTH") == 0 && code == 234 && s->tls_requested) {
        if (env->add_service != NULL) {
            env->add_service(env, "ftp");
            env->add_service(env, "ssl");
        }
        s->stopped = true;
        if (env->hand_over != NULL)
            env->hand_over(env, "ssl");
    }
}

static void reply_line(struct ftp_session *s, struct app_env *env, const char *line, size_t len, bool cut)
{
    bool coded = len >= 3 && isdigit((unsigned char)line[0]) && isdigit((unsigned char)line[1]) &&
                 isdigit((unsigned char)line[2]);
    unsigned code = coded ? (unsigned)((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0')) : 0;
    if (s->multiline_code != 0) {
        /* the FTP analyzer ends a multi-line reply only on "ddd " */
        bool last = coded && code == s->multiline_code && len > 3 && line[3] == ' ';
        if (!last) {
            reply(s, env, s->multiline_code, line, len, true, false, cut);
            return;
        }
        s->multiline_code = 0;
    } else if (!coded) {
        weird(env, "FTP_reply_without_code");
        zeek_violation(s, env);
        return;
    } else if (len > 3 && line[3] == '-') {
        s->multiline_code = code;
    } else if (code < 100 || (len > 3 && line[3] != ' ')) {
        /* the analyzer's violations "invalid reply code", "invalid reply
         * line" ("230_no_space", no weird): Zeek's FTP analyzer stops,
         * Suricata's parser takes the line as a reply */
        zeek_violation(s, env);
    }
    size_t m = 3;
    if (m < len && (line[m] == ' ' || line[m] == '-'))
        m++;
    reply(s, env, code, line + m, len - m, s->multiline_code != 0, true, cut);
}

/* ---- the parser interface ---- */

static void line_done(struct ftp_session *s, struct app_env *env, bool from_orig, struct line_buf *lb)
{
    size_t len = lb->len;
    if (len > 0 && lb->buf[len - 1] == '\r')
        len--;
    bool cut = lb->overflow;
    lb->len = 0;
    lb->overflow = false;
    if (from_orig)
        command_line(s, env, lb->buf, len, cut);
    else
        reply_line(s, env, lb->buf, len, cut);
}

static void ftp_deliver(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ftp_state *st = state;
    struct ftp_session *s = st->s;
    if (s == NULL || s->stopped)
        return;
    if (!s->has_link)
        s->has_link = ftp_link_new(env->worker_state, &s->link);
    s->set = env->settings != NULL && env->settings->ftp != NULL ? env->settings->ftp : &default_settings;
    struct line_buf *lb = &s->line[from_orig ? 1 : 0];
    while (n > 0 && !s->stopped) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) + 1 : n;
        size_t body = nl ? take - 1 : take;
        size_t room = sizeof lb->buf - lb->len;
        if (body > room) {
            if (!lb->overflow)
                weird(env, from_orig ? "FTP_command_too_long" : "FTP_reply_too_long");
            body = room;
            lb->overflow = true;
        }
        memcpy(lb->buf + lb->len, p, body);
        lb->len += body;
        p += take;
        n -= take;
        if (nl != NULL)
            line_done(s, env, from_orig, lb);
    }
}

/* A command word (3-4 letters, then a space or the line end) or a reply
 * code: FTP on port 21, even picked up mid-session. */
static bool looks_like_ftp_line(const uint8_t *p, size_t n, bool from_orig)
{
    if (!from_orig)
        return n >= 4 && isdigit(p[0]) && isdigit(p[1]) && isdigit(p[2]) && (p[3] == ' ' || p[3] == '-');
    size_t k = 0;
    while (k < n && k < 5 && isalpha(p[k]))
        k++;
    return k >= 3 && k <= 4 && k < n && (p[k] == ' ' || p[k] == '\r' || p[k] == '\n');
}

static enum app_probe ftp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n < 4)
        return APP_PROBE_MAYBE;
    if (from_orig && strncasecmp((const char *)p, "USER ", n < 5 ? n : 5) == 0)
        return n < 5 ? APP_PROBE_MAYBE : APP_PROBE_YES;
    /* "220 " is also SMTP's greeting: FTP servers name themselves */
    if (!from_orig && (memcmp(p, "220 ", 4) == 0 || memcmp(p, "220-", 4) == 0) &&
        (memmem(p, n, "FTP", 3) != NULL || memmem(p, n, "ftp", 3) != NULL))
        return APP_PROBE_YES;
    /* on port 21 (where MAYBE is enough) any command or reply line */
    return looks_like_ftp_line(p, n, from_orig) ? APP_PROBE_MAYBE : APP_PROBE_NO;
}

static void ftp_open(void *state)
{
    struct ftp_state *st = state;
    st->s = calloc(1, sizeof *st->s);
    if (st->s == NULL)
        return;
    st->s->set = &default_settings;
    memcpy(st->s->cwd, ".", 2);
    /* set_ftp_session's shim: the greeting answers it */
    add_pending(st->s, 0, "<init>", "", 0, false);
}

static void ftp_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct ftp_state *st = state;
    (void)env;
    (void)len;
    if (st->s == NULL)
        return;
    /* resynchronise at the next line */
    st->s->line[from_orig ? 1 : 0].len = 0;
    st->s->line[from_orig ? 1 : 0].overflow = true;
}

static void ftp_close(void *state, struct app_env *env)
{
    struct ftp_state *st = state;
    struct ftp_session *s = st->s;
    if (s == NULL)
        return;
    /* connection_state_remove: what is still pending is logged as it stands */
    if (!s->stopped) {
        flush_held(s, env);
        read_link(s, env);
        for (size_t i = 0; i < s->n_pending; i++) {
            if (s->pending[i].ts_us == 0)
                s->pending[i].ts_us = env->ts_us;
            bool eve_only = s->zeek_stopped || s->pending[i].zeek_hidden;
            publish(s, env, &s->pending[i], false, eve_only ? PUBLISH_EVE : PUBLISH_BOTH);
        }
    } else {
        flush_held(s, env); /* handed to TLS: the AUTH's row */
    }
    /* a session of logins alone (a brute-force try) still shows in
     * ftp.log: its last command, as Zeek's finalize_ftp writes it */
    if (!s->logged_any && s->has_user && s->has_last)
        publish(s, env, &s->last, true, PUBLISH_SUMMARY);
    if (s->has_link)
        ftp_link_release(env->worker_state, s->link);
    free(s);
    st->s = NULL;
}

/* ---- the run's options ---- */

void ftp_settings_default(struct ftp_settings *set)
{
    *set = default_settings;
}

bool ftp_settings_logged_commands(struct ftp_settings *set, const char *list)
{
    bool add = list[0] == '+';
    struct ftp_settings out = *set;
    if (!add)
        out.n_logged = 0;
    for (const char *p = list + (add ? 1 : 0);;) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= FTP_CMD_MAX)
            return false;
        char word[FTP_CMD_MAX];
        /* Zeek compares with the analyzer's upper-cased command; the "<init>" shim stays as it is */
        for (size_t i = 0; i < n; i++)
            word[i] = p[0] == '<' ? p[i] : (char)toupper((unsigned char)p[i]);
        word[n] = '\0';
        if (!logged_command(&out, word)) {
            if (out.n_logged == FTP_LOGGED_MAX)
                return false;
            memcpy(out.logged[out.n_logged++], word, n + 1);
        }
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    *set = out;
    return true;
}

static const uint16_t ftp_ports[] = {21};

const struct app_parser ftp_parser = {
    .name = "ftp",
    .ipproto = 6,
    .ports = ftp_ports,
    .n_ports = 1,
    .probe = ftp_probe,
    .state_size = sizeof(struct ftp_state),
    .open = ftp_open,
    .data = ftp_deliver,
    .gap = ftp_gap,
    .close = ftp_close,
    .worker_open = ftp_worker_open,
    .worker_close = ftp_worker_close,
};
