/* asset/observe: the transactions parsers publish, read for what they tell
 * the inventory about devices (names, banners, DHCP fingerprints). */
#ifndef VIGIL_ASSET_OBSERVE_H
#define VIGIL_ASSET_OBSERVE_H

#include "asset/inventory.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"

void asset_observe_transaction(struct inventory *inv, const struct app_conn *c, enum event_kind kind, const void *txn);

/* Cheap pre-check, without the inventory's lock: could this transaction
 * tell the inventory anything? */
bool asset_transaction_relevant(const struct app_conn *c, enum event_kind kind, const void *txn);

#endif
