// self-protection: statements that would switch the guard off or rewrite its
// record: dropping or changing the extension, its event triggers or its
// state tables, and ALTER SYSTEM settings that unload or weaken it. The
// finding's object is always "migsafe", so only an approval or window that
// names migsafe lets such a statement through.
#include "rule.hpp"

#include "../changed_tables.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace migsafe {

namespace {

constexpr const char *kExtension = "migsafe";
constexpr char kFiresAlways = 'A';  // TRIGGER_FIRES_ALWAYS (commands/trigger.h): ENABLE ALWAYS
constexpr const char *kEventTriggers[] = {"migsafe_ddl_command_start", "migsafe_sql_drop", "migsafe_table_rewrite"};

bool is_own_event_trigger(const char *name) {
    return name != nullptr && std::any_of(std::begin(kEventTriggers), std::end(kEventTriggers),
                                          [&](const char *own) { return strcmp(own, name) == 0; });
}

// What a DROP of migsafe's own objects does, or nullptr.
const char *dropped_guard_part(const DropStmt *drop) {
    ListCell *cell;
    foreach (cell, drop->objects) {
        const Node *object = static_cast<const Node *>(lfirst(cell));
        if (!IsA(object, String)) continue;
        const char *name = strVal(object);
        if (drop->removeType == OBJECT_EXTENSION && strcmp(name, kExtension) == 0)
            return "DROP EXTENSION migsafe removes the guard, its approvals and its audit";
        if (drop->removeType == OBJECT_EVENT_TRIGGER && is_own_event_trigger(name))
            return "DROP EVENT TRIGGER removes a layer of the guard";
        if (drop->removeType == OBJECT_SCHEMA && strcmp(name, kExtension) == 0)
            return "DROP SCHEMA migsafe removes the guard's approvals and audit";
    }
    return nullptr;
}

// The string values of a SET (A_Const strings and identifiers).
std::vector<std::string> set_values(const VariableSetStmt *set) {
    std::vector<std::string> values;
    ListCell *cell;
    foreach (cell, set->args) {
        const Node *arg = static_cast<const Node *>(lfirst(cell));
        if (IsA(arg, A_Const) && !castNode(A_Const, arg)->isnull && IsA(&castNode(A_Const, arg)->val, String))
            values.emplace_back(strVal(&castNode(A_Const, arg)->val));
    }
    return values;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// A shared_preload_libraries value that still loads migsafe: one of its
// comma-separated entries is migsafe, $libdir/migsafe or migsafe.so.
bool loads_migsafe(const std::vector<std::string> &values) {
    for (const std::string &value : values) {
        std::string list = lower(value);
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t end = list.find(',', start);
            std::string entry = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
            entry.erase(0, entry.find_first_not_of(" \t\""));
            entry.erase(entry.find_last_not_of(" \t\"") + 1);
            std::size_t slash = entry.rfind('/');
            if (slash != std::string::npos) entry.erase(0, slash + 1);
            if (entry == "migsafe" || entry == "migsafe.so") return true;
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    return false;
}

// What an ALTER SYSTEM does to weaken the guard, or nullptr.
const char *weakening_system_setting(const AlterSystemStmt *alter) {
    const VariableSetStmt *set = alter->setstmt;
    if (set->kind == VAR_RESET_ALL) return "ALTER SYSTEM RESET ALL may remove migsafe from shared_preload_libraries";
    std::string name = set->name != nullptr ? lower(set->name) : "";
    bool resets = set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT;
    std::vector<std::string> values = set_values(set);
    std::string value = values.empty() ? "" : lower(values.front());
    if (name == "shared_preload_libraries" && (resets || !loads_migsafe(values)))
        return "ALTER SYSTEM removes migsafe from shared_preload_libraries: the next restart unloads the guard";
    if (name == "migsafe.mode" && !resets && value != "enforce")
        return "ALTER SYSTEM sets migsafe.mode: the guard stops refusing dangerous statements after a reload";
    if (name == "migsafe.require_registered_approval" && !resets &&
        (value == "off" || value == "false" || value == "0" || value == "no"))
        return "ALTER SYSTEM turns off migsafe.require_registered_approval: any approval name would do";
    return nullptr;
}

// Tables that a data-modifying statement writes (also in WITH).
void written_tables(const Node *node, std::vector<RelName> &out);

void written_with(const WithClause *with, std::vector<RelName> &out) {
    if (with == nullptr) return;
    ListCell *cell;
    foreach (cell, with->ctes) written_tables(lfirst_node(CommonTableExpr, cell)->ctequery, out);
}

void written_tables(const Node *node, std::vector<RelName> &out) {
    if (node == nullptr) return;
    switch (nodeTag(node)) {
        case T_InsertStmt:
            written_with(castNode(InsertStmt, node)->withClause, out);
            out.push_back(rel_name(castNode(InsertStmt, node)->relation));
            break;
        case T_UpdateStmt:
            written_with(castNode(UpdateStmt, node)->withClause, out);
            out.push_back(rel_name(castNode(UpdateStmt, node)->relation));
            break;
        case T_DeleteStmt:
            written_with(castNode(DeleteStmt, node)->withClause, out);
            out.push_back(rel_name(castNode(DeleteStmt, node)->relation));
            break;
        case T_MergeStmt:
            written_with(castNode(MergeStmt, node)->withClause, out);
            out.push_back(rel_name(castNode(MergeStmt, node)->relation));
            break;
        case T_SelectStmt:
            written_with(castNode(SelectStmt, node)->withClause, out);
            break;
        case T_CopyStmt: {
            const auto *copy = castNode(CopyStmt, node);
            if (copy->is_from && copy->relation != nullptr) out.push_back(rel_name(copy->relation));
            break;
        }
        default:
            break;
    }
}

// An analysed statement (server only) that writes a state table.
bool query_writes_state(const Query *query, const Context &context) {
    ListCell *cell;
    foreach (cell, query->cteList) {
        const Node *cte = lfirst_node(CommonTableExpr, cell)->ctequery;
        if (cte != nullptr && IsA(cte, Query) && query_writes_state(castNode(Query, cte), context)) return true;
    }
    if (query->resultRelation <= 0) return false;
    return context.is_guard_state_relation(rt_fetch(query->resultRelation, query->rtable)->relid);
}

// What the statement does to the guard's own objects, or "".
std::string guard_change(RuleInput &in) {
    const Node *stmt = in.stmt;
    switch (nodeTag(stmt)) {
        case T_DropStmt:
            if (const char *what = dropped_guard_part(castNode(DropStmt, stmt))) return what;
            break;
        case T_AlterExtensionContentsStmt:
            if (strcmp(castNode(AlterExtensionContentsStmt, stmt)->extname, kExtension) == 0)
                return "ALTER EXTENSION migsafe ADD/DROP changes which objects make up the guard";
            break;
        case T_AlterEventTrigStmt: {
            const auto *alter = castNode(AlterEventTrigStmt, stmt);
            if (is_own_event_trigger(alter->trigname) && alter->tgenabled != kFiresAlways)
                return "ALTER EVENT TRIGGER disables a layer of the guard or makes it depend on "
                       "session_replication_role";
            break;
        }
        case T_RenameStmt: {
            const auto *rename = castNode(RenameStmt, stmt);
            if (rename->renameType == OBJECT_EVENT_TRIGGER && rename->object != nullptr && IsA(rename->object, String) &&
                is_own_event_trigger(strVal(rename->object)))
                return "ALTER EVENT TRIGGER ... RENAME changes a layer of the guard";
            if (rename->renameType == OBJECT_SCHEMA && rename->subname != nullptr && strcmp(rename->subname, kExtension) == 0)
                return "ALTER SCHEMA migsafe RENAME moves the guard's state";
            break;
        }
        case T_AlterSystemStmt:
            if (const char *what = weakening_system_setting(castNode(AlterSystemStmt, stmt))) return what;
            break;
        case T_RuleStmt: {
            // The rule's actions run later, rewritten into other statements
            // that are never analysed on their own: what they write is
            // judged when the rule is created.
            std::vector<RelName> written;
            ListCell *cell;
            foreach (cell, castNode(RuleStmt, stmt)->actions) written_tables(static_cast<const Node *>(lfirst(cell)), written);
            for (const RelName &table : written)
                if (in.context.is_guard_state(table))
                    return "CREATE RULE with an action that writes migsafe's state table " + table.display() +
                           ": only migsafe's functions may";
            break;
        }
        case T_Query:
            if (query_writes_state(castNode(Query, stmt), in.context))
                return "writes migsafe's state tables directly: only migsafe's functions may";
            break;
        default:
            break;
    }
    for (const ChangedTable &change : in.changes())
        if (in.context.is_guard_state(change.table))
            return std::string("statement ") + change.how + " migsafe's state table " + change.table.display();
    std::vector<RelName> written;
    written_tables(stmt, written);
    for (const RelName &table : written)
        if (in.context.is_guard_state(table))
            return "writes migsafe's state table " + table.display() + " directly: only migsafe's functions may";
    return "";
}

}  // namespace

void check_self_protection(RuleInput &in) {
    std::string change = guard_change(in);
    if (!change.empty()) in.report(kStatementStart, kExtension, change);
}

// Rules reported outside the classifier, from facts SQL text does not have:
// the database's event triggers (cascade-drop, table rewrites) and the CLI's
// ignore comments (unused-ignore).
void check_outside_the_classifier(RuleInput &) {}

}  // namespace migsafe
