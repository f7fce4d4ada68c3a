// Changes to existing types that running code or stored rows feel at once:
// rename-enum-value, alter-domain-add-constraint.
// Types created earlier in the script (or, in the database, the session) are
// exempt: no column or code uses them yet.
#include "rule.hpp"

namespace migsafe {

namespace {

// 'label' as SQL writes a string constant.
std::string quote_label(const char *label) {
    std::string quoted = "'";
    for (const char *c = label; *c != '\0'; ++c) {
        if (*c == '\'') quoted += '\'';
        quoted += *c;
    }
    return quoted + "'";
}

}  // namespace

// ALTER TYPE ... RENAME VALUE: the label changes in place, in every row that
// holds it, at once; code that writes or compares the old label fails
// ("invalid input value for enum"). ADD VALUE sets no oldVal.
void check_rename_enum_value(RuleInput &in) {
    if (!IsA(in.stmt, AlterEnumStmt)) return;
    const auto *alter = castNode(AlterEnumStmt, in.stmt);
    if (alter->oldVal == nullptr || alter->newVal == nullptr) return;
    RelName type = rel_name(alter->typeName);
    if (in.type_is_new(type)) return;
    in.report(kStatementStart, type.display(),
              "RENAME VALUE renames label " + quote_label(alter->oldVal) + " of enum " + type.display() + " to " +
                  quote_label(alter->newVal) + ": running code that writes or compares " +
                  quote_label(alter->oldVal) + " fails");
}

// ALTER DOMAIN ... ADD CONSTRAINT (CHECK, or NOT NULL where the grammar
// takes it) without NOT VALID, and ALTER DOMAIN ... SET NOT NULL: PostgreSQL
// checks every stored value of the domain, in every column of it or of a
// domain over it, holding a SHARE lock (writes wait) on each of those tables
// until the transaction ends. SET NOT NULL has no NOT VALID form.
void check_alter_domain_add_constraint(RuleInput &in) {
    if (!IsA(in.stmt, AlterDomainStmt)) return;
    const auto *alter = castNode(AlterDomainStmt, in.stmt);
    std::string what;
    if (alter->subtype == 'O') {
        what = "SET NOT NULL";
    } else if (alter->subtype == 'C' && alter->def != nullptr && IsA(alter->def, Constraint)) {
        const auto *constraint = castNode(Constraint, alter->def);
        if (constraint->skip_validation) return;
        if (constraint->contype == CONSTR_CHECK)
            what = "ADD CHECK";
        else if (constraint->contype == CONSTR_NOTNULL)
            what = "ADD NOT NULL";
        else
            return;  // PostgreSQL refuses other constraints on domains
        if (constraint->conname != nullptr) what += " " + quote_ident(constraint->conname);
        if (constraint->contype == CONSTR_CHECK) what += " without NOT VALID";
    } else {
        return;
    }
    RelName domain = rel_name(alter->typeName);
    if (in.type_is_new(domain)) return;
    std::optional<int> columns = in.context.domain_columns(domain);
    if (columns == 0) return;  // no column stores the domain: nothing to check
    std::string checked =
        columns ? std::string("checks every row of ") +
                      (*columns == 1 ? "the one column" : "the " + std::to_string(*columns) + " columns") +
                      " of that domain"
                : "may check every row of every table column of that domain (it does whenever a column stores it)";
    in.report(kStatementStart, domain.display(),
              what + " on domain " + domain.display() + " " + checked +
                  ", holding a lock on each of their tables that blocks writes until the transaction ends");
}

}  // namespace migsafe
