#include "changed_tables.hpp"

#include "options.hpp"

namespace migsafe {

namespace {

void add(Changes &out, const RangeVar *relation, const char *how, bool recurses = false) {
    if (relation == nullptr) return;
    ChangedTable &change = out.emplace_back();
    change.table = rel_name(relation);
    change.location = relation->location;
    change.how = how;
    change.recurses = recurses && relation->inh;
}

void add_foreign_key(Changes &out, const Node *node) {
    if (node == nullptr || !IsA(node, Constraint)) return;
    const auto *constraint = castNode(Constraint, node);
    if (constraint->contype == CONSTR_FOREIGN) add(out, constraint->pktable, "adds a FOREIGN KEY that references");
}

void add_column_references(Changes &out, const Node *node) {
    if (node == nullptr || !IsA(node, ColumnDef)) return;
    ListCell *cell;
    foreach (cell, castNode(ColumnDef, node)->constraints) add_foreign_key(out, static_cast<Node *>(lfirst(cell)));
}

void add_alter_table(Changes &out, const AlterTableStmt *alter) {
    add(out, alter->relation, "alters", true);
    ListCell *cell;
    foreach (cell, alter->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        switch (cmd->subtype) {
            case AT_AddConstraint:
                add_foreign_key(out, cmd->def);
                break;
            case AT_AddColumn:
                add_column_references(out, cmd->def);
                break;
            case AT_AttachPartition:
            case AT_DetachPartition:
                add(out, castNode(PartitionCmd, cmd->def)->name, "attaches or detaches partition");
                break;
            case AT_AddInherit:
            case AT_DropInherit:
                add(out, castNode(RangeVar, cmd->def), "changes the inheritance of parent");
                break;
            default:
                break;
        }
    }
}

void add_create_table(Changes &out, const CreateStmt *create) {
    ListCell *cell;
    foreach (cell, create->tableElts) {
        const Node *element = static_cast<Node *>(lfirst(cell));
        add_column_references(out, element);
        add_foreign_key(out, element);
    }
    foreach (cell, create->constraints) add_foreign_key(out, static_cast<Node *>(lfirst(cell)));
    foreach (cell, create->inhRelations) add(out, lfirst_node(RangeVar, cell), "adds a child or partition to");
}

// "[schema.]table.object" -> "[schema.]table"
RelName owning_table(const List *parts) {
    RelName table;
    int length = list_length(parts);
    if (length >= 2) table.name = strVal(list_nth(parts, length - 2));
    if (length >= 3) table.schema = strVal(list_nth(parts, length - 3));
    return table;
}

// DROP TABLE names tables; DROP TRIGGER/RULE/POLICY name "[schema.]table.object".
void add_drop(Changes &out, const DropStmt *drop) {
    bool names_tables = drop->removeType == OBJECT_TABLE || drop->removeType == OBJECT_MATVIEW ||
                        drop->removeType == OBJECT_FOREIGN_TABLE;
    bool names_table_objects = drop->removeType == OBJECT_TRIGGER || drop->removeType == OBJECT_RULE ||
                               drop->removeType == OBJECT_POLICY;
    if (!names_tables && !names_table_objects) return;
    ListCell *cell;
    foreach (cell, drop->objects) {
        const List *parts = lfirst_node(List, cell);
        RelName table = names_tables ? rel_name(parts) : owning_table(parts);
        out.push_back({table, -1, names_tables ? "drops" : "drops a trigger, rule or policy of"});
    }
}

}  // namespace

Changes changed_tables(const Node *stmt) {
    Changes out;
    out.reserve(4);
    switch (nodeTag(stmt)) {
        case T_AlterTableStmt:
            add_alter_table(out, castNode(AlterTableStmt, stmt));
            break;
        case T_CreateStmt:
            add_create_table(out, castNode(CreateStmt, stmt));
            break;
        case T_RenameStmt:
            add(out, castNode(RenameStmt, stmt)->relation, "renames");
            break;
        case T_AlterObjectSchemaStmt:
            add(out, castNode(AlterObjectSchemaStmt, stmt)->relation, "moves");
            break;
        case T_DropStmt:
            add_drop(out, castNode(DropStmt, stmt));
            break;
        case T_TruncateStmt: {
            ListCell *cell;
            foreach (cell, castNode(TruncateStmt, stmt)->relations) add(out, lfirst_node(RangeVar, cell), "truncates", true);
            break;
        }
        case T_IndexStmt:
            add(out, castNode(IndexStmt, stmt)->relation, "creates an index on", true);
            break;
        case T_CreateTrigStmt:
            add(out, castNode(CreateTrigStmt, stmt)->relation, "creates a trigger on");
            break;
        case T_RuleStmt:
            add(out, castNode(RuleStmt, stmt)->relation, "creates a rule on");
            break;
        case T_CreatePolicyStmt:
            add(out, castNode(CreatePolicyStmt, stmt)->table, "creates a policy on");
            break;
        case T_AlterPolicyStmt:
            add(out, castNode(AlterPolicyStmt, stmt)->table, "alters a policy on");
            break;
        case T_ClusterStmt:
            add(out, castNode(ClusterStmt, stmt)->relation, "rewrites (CLUSTER)");
            break;
        case T_VacuumStmt: {
            const auto *vacuum = castNode(VacuumStmt, stmt);
            if (!option_enabled(vacuum->options, "full")) break;
            ListCell *cell;
            foreach (cell, vacuum->rels)
                add(out, lfirst_node(VacuumRelation, cell)->relation, "rewrites (VACUUM FULL)", true);
            break;
        }
        default:
            break;
    }
    return out;
}

}  // namespace migsafe
