#include "type_change.hpp"

#include "classifier.hpp"

#include <cstring>
#include <initializer_list>

namespace migsafe {

namespace {

constexpr int kIntervalFullRange = 0x7FFF;      // INTERVAL_FULL_RANGE
constexpr int kIntervalFullPrecision = 0xFFFF;  // INTERVAL_FULL_PRECISION
constexpr int kMaxTimePrecision = 6;            // MAX_TIMESTAMP_PRECISION, MAX_TIME_PRECISION
constexpr const char *kIntervalFields = "the fields and fractional seconds it does not keep are dropped or rounded";

bool is_one_of(const std::string &name, std::initializer_list<const char *> names) {
    for (const char *candidate : names)
        if (name == candidate) return true;
    return false;
}

bool is_string(const std::string &name) { return is_one_of(name, {"text", "varchar", "bpchar"}); }
bool is_length_limited(const std::string &name) { return is_one_of(name, {"varchar", "bpchar", "bit", "varbit"}); }
bool is_time(const std::string &name) { return is_one_of(name, {"time", "timetz", "timestamp", "timestamptz"}); }
bool is_timestamp(const std::string &name) { return is_one_of(name, {"timestamp", "timestamptz"}); }
bool is_float(const std::string &name) { return is_one_of(name, {"float4", "float8"}); }

// 1, 2, 3 for smallint, integer, bigint; 0 for any other type.
int integer_rank(const std::string &name) {
    if (name == "int2") return 1;
    if (name == "int4") return 2;
    if (name == "int8") return 3;
    return 0;
}

// The decimal digits of the largest value of an integer type.
int integer_digits(const std::string &name) {
    switch (integer_rank(name)) {
        case 1: return 5;
        case 2: return 10;
        default: return 19;
    }
}

// Fractional digits of a second a time type keeps: without a modifier, all
// of PostgreSQL's six.
int time_precision(const ColumnType &type) { return type.mods.empty() ? kMaxTimePrecision : type.mods[0]; }

bool is_numeric_with_mods(const ColumnType &type) { return type.name == "numeric" && type.mods.size() == 2; }

// Digits before the decimal point numeric(p,s) holds.
int integral_digits(const ColumnType &numeric) { return numeric.mods[0] - numeric.mods[1]; }

// The same type with modifiers that hold every value of from's.
bool same_type_wider(const ColumnType &from, const ColumnType &to) {
    if (to.mods.empty()) return true;  // no limit
    if (is_time(to.name)) return time_precision(to) >= time_precision(from);
    if (from.mods.empty()) return false;  // unlimited to limited
    // bit(n) holds exactly n bits: any other length fails or is padded.
    if (to.name == "bit") return to.mods[0] == from.mods[0];
    if (is_length_limited(to.name)) return to.mods[0] >= from.mods[0];
    if (is_numeric_with_mods(from) && is_numeric_with_mods(to))
        return to.mods[1] >= from.mods[1] && integral_digits(to) >= integral_digits(from);
    return from.mods == to.mods;
}

// The conversions between different types that keep every value.
bool lossless_widening(const ColumnType &from, const ColumnType &to) {
    // Any value, an array too, has a text form, which a string type without
    // a limit holds.
    if (is_string(to.name) && to.mods.empty() && (!to.array || from.array)) return true;
    if (from.array != to.array) return false;
    // char(n) to varchar(m): trailing blanks, which char(n) ignores, are trimmed.
    if (is_string(from.name) && to.name == "varchar")
        return from.name != "text" && !from.mods.empty() && !to.mods.empty() && from.mods[0] <= to.mods[0];
    int from_rank = integer_rank(from.name);
    if (from_rank != 0) {
        if (integer_rank(to.name) > from_rank) return true;
        if (to.name == "numeric")
            return to.mods.empty() ||
                   (is_numeric_with_mods(to) && integral_digits(to) >= integer_digits(from.name));
        // A float4 holds integers of 24 bits, a float8 of 53.
        if (to.name == "float8") return from_rank <= 2;
        if (to.name == "float4") return from_rank == 1;
        return false;
    }
    if (from.name == "float4") return to.name == "float8";
    // jsonb's text is valid json that means the same.
    if (from.name == "jsonb") return to.name == "json";
    if (from.name == "date") return is_timestamp(to.name);
    // A timestamp's wall-clock time is read in the session's TimeZone.
    if (from.name == "timestamp") return to.name == "timestamptz" && time_precision(to) >= time_precision(from);
    return false;
}

std::string mods_display(const std::vector<int> &mods) {
    std::string text = "(";
    for (std::size_t i = 0; i < mods.size(); ++i) text += (i == 0 ? "" : ",") + std::to_string(mods[i]);
    return text + ")";
}

std::string rounding(const ColumnType &numeric) {
    int scale = numeric.mods[1];
    std::string digits = std::to_string(integral_digits(numeric));
    if (scale == 0) return "fractions are rounded away, and values of more than " + digits + " digits fail";
    return "values are rounded to " + std::to_string(scale) + " decimal places, and those of more than " + digits +
           " digits before the point fail";
}

std::string fraction_rounding(const ColumnType &time) {
    int precision = time_precision(time);
    if (precision == 0) return "fractional seconds are rounded away";
    return "fractional seconds are rounded to " + std::to_string(precision) + " digits";
}

// What converting from (known) to to can do to a value.
std::string what_changes(const ColumnType &from, const ColumnType &to) {
    if (to.name == "bit" && !to.mods.empty()) return "values of another length fail or are padded or cut";
    if (is_length_limited(to.name) && !to.mods.empty()) return "longer values fail or are cut";
    if (is_numeric_with_mods(to)) return rounding(to);
    if (to.name == "numeric" && is_float(from.name))
        return from.name == "float4" ? "values keep about 6 significant digits"
                                     : "values keep about 15 significant digits";
    if (to.name == "date" && is_timestamp(from.name)) return "the time of day is dropped";
    if (is_one_of(to.name, {"time", "timetz"}) && is_timestamp(from.name)) return "the date is dropped";
    if (to.name == "time" && from.name == "timetz") return "the time zone is dropped";
    if (to.name == "timestamp" && from.name == "timestamptz")
        return "the time zone is dropped, and each value becomes its wall-clock time in the session's TimeZone";
    if (is_time(to.name) && is_time(from.name) && time_precision(to) < time_precision(from))
        return fraction_rounding(to);
    if (to.name == "interval" && !to.mods.empty()) return kIntervalFields;
    if (integer_rank(to.name) != 0) {
        std::string range = "values beyond the range of " + type_display(to) + " fail";
        if (integer_rank(from.name) != 0) return range;
        if (from.name == "numeric" || is_float(from.name)) return "fractions are rounded away, and " + range;
    }
    if (to.name == "float4") return "values keep about 6 significant digits";
    if (to.name == "float8") return "values keep about 15 significant digits";
    if (to.name == "jsonb" && from.name == "json") return "duplicate keys, key order and whitespace are dropped";
    return "not a conversion known to keep every value";
}

// ---- USING -----------------------------------------------------------------

bool is_string_node(const Node *node) { return node != nullptr && IsA(node, String); }

// The column itself: c, t.c or s.t.c.
bool names_column(const Node *expression, const RelName &table, const char *column) {
    if (!IsA(expression, ColumnRef)) return false;
    const List *fields = castNode(ColumnRef, expression)->fields;
    int count = list_length(fields);
    for (int i = 0; i < count; ++i)
        if (!is_string_node(static_cast<const Node *>(list_nth(fields, i)))) return false;
    auto field = [&](int i) { return std::string(strVal(list_nth(fields, i))); };
    if (count < 1 || count > 3 || field(count - 1) != column) return false;
    if (count >= 2 && field(count - 2) != table.name) return false;
    return count < 3 || field(0) == table.schema;
}

bool is_plain_cast(const Node *expression, const RelName &table, const char *column, const TypeName *type) {
    if (names_column(expression, table, column)) return true;
    if (!IsA(expression, TypeCast)) return false;
    const auto *cast = castNode(TypeCast, expression);
    if (!names_column(cast->arg, table, column)) return false;
    std::optional<ColumnType> to = written_type(type);
    std::optional<ColumnType> as = written_type(cast->typeName);
    return to && as && as->name == to->name && as->array == to->array &&
           (as->mods.empty() || as->mods == to->mods);
}

std::string quoted_literal(const char *text) {
    std::string quoted = "'";
    std::size_t length = std::strlen(text);
    for (std::size_t i = 0; i < length && i < 40; ++i) {
        quoted += text[i];
        if (text[i] == '\'') quoted += '\'';
    }
    return quoted + (length > 40 ? "...'" : "'");
}

// A short rendering of a USING expression, for the message: names, casts,
// constants and operators; "..." for anything deeper.
std::string render(const Node *node, int depth = 0) {
    if (node == nullptr || depth > 3) return "...";
    switch (nodeTag(node)) {
        case T_ColumnRef: {
            std::string text;
            const ListCell *cell;
            foreach (cell, castNode(ColumnRef, node)->fields) {
                if (!text.empty()) text += '.';
                const Node *field = static_cast<const Node *>(lfirst(cell));
                text += is_string_node(field) ? quote_ident(strVal(field)) : "*";
            }
            return text;
        }
        case T_TypeCast: {
            const auto *cast = castNode(TypeCast, node);
            std::optional<ColumnType> type = written_type(cast->typeName);
            return render(cast->arg, depth + 1) + "::" + (type ? type_display(*type) : "...");
        }
        case T_A_Const: {
            const auto *constant = castNode(A_Const, node);
            if (constant->isnull) return "NULL";
            const Node *value = reinterpret_cast<const Node *>(&constant->val);
            if (IsA(value, Integer)) return std::to_string(intVal(value));
            if (IsA(value, Float)) return castNode(Float, value)->fval;
            if (IsA(value, Boolean)) return boolVal(value) ? "true" : "false";
            if (IsA(value, String)) return quoted_literal(strVal(value));
            return "...";
        }
        case T_FuncCall: {
            const auto *call = castNode(FuncCall, node);
            std::string name = strVal(llast(call->funcname));
            // AT TIME ZONE reaches the tree as timezone(zone, value).
            if (call->funcformat == COERCE_SQL_SYNTAX && name == "timezone" && list_length(call->args) == 2)
                return render(static_cast<const Node *>(lsecond(call->args)), depth + 1) + " AT TIME ZONE " +
                       render(static_cast<const Node *>(linitial(call->args)), depth + 1);
            return quote_ident(name) + (call->args == NIL ? "()" : "(...)");
        }
        case T_A_Expr: {
            const auto *expr = castNode(A_Expr, node);
            if (expr->kind != AEXPR_OP || list_length(expr->name) != 1) return "...";
            std::string op = strVal(linitial(expr->name));
            std::string right = render(expr->rexpr, depth + 1);
            if (expr->lexpr == nullptr) return op + right;
            return render(expr->lexpr, depth + 1) + " " + op + " " + right;
        }
        case T_CaseExpr:
            return "CASE ... END";
        case T_CollateClause: {
            const auto *collate = castNode(CollateClause, node);
            return render(collate->arg, depth + 1) + " COLLATE " + rel_name(collate->collname).display();
        }
        default:
            return "...";
    }
}

}  // namespace

std::string type_display(const ColumnType &type) {
    static const struct {
        const char *name;
        const char *sql;
    } kNames[] = {{"int2", "smallint"}, {"int4", "integer"},     {"int8", "bigint"},
                  {"float4", "real"},   {"float8", "double precision"}, {"bool", "boolean"}};
    std::string text = type.name;
    for (const auto &known : kNames)
        if (type.name == known.name) text = known.sql;
    if (type.name == "bpchar" && !type.mods.empty()) text = "char";
    if (type.name == "interval" && !type.mods.empty()) {
        // interval(p), or a field restriction the message does not spell out.
        bool precision_only = type.mods.size() == 2 && type.mods[0] == kIntervalFullRange;
        text += precision_only ? "(" + std::to_string(type.mods[1]) + ")" : " with fields";
    } else if (!type.mods.empty()) {
        text += mods_display(type.mods);
    }
    return type.array ? text + "[]" : text;
}

std::optional<ColumnType> written_type(const TypeName *type) {
    if (type == nullptr || type->setof || type->pct_type || type->names == NIL) return std::nullopt;
    ColumnType written;
    int parts = list_length(type->names);
    const char *last = strVal(llast(type->names));
    if (parts == 1 || (parts == 2 && std::strcmp(strVal(linitial(type->names)), "pg_catalog") == 0)) {
        // PostgreSQL's own names (the parser writes integer as
        // pg_catalog.int4) stay unquoted, as the catalog spells them.
        written.name = parts == 1 ? quote_ident(last) : last;
    } else {
        written.name = rel_name(type->names).display();
    }
    const ListCell *cell;
    foreach (cell, type->typmods) {
        const Node *mod = static_cast<const Node *>(lfirst(cell));
        if (!IsA(mod, A_Const) || castNode(A_Const, mod)->isnull) return std::nullopt;
        const Node *value = reinterpret_cast<const Node *>(&castNode(A_Const, mod)->val);
        if (!IsA(value, Integer)) return std::nullopt;
        written.mods.push_back(intVal(value));
    }
    // As the catalog decodes them: numeric(p) is numeric(p,0); an interval
    // names its fields, then its precision.
    if (written.name == "numeric" && written.mods.size() == 1) written.mods.push_back(0);
    if (written.name == "interval" && written.mods.size() == 1) written.mods.push_back(kIntervalFullPrecision);
    written.array = type->arrayBounds != NIL;
    return written;
}

std::optional<std::string> conversion_loses(const ColumnType &from, const ColumnType &to) {
    bool same_type = from.name == to.name && from.array == to.array;
    if (same_type ? same_type_wider(from, to) : lossless_widening(from, to)) return std::nullopt;
    return what_changes(from, to);
}

std::optional<std::string> target_may_lose(const ColumnType &to) {
    const std::string &name = to.name;
    if (is_string(name) && to.mods.empty()) return std::nullopt;
    if ((name == "int8" || name == "numeric") && to.mods.empty()) return std::nullopt;
    if (name == "timestamptz" && time_precision(to) == kMaxTimePrecision) return std::nullopt;
    if (name == "bit" && !to.mods.empty()) return "values of another length fail or are padded or cut";
    if (is_length_limited(name) && !to.mods.empty()) {
        int length = to.mods[0];
        std::string unit = is_string(name) ? " character" : " bit";
        return "values longer than " + std::to_string(length) + unit + (length == 1 ? "" : "s") + " fail or are cut";
    }
    if (is_numeric_with_mods(to)) return rounding(to);
    if (name == "timestamp") return "a timestamptz becomes its wall-clock time in the session's TimeZone";
    if (is_time(name) && time_precision(to) < kMaxTimePrecision) return fraction_rounding(to);
    if (name == "interval" && !to.mods.empty()) return kIntervalFields;
    if (name == "date") return "a timestamp loses its time of day";
    if (is_one_of(name, {"time", "timetz"})) return "a timestamp loses its date";
    if (integer_rank(name) != 0)
        return "a bigint or numeric value beyond its range fails, and fractions are rounded away";
    if (name == "float4") return "values keep about 6 significant digits";
    if (name == "float8") return "a bigint or numeric value keeps only about 15 significant digits";
    return "not every type converts to it unchanged";
}

std::optional<std::string> using_computes(const Node *expression, const RelName &table, const char *column,
                                          const TypeName *type) {
    if (expression == nullptr || is_plain_cast(expression, table, column, type)) return std::nullopt;
    return render(expression);
}

std::optional<std::string> type_change_loses_values(const RelName &table, const AlterTableCmd *cmd,
                                                    const Context &context) {
    const auto *definition = castNode(ColumnDef, cmd->def);
    std::string column = table.display() + "." + quote_ident(cmd->name);
    const Node *using_expression = definition->raw_default;
    if (std::optional<std::string> computed = using_computes(using_expression, table, cmd->name, definition->typeName))
        return "ALTER COLUMN ... TYPE of " + column + ": USING " + *computed + " rewrites every value";
    bool explicit_cast = using_expression != nullptr && IsA(using_expression, TypeCast);
    if (std::optional<TypeChange> known = context.type_change(table, cmd->name, definition->typeName, explicit_cast)) {
        if (known->keeps_bytes) return std::nullopt;
        std::optional<std::string> lost = conversion_loses(known->from, known->to);
        if (!lost) return std::nullopt;
        // The same type with smaller modifiers (bit(n) is exactly n bits long).
        bool narrows = known->from.name == known->to.name && known->from.array == known->to.array &&
                       known->to.name != "bit";
        return std::string("ALTER COLUMN ... TYPE ") + (narrows ? "narrows " : "changes ") + column + " from " +
               type_display(known->from) + " to " + type_display(known->to) + ": " + *lost;
    }
    std::optional<ColumnType> to = written_type(definition->typeName);
    if (!to)
        return "ALTER COLUMN ... TYPE changes " + column +
               " to a type this check cannot read (%TYPE, or modifiers that are not numbers)";
    std::optional<std::string> risk = target_may_lose(*to);
    if (!risk) return std::nullopt;
    return "ALTER COLUMN ... TYPE changes " + column + " to " + type_display(*to) +
           " without knowing its current type: " + *risk;
}

}  // namespace migsafe
