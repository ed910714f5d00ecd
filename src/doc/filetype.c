/* Checks by content and name that every file gets: executables (PE, ELF,
 * Mach-O), Windows shortcuts, disk images, scripts, double extensions and
 * HTML smuggling. */
#include "doc/doc_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *extension(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot + 1 : "";
}

static bool ext_in(const char *ext, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcasecmp(ext, list[i]) == 0)
            return true;
    return false;
}

static const char *const script_exts[] = {"js", "jse", "vbs", "vbe", "wsf", "wsh", "hta", "ps1", "psm1",
                                          "bat", "cmd", "sct", NULL};
static const char *const exec_exts[] = {"exe", "scr", "com", "pif", "dll", "cpl", "msi", "lnk", "jar", "appx", NULL};
static const char *const doc_exts[] = {"pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "rtf",
                                       "txt", "jpg", "jpeg", "png", "zip", "rar", "htm", "html", NULL};

static const char *exe_kind(const uint8_t *p, size_t n)
{
    if (n >= 64 && p[0] == 'M' && p[1] == 'Z') {
        uint32_t pe = le32(p + 0x3C);
        if (pe < n - 4 && memcmp(p + pe, "PE\0\0", 4) == 0)
            return "PE";
    }
    if (n >= 4 && memcmp(p, "\x7F" "ELF", 4) == 0)
        return "ELF";
    if (n >= 4) {
        uint32_t m = le32(p);
        if (m == 0xFEEDFACEu || m == 0xFEEDFACFu || m == 0xCEFAEDFEu || m == 0xCFFAEDFEu)
            return "Mach-O";
        if (m == 0xBEBAFECAu && n >= 8 && p[7] > 0 && p[7] < 20) /* fat binary, not a Java class */
            return "Mach-O universal";
    }
    return NULL;
}

static bool is_lnk(const uint8_t *p, size_t n)
{
    static const uint8_t sig[20] = {0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46};
    return n >= 20 && memcmp(p, sig, 20) == 0;
}

static bool is_html(const char *ext, const uint8_t *p, size_t n)
{
    size_t head = n < 1024 ? n : 1024;
    return strcasecmp(ext, "html") == 0 || strcasecmp(ext, "htm") == 0 || strcasecmp(ext, "shtml") == 0 ||
           find_ci(p, head, "<!doctype html") != NULL || find_ci(p, head, "<html") != NULL;
}

bool filetype_runnable(const char *name, const uint8_t *p, size_t n)
{
    const char *ext = extension(name);
    return exe_kind(p, n) != NULL || is_lnk(p, n) || ext_in(ext, script_exts) || ext_in(ext, exec_exts);
}

static void double_extension(const char *name, struct doc_report *r)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *last = strrchr(base, '.');
    if (last == NULL || last == base)
        return;
    if (!ext_in(last + 1, exec_exts) && !ext_in(last + 1, script_exts))
        return;
    /* the extension before, possibly followed by padding blanks */
    const char *q = last;
    size_t blanks = 0;
    while (q > base && q[-1] == ' ')
        q--, blanks++;
    const char *prev = q;
    while (prev > base && prev[-1] != '.')
        prev--;
    if (prev == base)
        return;
    char ext[16];
    size_t len = (size_t)(q - prev);
    if (len == 0 || len >= sizeof ext)
        return;
    memcpy(ext, prev, len);
    ext[len] = 0;
    if (ext_in(ext, doc_exts) || blanks > 2)
        report_reason(r, "double-extension", "%s poses as .%s", base, ext);
}

void filetype_inspect(const char *name, const uint8_t *p, size_t n, struct doc_report *r)
{
    const char *ext = extension(name);
    const char *exe = exe_kind(p, n);
    if (exe != NULL)
        report_reason(r, "executable", "%s executable", exe);
    if (is_lnk(p, n))
        report_reason(r, "lnk", "Windows shortcut (LNK)");
    if (n >= 8 && memcmp(p, "conectix", 8) == 0)
        report_reason(r, "disk-image", "VHD disk image");
    else if (n >= 8 && memcmp(p, "vhdxfile", 8) == 0)
        report_reason(r, "disk-image", "VHDX disk image");
    else if (ext_in(ext, (const char *const[]){"img", "iso", "vhd", "vhdx", NULL}) && !report_has(r, "disk-image"))
        report_reason(r, "disk-image", "disk image by name (.%s)", ext);
    size_t head = n < 4096 ? n : 4096;
    if (ext_in(ext, script_exts))
        report_reason(r, "script", "script by name (.%s)", ext);
    else if (find_ci(p, head, "<hta:application") != NULL)
        report_reason(r, "script", "HTML application (HTA)");
    else if (n > 2 && p[0] == '#' && p[1] == '!')
        report_reason(r, "script", "script with an interpreter line");
    double_extension(name, r);
    if (is_html(ext, p, n)) {
        bool blob = find_ci(p, n, "msSaveOrOpenBlob") != NULL || find_ci(p, n, "new Blob(") != NULL;
        bool decode = find_ci(p, n, "atob(") != NULL || find_ci(p, n, "base64") != NULL ||
                      find_ci(p, n, "Uint8Array") != NULL;
        bool save = find_ci(p, n, "msSaveOrOpenBlob") != NULL || find_ci(p, n, ".download") != NULL ||
                    find_ci(p, n, "download=") != NULL || find_ci(p, n, "createObjectURL") != NULL;
        if (blob && decode && save)
            report_reason(r, "html-smuggling", "HTML builds a file from script data and offers it for download");
    }
}
