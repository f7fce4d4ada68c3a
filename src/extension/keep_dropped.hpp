// The undo window (migsafe.keep_dropped): an approved DROP TABLE of one table
// that nothing else depends on moves the table into schema migsafe_dropped
// instead of deleting its rows (migsafe.keep_dropped() in the extension's
// script does the moving), for migsafe_restore() to put back and
// migsafe_purge() to drop once its time is past. docs/dba-guide.md says
// what is kept and what is not.
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/nodes.h"
#include "tcop/cmdtag.h"
}

#include <string_view>

struct QueryCompletion;

namespace migsafe::keep_dropped {

// Called in place of running a DROP TABLE the guard allowed and audited
// (audit_id): when the table can be kept, keeps it, sets the command tag
// the DROP would have set and returns true (the DROP must not run); when
// it cannot, says why in a NOTICE and returns false (the DROP runs).
bool instead_of_drop(const Node *stmt, long long audit_id, std::string_view statement, QueryCompletion *qc);

}  // namespace migsafe::keep_dropped
