/* The lateral-movement detector: behaviour over SMB and DCE-RPC
 * transactions (proto/smb.h, proto/dce_rpc.h), reported as notice.log rows
 * and EVE alerts with ATT&CK ids and the uids of the evidence:
 *  - a service created then started over SVCCTL (PsExec and its clones,
 *    T1569.002), a scheduled task registered over ATSVC or
 *    ITaskSchedulerService (T1053.005), a WMI method run (T1047); each adds
 *    T1021.002 and T1570 when the same client wrote an executable to an
 *    admin share of the same server shortly before;
 *  - Zerologon (CVE-2020-1472): a burst of NETLOGON challenge/authenticate
 *    calls from one client to one server;
 *  - DCSync (T1003.006): DRSGetNCChanges called by a host that is not a
 *    domain controller (detect/domain_controllers.h), judged at report time
 *    so that controllers learned later in the capture count.
 * What marks each technique and the thresholds are data
 * (data/lateral_movement.tsv, detect/lateral_policy.h). On unless
 * --no-behavior. */
#ifndef VIGIL_DETECT_LATERAL_H
#define VIGIL_DETECT_LATERAL_H

#include "detect/detector.h"

extern const struct detector lateral_detector;

#endif
