/* Compiled prefilter databases kept on disk, as Suricata 8's
 * detect.sgh-mpm-caching: compiling ET Open's literals costs most of a
 * load, and the same rules give the same databases. A database is found by
 * the SHA-256 of everything its compilation reads (Hyperscan's version, the
 * patterns, their flags and ids); a file that is missing, cut, foreign or
 * from another CPU is compiled again and replaced. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sig/hs_cache.h"
#include "util/fs.h"

/* A cached database larger than this is not trusted (ET Open's largest is
 * under 1 MiB). */
#define HS_CACHE_MAX_FILE (256u << 20)

/* The cache is ours alone: a directory another user owns or may write to
 * could hand Hyperscan a crafted database. */
static bool dir_is_private(const char *dir)
{
    struct stat st;
    return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
           (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

bool sig_hs_cache_default(char *out, size_t outlen)
{
    const char *env = getenv("VIGIL_RULES_CACHE");
    int n;
    if (env && *env)
        n = strcmp(env, "off") == 0 ? -1 : snprintf(out, outlen, "%s", env);
    else if ((env = getenv("XDG_CACHE_HOME")) && *env == '/')
        n = snprintf(out, outlen, "%s/vigil/hs", env);
    else if ((env = getenv("HOME")) && *env == '/')
        n = snprintf(out, outlen, "%s/.cache/vigil/hs", env);
    else
        n = -1;
    if (n < 0 || (size_t)n >= outlen) {
        if (outlen)
            out[0] = '\0';
        return false;
    }
    return true;
}

void sig_hs_key_init(struct sig_hs_key *k)
{
    k->md = EVP_MD_CTX_new();
    if (k->md && !EVP_DigestInit_ex(k->md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(k->md);
        k->md = NULL;
    }
    const char *tag = "vigil-hs-1";
    sig_hs_key_add(k, tag, strlen(tag));
    const char *v = hs_version();
    sig_hs_key_add(k, v, strlen(v) + 1);
}

void sig_hs_key_add(struct sig_hs_key *k, const void *p, size_t n)
{
    if (k->md && !EVP_DigestUpdate(k->md, p, n)) {
        EVP_MD_CTX_free(k->md);
        k->md = NULL;
    }
}

bool sig_hs_key_end(struct sig_hs_key *k, char hex[65])
{
    uint8_t d[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    bool ok = k->md && EVP_DigestFinal_ex(k->md, d, &len) && len == 32;
    EVP_MD_CTX_free(k->md);
    k->md = NULL;
    if (!ok)
        return false;
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
    return true;
}

static bool file_path(const char *dir, const char *hex, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s/%s.hs", dir, hex);
    return n > 0 && (size_t)n < outlen;
}

hs_database_t *sig_hs_cache_load(const char *dir, const char *hex)
{
    char path[SIG_HS_CACHE_PATH];
    if (!dir || !*dir || !file_path(dir, hex, path, sizeof path) || !dir_is_private(dir))
        return NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    hs_database_t *db = NULL;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_size <= 0 ||
        (uint64_t)st.st_size > HS_CACHE_MAX_FILE || !(buf = malloc((size_t)st.st_size)))
        goto out;
    size_t have = 0, want = (size_t)st.st_size;
    while (have < want) {
        ssize_t r = read(fd, buf + have, want - have);
        if (r <= 0)
            goto out;
        have += (size_t)r;
    }
    if (hs_deserialize_database(buf, want, &db) != HS_SUCCESS)
        db = NULL;
out:
    free(buf);
    close(fd);
    return db;
}

void sig_hs_cache_store(const char *dir, const char *hex, const hs_database_t *db)
{
    char path[SIG_HS_CACHE_PATH], tmp[SIG_HS_CACHE_PATH + 32];
    if (!dir || !*dir || !file_path(dir, hex, path, sizeof path))
        return;
    if (fs_make_dirs(dir, 0700) != 0 || !dir_is_private(dir))
        return;
    char *bytes = NULL;
    size_t n = 0;
    if (hs_serialize_database(db, &bytes, &n) != HS_SUCCESS)
        return;
    /* Written aside and renamed: a reader sees the whole file or none. */
    int len = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = len > 0 && (size_t)len < sizeof tmp ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)
                                                 : -1;
    bool ok = fd >= 0;
    for (size_t off = 0; ok && off < n;) {
        ssize_t w = write(fd, bytes + off, n - off);
        ok = w > 0;
        off += ok ? (size_t)w : 0;
    }
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok && fd >= 0)
        unlink(tmp);
    free(bytes);
}
