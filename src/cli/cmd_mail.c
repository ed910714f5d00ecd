/* vigil mail PATH...: messages of .eml files, mbox files and Maildir
 * folders analysed (sender, links, attachments); one JSON object per
 * message on standard output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/doc_setup.h"
#include "intel/intel.h"
#include "mail/mail.h"

static void print_mail_usage(FILE *f)
{
    fprintf(f, "usage: vigil mail PATH... [OPTIONS]\n\n"
               "Analyses mail: .eml files, mbox files and Maildir folders (or any folder of them). Prints one\n"
               "JSON object per message: message_id, file, verdict, score, reasons [{code, detail}], the sender\n"
               "fields, auth results, the Received path, urls, attachments (inspected like `vigil inspect`)\n"
               "and indicators (what to block).\n"
               "Exit status: 0 all clean, 1 something suspicious or malicious, 2 usage error or unreadable path.\n\n"
               "options:\n"
               "      --protect FILE      protected organisations: domain TAB name;name... per line (any script)\n"
               "      --intel PATH        threat-intel feed(s) for url-intel, as `vigil read --intel` (repeatable)\n"
               "      --history LOG       a stored log whose host names count as seen (url-new-domain; repeatable)\n"
               "%s"
               "  -h, --help              this help\n",
            doc_setup_help);
}

void cli_help_mail(void) { print_mail_usage(stdout); }

struct mail_run {
    struct mail_ctx *ctx;
    struct buf out;
    int worst;
};

static void on_message(void *ctx, const char *source, const uint8_t *p, size_t n)
{
    struct mail_run *run = ctx;
    buf_reset(&run->out);
    enum doc_verdict v = mail_analyze(run->ctx, source, p, n, &run->out);
    buf_append(&run->out, "\n", 1);
    fwrite(run->out.data, 1, run->out.len, stdout);
    if ((int)v > run->worst)
        run->worst = (int)v;
}

int cli_run_mail(int argc, char **argv)
{
    struct doc_setup s = {0};
    struct mail_options mo = {0};
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    const char **history = calloc((size_t)argc + 1, sizeof *history);
    const char **intel = calloc((size_t)argc + 1, sizeof *intel);
    int np = 0, nh = 0, ni = 0, rc = EXIT_OK;
    if (paths == NULL || history == NULL || intel == NULL) {
        rc = EXIT_USAGE;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            cli_help_mail();
            goto done;
        }
        int o = doc_setup_option(&s, argc, argv, &i);
        bool valued = strcmp(argv[i], "--protect") == 0 || strcmp(argv[i], "--history") == 0 ||
                      strcmp(argv[i], "--intel") == 0;
        if (o < 0 || (o == 0 && valued && i + 1 >= argc)) {
            rc = usage_error("%s needs a value", argv[i]);
            goto done;
        }
        if (o == 0 && strcmp(argv[i], "--protect") == 0)
            mo.protect_path = argv[++i];
        else if (o == 0 && strcmp(argv[i], "--history") == 0)
            history[nh++] = argv[++i];
        else if (o == 0 && strcmp(argv[i], "--intel") == 0)
            intel[ni++] = argv[++i];
        else if (o == 0 && argv[i][0] == '-' && argv[i][1] != 0) {
            rc = usage_error("unknown option %s", argv[i]);
            goto done;
        } else if (o == 0) {
            paths[np++] = argv[i];
        }
    }
    if (np == 0) {
        rc = usage_error("mail needs at least one .eml, mbox or Maildir%s", "");
        goto done;
    }
    char err[512];
    struct intel_store *store = NULL;
    if (!doc_setup_load(&s, err, sizeof err)) {
        fprintf(stderr, "vigil: mail: %s\n", err);
        rc = EXIT_USAGE;
        goto done;
    }
    if (ni > 0) {
        store = intel_store_new();
        for (int i = 0; store != NULL && i < ni; i++) {
            if (intel_load_path(store, intel[i], INTEL_FORMAT_AUTO, NULL, err, sizeof err) != 0) {
                fprintf(stderr, "vigil: mail: %s\n", err);
                intel_store_free(store);
                rc = EXIT_USAGE;
                goto done;
            }
        }
    }
    mo.history = history;
    mo.intel = store;
    mo.doc = &s.ctx;
    struct mail_run run = {.ctx = mail_ctx_new(&mo, err, sizeof err)};
    if (run.ctx == NULL) {
        fprintf(stderr, "vigil: mail: %s\n", err);
        intel_store_free(store);
        rc = EXIT_USAGE;
        goto done;
    }
    buf_init(&run.out, 65536, 64u << 20);
    for (int i = 0; i < np; i++) {
        if (!mailbox_each(paths[i], on_message, &run, err, sizeof err)) {
            fprintf(stderr, "vigil: mail: %s\n", err);
            run.worst = -1;
        }
    }
    fflush(stdout);
    buf_free(&run.out);
    mail_ctx_free(run.ctx);
    intel_store_free(store);
    rc = run.worst < 0 ? EXIT_USAGE : run.worst > 0 ? EXIT_DAMAGED : EXIT_OK;
done:
    doc_setup_free(&s);
    free(paths);
    free(history);
    free(intel);
    return rc;
}
