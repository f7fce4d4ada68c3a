#include "transaction_objects.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

namespace migsafe::transaction_objects {

namespace {

struct AddedColumn {
    Oid relation;
    AttrNumber column;
};

// Allocated in TopTransactionContext; forgotten (and freed with it) at the
// end of the transaction.
AddedColumn *added = nullptr;
int added_count = 0;
int added_capacity = 0;

void forget(XactEvent event, void *) {
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT) {
        added = nullptr;
        added_count = added_capacity = 0;
    }
}

void remember(Oid relation, AttrNumber column) {
    if (added_count == added_capacity) {
        int capacity = added_capacity == 0 ? 16 : added_capacity * 2;
        auto *grown = static_cast<AddedColumn *>(MemoryContextAlloc(TopTransactionContext, sizeof(AddedColumn) * capacity));
        if (added_count > 0) memcpy(grown, added, sizeof(AddedColumn) * added_count);
        added = grown;
        added_capacity = capacity;
    }
    added[added_count++] = {relation, column};
}

}  // namespace

void register_callbacks() { RegisterXactCallback(forget, nullptr); }

PendingColumns columns_to_add(const AlterTableStmt *stmt) {
    PendingColumns pending = {InvalidOid, NIL};
    if (stmt->relation == nullptr) return pending;
    pending.relation = RangeVarGetRelid(stmt->relation, NoLock, true);
    ListCell *cell;
    foreach (cell, stmt->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        if (cmd->subtype != AT_AddColumn || cmd->def == nullptr || !IsA(cmd->def, ColumnDef)) continue;
        char *name = castNode(ColumnDef, cmd->def)->colname;
        // ADD COLUMN IF NOT EXISTS of a column that exists adds nothing.
        if (OidIsValid(pending.relation) && get_attnum(pending.relation, name) != InvalidAttrNumber) continue;
        pending.names = lappend(pending.names, name);
    }
    return pending;
}

void record_added(const PendingColumns &pending) {
    if (!OidIsValid(pending.relation)) return;
    ListCell *cell;
    foreach (cell, pending.names) {
        AttrNumber column = get_attnum(pending.relation, static_cast<char *>(lfirst(cell)));
        if (column != InvalidAttrNumber) remember(pending.relation, column);
    }
}

bool column_added(Oid relation, AttrNumber column) {
    for (int i = 0; i < added_count; ++i)
        if (added[i].relation == relation && added[i].column == column) return true;
    return false;
}

}  // namespace migsafe::transaction_objects
