// self-protection: statements that would switch the guard off or rewrite its
// record: dropping or changing the extension, its event triggers or its
// state tables, and ALTER SYSTEM settings that unload or weaken it. The
// finding's object is always "migsafe", so only an approval or window that
// names migsafe lets such a statement through.
#include "rule.hpp"

#include "../changed_tables.hpp"
#include "../options.hpp"
#include "../raw_nodes.hpp"

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

// migsafe.mass_change_min_rows set to 0 (off) or above its default: fewer
// statements are judged by their effect. A value that is not a plain
// number counts as weakening (fail closed).
bool weakens_mass_change(const std::string &value) {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 9) return true;
    long rows = std::stol(value);
    return rows == 0 || rows > 1000;
}

// What an ALTER SYSTEM does to weaken the guard, or nullptr.
const char *weakening_system_setting(const AlterSystemStmt *alter) {
    const VariableSetStmt *set = alter->setstmt;
    if (set->kind == VAR_RESET_ALL) return "ALTER SYSTEM RESET ALL may remove migsafe from shared_preload_libraries";
    std::string name = set->name != nullptr ? lower(set->name) : "";
    bool resets = set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT;
    std::vector<std::string> values = setting_values(set);
    std::string value = values.empty() ? "" : lower(values.front());
    if (name == "shared_preload_libraries" && (resets || !loads_migsafe(values)))
        return "ALTER SYSTEM removes migsafe from shared_preload_libraries: the next restart unloads the guard";
    if (name == "migsafe.mode" && !resets && value != "enforce")
        return "ALTER SYSTEM sets migsafe.mode: the guard stops refusing dangerous statements after a reload";
    if (name == "migsafe.require_registered_approval" && !resets &&
        is_false_setting(value))
        return "ALTER SYSTEM turns off migsafe.require_registered_approval: any approval name would do";
    if (name == "migsafe.mass_change_min_rows" && !resets && weakens_mass_change(value))
        return "ALTER SYSTEM sets migsafe.mass_change_min_rows to 0 or above 1000: fewer statements are judged by "
               "their effect";
    return nullptr;
}

// What SET of a migsafe setting (in ALTER ROLE/DATABASE ... SET or a
// function's SET clause) does to weaken the guard, or nullptr. RESET puts
// back the server's value, which is not weaker.
const char *weakening_setting(const VariableSetStmt *set) {
    if (set == nullptr || set->kind != VAR_SET_VALUE || set->name == nullptr) return nullptr;
    std::string name = lower(set->name);
    std::vector<std::string> values = setting_values(set);
    std::string value = values.size() == 1 ? lower(values.front()) : "";
    if (name == "migsafe.mode" && value != "enforce") return "sets migsafe.mode: the guard stops refusing dangerous statements";
    if (name == "migsafe.state_write" && !is_false_setting(value))
        return "sets migsafe.state_write: the guard stops judging anything";
    if (name == "migsafe.require_registered_approval" && is_false_setting(value))
        return "turns off migsafe.require_registered_approval: any approval name would do";
    if (name == "migsafe.mass_change_min_rows" && weakens_mass_change(value))
        return "sets migsafe.mass_change_min_rows to 0 or above 1000: fewer statements are judged by their effect";
    return nullptr;
}

bool is_guard_setting(const char *name) {
    std::string setting = lower(name);
    return setting == "migsafe.mode" || setting == "migsafe.state_write" ||
           setting == "migsafe.require_registered_approval" || setting == "migsafe.*";
}

// A function of migsafe's: migsafe_* where the extension puts them
// (pg_catalog, or unqualified: search_path may put pg_catalog first), or any
// function in schema migsafe.
bool is_own_function(const List *name) {
    RelName function = rel_name(name);
    if (function.schema == kExtension) return true;
    return (function.schema.empty() || function.schema == "pg_catalog") && function.name.rfind("migsafe_", 0) == 0;
}

// The function options (CREATE/ALTER FUNCTION) that weaken the guard.
const char *weakening_function_option(const List *options) {
    ListCell *cell;
    foreach (cell, options) {
        const auto *option = lfirst_node(DefElem, cell);
        if (strcmp(option->defname, "set") == 0 && option->arg != nullptr && IsA(option->arg, VariableSetStmt))
            if (weakening_setting(castNode(VariableSetStmt, option->arg)) != nullptr)
                return "a function whose SET clause weakens migsafe runs every statement in it unguarded";
    }
    return nullptr;
}

const char *function_change(const CreateFunctionStmt *create) {
    if (create->replace && is_own_function(create->funcname))
        return "CREATE OR REPLACE FUNCTION replaces one of migsafe's functions";
    return weakening_function_option(create->options);
}

const char *function_change(const AlterFunctionStmt *alter) {
    if (is_own_function(alter->func->objname)) return "ALTER FUNCTION changes one of migsafe's functions";
    return weakening_function_option(alter->actions);
}

// GRANT SET (or ALL) ON PARAMETER of a setting that switches the guard off.
bool grants_guard_setting(const GrantStmt *grant) {
    if (!grant->is_grant || grant->objtype != OBJECT_PARAMETER_ACL) return false;
    ListCell *cell;
    foreach (cell, grant->objects)
        if (IsA(lfirst(cell), String) && is_guard_setting(strVal(lfirst(cell)))) return true;
    return false;
}

bool names_own_object(ObjectType type, const Node *object) {
    if (object == nullptr) return false;
    if (type == OBJECT_SCHEMA) return IsA(object, String) && strcmp(strVal(object), kExtension) == 0;
    if (type == OBJECT_EVENT_TRIGGER) return IsA(object, String) && is_own_event_trigger(strVal(object));
    if (type == OBJECT_FUNCTION || type == OBJECT_PROCEDURE || type == OBJECT_ROUTINE)
        return IsA(object, ObjectWithArgs) && is_own_function(castNode(ObjectWithArgs, object)->objname);
    return false;
}

bool reads_guard_state(Node *query, const Context &context) {
    for (Node *table : raw_nodes_of(query, T_RangeVar))
        if (context.is_guard_state(rel_name(castNode(RangeVar, table)))) return true;
    return false;
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
    unsigned int target = rt_fetch(query->resultRelation, query->rtable)->relid;
    if (context.is_guard_state_relation(target)) return true;
    // pg_event_trigger is a system catalog: its OID, like every catalog's,
    // is below FirstNormalObjectId (16384), so the name of an ordinary
    // table (every UPDATE of the application) needs no catalog look-up.
    constexpr unsigned int kFirstNormalObjectId = 16384;
    if (target >= kFirstNormalObjectId) return false;
    std::optional<RelName> name = context.relation_name(target);
    return name && name->schema == "pg_catalog" && name->name == "pg_event_trigger";
}

// What the statement does to the guard's own objects, or "". Statements
// that only a superuser or the extension's owner can run are here too: they
// would switch the guard off for good, and need an approval naming migsafe
// like uninstalling it.
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
            if (names_own_object(rename->renameType, rename->object))
                return "ALTER FUNCTION ... RENAME changes one of migsafe's functions";
            break;
        }
        case T_AlterSystemStmt:
            if (const char *what = weakening_system_setting(castNode(AlterSystemStmt, stmt))) return what;
            break;
        case T_AlterRoleSetStmt:
            if (const char *what = weakening_setting(castNode(AlterRoleSetStmt, stmt)->setstmt))
                return std::string("ALTER ROLE ... SET ") + what + " for the role's sessions";
            break;
        case T_AlterDatabaseSetStmt:
            if (const char *what = weakening_setting(castNode(AlterDatabaseSetStmt, stmt)->setstmt))
                return std::string("ALTER DATABASE ... SET ") + what + " for the database's sessions";
            break;
        case T_CreateFunctionStmt:
            if (const char *what = function_change(castNode(CreateFunctionStmt, stmt))) return what;
            break;
        case T_AlterFunctionStmt:
            if (const char *what = function_change(castNode(AlterFunctionStmt, stmt))) return what;
            break;
        case T_GrantStmt:
            if (grants_guard_setting(castNode(GrantStmt, stmt)))
                return "GRANT ... ON PARAMETER lets a role switch the guard off";
            break;
        case T_AlterOwnerStmt: {
            const auto *alter = castNode(AlterOwnerStmt, stmt);
            if (names_own_object(alter->objectType, alter->object))
                return "ALTER ... OWNER TO hands one of migsafe's objects to another role";
            break;
        }
        case T_AlterObjectSchemaStmt: {
            const auto *alter = castNode(AlterObjectSchemaStmt, stmt);
            if (names_own_object(alter->objectType, alter->object))
                return "ALTER FUNCTION ... SET SCHEMA moves one of migsafe's functions";
            break;
        }
        case T_ViewStmt:
            if (reads_guard_state(castNode(ViewStmt, stmt)->query, in.context))
                return "a view over migsafe's state tables can write them (an updatable view)";
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
    for (const RelName &table : written) {
        if (in.context.is_guard_state(table))
            return "writes migsafe's state table " + table.display() + " directly: only migsafe's functions may";
        if (table.name == "pg_event_trigger" && (table.schema.empty() || table.schema == "pg_catalog"))
            return "writes the catalog of event triggers directly: it can disable the guard's";
    }
    return "";
}

}  // namespace

void check_self_protection(RuleInput &in) {
    std::string change = guard_change(in);
    if (!change.empty()) in.report(kStatementStart, kExtension, change);
}

}  // namespace migsafe
