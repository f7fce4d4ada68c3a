// The server API differences between the PostgreSQL majors migsafe builds
// against (15, 17 and 18; 16's API wherever 15 -> 17 passes through it), in
// one place. The classifier's own (MERGE's matchKind, 18's virtual generated
// columns) sit beside the node readers that need them, behind the same
// PG_VERSION_NUM tests.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/executor.h"
#include "pgstat.h"
#include "storage/proc.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/acl.h"
#if PG_VERSION_NUM >= 160000
#include "archive/archive_module.h"
#else
#include "postmaster/pgarch.h"
#endif
}

namespace migsafe::compat {

// This backend's own tuple counters of a table (16 renamed t_counts to
// counts and dropped the t_ of its fields).
struct TupleCounts {
    PgStat_Counter deleted, updated, inserted;
};

inline TupleCounts table_counts(const PgStat_TableStatus *status) {
#if PG_VERSION_NUM >= 160000
    return {status->counts.tuples_deleted, status->counts.tuples_updated, status->counts.tuples_inserted};
#else
    return {status->t_counts.t_tuples_deleted, status->t_counts.t_tuples_updated, status->t_counts.t_tuples_inserted};
#endif
}

// This backend's local transaction id (17 moved it into PGPROC.vxid).
inline LocalTransactionId local_transaction_id() {
#if PG_VERSION_NUM >= 170000
    return MyProc->vxid.lxid;
#else
    return MyProc->lxid;
#endif
}

// archive_library (16 moved its variable to archive/archive_module.h).
inline const char *archive_library() { return XLogArchiveLibrary; }

// Whether the current user owns the relation, as DROP requires (16
// replaced pg_class_ownercheck() with object_ownercheck()).
inline bool owns_relation(Oid relid) {
#if PG_VERSION_NUM >= 160000
    return object_ownercheck(RelationRelationId, relid, GetUserId());
#else
    return pg_class_ownercheck(relid, GetUserId());
#endif
}

}  // namespace migsafe::compat

// ExecutorRun lost its execute_once argument in 18: hooks are declared with
// MIGSAFE_EXECUTOR_RUN_PARAMS and pass MIGSAFE_EXECUTOR_RUN_ARGS on.
#if PG_VERSION_NUM >= 180000
#define MIGSAFE_EXECUTOR_RUN_PARAMS QueryDesc *query, ScanDirection direction, uint64 count
#define MIGSAFE_EXECUTOR_RUN_ARGS query, direction, count
#else
#define MIGSAFE_EXECUTOR_RUN_PARAMS QueryDesc *query, ScanDirection direction, uint64 count, bool execute_once
#define MIGSAFE_EXECUTOR_RUN_ARGS query, direction, count, execute_once
#endif
