/* detect/domain_controllers: which hosts are domain controllers, learned
 * from the traffic and given by the user (--domain-controllers). One
 * registry per run, shared by every worker and every detector that needs
 * it (detect_config.domain_controllers); it locks itself.
 *
 * Evidence comes from the detectors: the lateral-movement detector adds a
 * server that answered DRSUAPI or NETLOGON calls; a Kerberos or LDAP
 * detector adds a server that answered a KDC or directory request
 * (dc_registry_add_evidence with DC_EVIDENCE_KERBEROS / DC_EVIDENCE_LDAP). */
#ifndef VIGIL_DETECT_DOMAIN_CONTROLLERS_H
#define VIGIL_DETECT_DOMAIN_CONTROLLERS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/addr.h"

enum dc_evidence {
    DC_EVIDENCE_GIVEN = 1 << 0,     /* --domain-controllers */
    DC_EVIDENCE_DRSUAPI = 1 << 1,   /* answered directory replication (MS-DRSR) */
    DC_EVIDENCE_NETLOGON = 1 << 2,  /* answered NETLOGON (MS-NRPC) */
    DC_EVIDENCE_KERBEROS = 1 << 3,  /* answered as a KDC */
    DC_EVIDENCE_LDAP = 1 << 4,      /* answered LDAP binds/searches */
};

/* Hosts remembered at most: a given list longer than this is refused;
 * evidence for a new host once it is full is not kept. */
#define DC_REGISTRY_MAX 4096

struct dc_registry;

/* The caller frees it with dc_registry_free(); NULL when out of memory. */
struct dc_registry *dc_registry_new(void);
void dc_registry_free(struct dc_registry *r);
/* Adds "ADDR,ADDR,..." as given controllers; false with err naming the bad
 * address, or the first one past DC_REGISTRY_MAX (or out of memory). */
bool dc_registry_add_list(struct dc_registry *r, const char *list, char *err, size_t errlen);
/* Records evidence that addr is a domain controller. Thread-safe. */
void dc_registry_add_evidence(struct dc_registry *r, const struct ip_addr *addr, enum dc_evidence evidence);
/* The evidence bits held for addr (0: not known as a controller). Thread-safe. */
unsigned dc_registry_evidence(struct dc_registry *r, const struct ip_addr *addr);

#endif
