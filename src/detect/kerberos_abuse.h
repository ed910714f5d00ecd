/* detect/kerberos_abuse: Kerberos used against the domain, from the
 * messages of proto/krb.c: Kerberoasting (T1558.003), AS-REP roasting
 * (T1558.004), one account getting tickets for many hosts (T1078.002,
 * T1021). Thresholds: data/lateral_movement.tsv (detect/lateral_config.h). */
#ifndef VIGIL_DETECT_KERBEROS_ABUSE_H
#define VIGIL_DETECT_KERBEROS_ABUSE_H

#include <stdbool.h>

#include "detect/detector.h"
#include "util/addr.h"

extern const struct detector kerberos_abuse_detector;

/* Whether addr answered Kerberos as a KDC (sent an AS-REP, TGS-REP or
 * KRB-ERROR) or LDAP as a server during this run: the domain-controller
 * module learns DCs from it. state is the detector's run state (what its
 * open() made); locked inside, callable from any worker. */
bool kdc_answered(const void *state, const struct ip_addr *addr);

#endif
