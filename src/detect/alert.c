#include "detect/alert.h"

/* struct app_conn and struct conn_record name their identity fields alike. */
#define ALERT_SET_CONN(a, c)                                                                                           \
    do {                                                                                                               \
        (a)->has_conn = true;                                                                                          \
        (a)->uid = (c)->uid;                                                                                           \
        (a)->flow_id = (c)->flow_id;                                                                                   \
        (a)->orig_h = (c)->orig_h;                                                                                     \
        (a)->resp_h = (c)->resp_h;                                                                                     \
        (a)->orig_p = (c)->orig_p;                                                                                     \
        (a)->resp_p = (c)->resp_p;                                                                                     \
        (a)->proto = (c)->proto;                                                                                       \
        (a)->vlan[0] = (c)->vlan;                                                                                      \
        (a)->vlan[1] = (c)->middle_vlan;                                                                               \
        (a)->vlan[2] = (c)->inner_vlan;                                                                                \
        (a)->community_id = (c)->community_id;                                                                         \
    } while (0)

void alert_set_app_conn(struct alert *a, const struct app_conn *c)
{
    ALERT_SET_CONN(a, c);
}

void alert_set_conn_record(struct alert *a, const struct conn_record *c)
{
    ALERT_SET_CONN(a, c);
}
