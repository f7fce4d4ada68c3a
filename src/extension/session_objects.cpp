#include "session_objects.hpp"

#include "settings.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
}

namespace migsafe::session_objects {

namespace {

// One object this session created. subid: the column number for a column,
// 0 otherwise. created_in: the subtransaction that created it while its
// transaction runs; InvalidSubTransactionId once committed, from then on
// committed_at says when.
struct Entry {
    Oid classid;
    Oid objid;
    int32 subid;
    SubTransactionId created_in;
    TimestampTz committed_at;
};

// Bounds: a session that creates more objects (or commits more write
// transactions) than this within the window forgets its earlier ones, which
// only makes the guard stricter.
constexpr int kMaxEntries = 4096;
constexpr int kMaxXids = 16384;
// A table of the session's with more pages than this is not scanned for
// other sessions' rows: it counts as existing (8 MB with 8 kB pages).
constexpr BlockNumber kMaxScannedPages = 1024;

MemoryContext memory = nullptr;
Entry *entries = nullptr;
int entry_count = 0;
// The session's committed transactions (and subtransactions) since it first
// created something: the rows they wrote are the session's own. pending: the
// committing transaction's, kept from PRE_COMMIT until COMMIT.
TransactionId *xids = nullptr;
int xid_count = 0;
TransactionId *pending = nullptr;
int pending_count = 0;

object_access_hook_type previous_object_access = nullptr;

void ensure_memory() {
    if (memory != nullptr) return;
    memory = AllocSetContextCreate(TopMemoryContext, "migsafe session objects", ALLOCSET_SMALL_SIZES);
    entries = static_cast<Entry *>(MemoryContextAlloc(memory, sizeof(Entry) * kMaxEntries));
    xids = static_cast<TransactionId *>(MemoryContextAlloc(memory, sizeof(TransactionId) * kMaxXids));
}

bool committed(const Entry &entry) { return entry.created_in == InvalidSubTransactionId; }

// Removes the entries for which drop(entry) is true, keeping the order.
template <typename Drop>
void remove_if(Drop drop) {
    int kept = 0;
    for (int i = 0; i < entry_count; ++i)
        if (!drop(entries[i])) entries[kept++] = entries[i];
    entry_count = kept;
    if (entry_count == 0) xid_count = 0;  // no object of the session's left: no row to tell apart
}

void forget_committed() {
    remove_if([](const Entry &entry) { return committed(entry); });
}

void remember(Oid classid, Oid objid, int32 subid) {
    ensure_memory();
    if (entry_count == kMaxEntries) forget_committed();
    if (entry_count == kMaxEntries) return;  // this transaction alone created that many: not remembered
    entries[entry_count++] = {classid, objid, subid, GetCurrentSubTransactionId(), 0};
}

void forget(Oid classid, Oid objid, int32 subid) {
    // A dropped relation takes its columns with it.
    remove_if([&](const Entry &entry) {
        return entry.classid == classid && entry.objid == objid && (subid == 0 || entry.subid == subid);
    });
}

bool tracked_class(Oid classid) {
    return classid == RelationRelationId || classid == TypeRelationId || classid == NamespaceRelationId;
}

void on_object_access(ObjectAccessType access, Oid classid, Oid objid, int subid, void *arg) {
    if (previous_object_access != nullptr) previous_object_access(access, classid, objid, subid, arg);
    if (!tracked_class(classid)) return;
    if (access == OAT_POST_CREATE) remember(classid, objid, subid);
    else if (access == OAT_DROP) forget(classid, objid, subid);
}

// Whether an entry from an earlier transaction is still within the window.
bool in_window(const Entry &entry, TimestampTz now) {
    long window_ms = 1000L * settings::session_script_window_s;
    return window_ms > 0 && !TimestampDifferenceExceeds(entry.committed_at, now, static_cast<int>(window_ms));
}

void forget_expired() {
    if (entry_count == 0) return;
    TimestampTz now = GetCurrentTimestamp();
    remove_if([&](const Entry &entry) { return committed(entry) && !in_window(entry, now); });
}

bool remembered(Oid classid, Oid objid, int32 subid) {
    forget_expired();
    for (int i = 0; i < entry_count; ++i) {
        const Entry &entry = entries[i];
        if (entry.classid == classid && entry.objid == objid && entry.subid == subid) return true;
    }
    return false;
}

// PRE_COMMIT: the transaction's xids, while they can still be read.
void keep_pending_xids() {
    pending_count = 0;
    if (entry_count == 0) return;
    TransactionId top = GetTopTransactionIdIfAny();
    if (!TransactionIdIsValid(top)) return;
    TransactionId *children = nullptr;
    int nchildren = xactGetCommittedChildren(&children);
    pending = static_cast<TransactionId *>(
        MemoryContextAlloc(TopTransactionContext, sizeof(TransactionId) * (nchildren + 1)));
    pending[pending_count++] = top;
    for (int i = 0; i < nchildren; ++i) pending[pending_count++] = children[i];
}

void on_commit() {
    TimestampTz now = GetCurrentTimestamp();
    for (int i = 0; i < entry_count; ++i)
        if (!committed(entries[i])) entries[i] = {entries[i].classid, entries[i].objid, entries[i].subid,
                                                  InvalidSubTransactionId, now};
    if (settings::session_script_window_s == 0) forget_committed();
    if (xid_count + pending_count > kMaxXids) forget_committed();  // fail closed: the rows can no longer be told apart
    if (entry_count > 0 && xid_count + pending_count <= kMaxXids) {
        memcpy(xids + xid_count, pending, sizeof(TransactionId) * pending_count);
        xid_count += pending_count;
    }
    pending_count = 0;
}

void on_transaction_event(XactEvent event, void *) {
    switch (event) {
    case XACT_EVENT_PRE_COMMIT:
        keep_pending_xids();
        break;
    case XACT_EVENT_COMMIT:
        on_commit();
        break;
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PREPARE:  // committed, if ever, by another session
        remove_if([](const Entry &entry) { return !committed(entry); });
        pending_count = 0;
        break;
    default:
        break;
    }
}

void on_subtransaction_event(SubXactEvent event, SubTransactionId sub, SubTransactionId parent, void *) {
    if (event == SUBXACT_EVENT_ABORT_SUB) {
        remove_if([&](const Entry &entry) { return entry.created_in == sub; });
    } else if (event == SUBXACT_EVENT_COMMIT_SUB) {
        for (int i = 0; i < entry_count; ++i)
            if (entries[i].created_in == sub) entries[i].created_in = parent;
    }
}

bool own_xid(TransactionId xid) {
    if (TransactionIdIsCurrentTransactionId(xid)) return true;
    for (int i = 0; i < xid_count; ++i)
        if (TransactionIdEquals(xids[i], xid)) return true;
    return false;
}

// Every row of one relation was written by the session: a dirty snapshot
// sees rows that other transactions have not committed yet, which count as
// theirs (a frozen row's xmin is no longer anyone's: it counts as foreign).
bool rows_all_own(Oid relid, LOCKMODE lock) {
    char kind = get_rel_relkind(relid);
    if (kind != RELKIND_RELATION && kind != RELKIND_MATVIEW && kind != RELKIND_FOREIGN_TABLE)
        return true;  // no rows of its own: partitioned tables, indexes, views, sequences
    Relation rel = table_open(relid, lock == NoLock ? AccessShareLock : lock);
    bool own = true;
    if (kind == RELKIND_FOREIGN_TABLE) {
        own = false;  // its rows are elsewhere
    } else if (kind == RELKIND_RELATION || kind == RELKIND_MATVIEW) {
        own = RelationGetNumberOfBlocks(rel) <= kMaxScannedPages;
        if (own) {
            SnapshotData dirty;
            InitDirtySnapshot(dirty);
            TableScanDesc scan = table_beginscan(rel, &dirty, 0, nullptr);
            TupleTableSlot *slot = table_slot_create(rel, nullptr);
            while (own && table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
                CHECK_FOR_INTERRUPTS();
                bool should_free = false;
                HeapTuple tuple = ExecFetchSlotHeapTuple(slot, false, &should_free);
                own = own_xid(HeapTupleHeaderGetXmin(tuple->t_data));
                if (should_free) heap_freetuple(tuple);
            }
            ExecDropSingleTupleTableSlot(slot);
            table_endscan(scan);
        }
    }
    table_close(rel, lock == NoLock ? AccessShareLock : NoLock);  // a stronger lock is kept to the end
    return own;
}

}  // namespace

void register_hooks() {
    previous_object_access = object_access_hook;
    object_access_hook = on_object_access;
    RegisterXactCallback(on_transaction_event, nullptr);
    RegisterSubXactCallback(on_subtransaction_event, nullptr);
}

bool relation_created(Oid relation) { return remembered(RelationRelationId, relation, 0); }
bool column_added(Oid relation, AttrNumber column) { return remembered(RelationRelationId, relation, column); }
bool type_created(Oid type) { return remembered(TypeRelationId, type, 0); }
bool schema_created(Oid schema) { return remembered(NamespaceRelationId, schema, 0); }

bool relation_is_own(Oid relation, LOCKMODE lock) {
    if (!relation_created(relation)) return false;
    List *family = find_all_inheritors(relation, lock, nullptr);
    ListCell *cell;
    foreach (cell, family) {
        Oid member = lfirst_oid(cell);
        if (!relation_created(member) || !rows_all_own(member, lock)) return false;
    }
    return true;
}

}  // namespace migsafe::session_objects
