/* Every detector of `vigil read` and `vigil live`, in the order they see
 * each event. Adding a detector: its file defines a `struct detector`
 * (detect/detector.h), and one line here lists it. */
#include "core/detectors.h"

#include "asset/devices_detector.h"
#include "detect/behavior_detector.h"
#include "detect/dns_short.h"
#include "detect/document.h"
#include "detect/fanout.h"
#include "detect/icmp_tunnel.h"
#include "detect/intel_detector.h"
#include "detect/kerberos_abuse.h"
#include "detect/lateral.h"
#include "detect/phishing.h"

static const struct detector *const detectors[] = {
    &intel_detector,
    &behavior_detector,
    &devices_detector,
    &phishing_detector,
    &document_detector,
    &kerberos_abuse_detector,
    &fanout_detector,
    &lateral_detector,
    &icmp_tunnel_detector,
    &dns_short_detector,
};

const struct detector *const *core_detectors(size_t *n)
{
    *n = sizeof detectors / sizeof detectors[0];
    return detectors;
}
