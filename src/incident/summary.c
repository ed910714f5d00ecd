#include "incident/summary.h"

#include <time.h>


void incident_print_summary(FILE *out, const struct correlator *c)
{
    size_t n = correlator_incident_count(c);
    size_t by_sev[SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; i < n; i++)
        by_sev[correlator_incident(c, i)->severity]++;
    fprintf(out, "incidents: %zu (critical %zu, high %zu, medium %zu, low %zu)\n", n, by_sev[SEV_CRITICAL],
            by_sev[SEV_HIGH], by_sev[SEV_MEDIUM], by_sev[SEV_LOW]);
    for (size_t i = 0; i < n && i < 3; i++) {
        const struct incident *inc = correlator_incident(c, i);
        char host[IP_ADDR_STRLEN], id[16], first[32];
        ip_addr_format(&inc->host, host, sizeof host);
        incident_format_id(inc->id, id, sizeof id);
        time_t t = (time_t)(inc->first_us / 1000000);
        struct tm tm = {0};
        gmtime_r(&t, &tm);
        strftime(first, sizeof first, "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(out, "  %s %-8s %-15s first seen %s UTC, stages:", id, incident_severity_name(inc->severity), host,
                first);
        for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++)
            if (inc->stage_events[s])
                fprintf(out, " %s", kc_stage_name((enum kc_stage)s));
        fputc('\n', out);
    }
}
