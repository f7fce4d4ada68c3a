// The Context of `migsafe check --database` without the extension there:
// the offline classifier, refined by what read-only catalog queries answer
// exactly, the way the extension's DatabaseContext answers in the server
// (src/extension/database_context.cpp). Whatever a query cannot answer
// exactly stays as offline: nullopt, "may".
#pragma once

#include "../classifier/classifier.hpp"

#include <map>
#include <optional>
#include <string>

namespace migsafe::cli {

class Database;

class LiveCatalog final : public Context {
public:
    // names: the protected names (--protect, the configuration's) and opt-in
    // rules, as offline.
    LiveCatalog(const Database &database, ProtectedNames names) : database_(database), names_(std::move(names)) {}

    bool protects_any() const override { return names_.protects_any(); }
    std::optional<RelName> protected_match(const RelName &table) const override { return names_.protected_match(table); }
    std::vector<RelName> protected_in_schema(const std::string &schema) const override {
        return names_.protected_in_schema(schema);
    }
    bool opted_in(std::string_view rule) const override { return names_.opted_in(rule); }

    bool column_not_null(const RelName &table, const std::string &column) const override;
    std::optional<bool> type_change_rewrites(const RelName &table, const std::string &column,
                                             const TypeName *type) const override;
    std::optional<TypeChange> type_change(const RelName &table, const std::string &column, const TypeName *type,
                                          bool explicit_cast) const override;
    std::optional<bool> not_null_proven(const RelName &table, const std::string &column) const override;
    bool partitioned_table(const RelName &table) const override;
    std::optional<bool> table_is_empty(const RelName &table) const override;
    std::optional<bool> function_is_volatile(const List *name) const override;
    std::optional<bool> index_covers_columns(const RelName &table,
                                             const std::vector<std::string> &columns) const override;
    std::optional<std::vector<std::string>> index_nullable_columns(const RelName &table,
                                                                   const std::string &index) const override;

    // What the catalog says of a column's type change, for type_change() and
    // type_change_rewrites(); nullopt when it cannot say exactly.
    struct Conversion {
        TypeChange change;
        bool exists = true;           // PostgreSQL has a conversion (else it refuses the statement)
        bool timestamp_zone = false;  // timestamp <-> timestamptz: rewrites or not by the server's time zone
    };

private:
    // The relation's OID and relkind, or nullopt when the name resolves to none.
    struct Relation {
        std::string oid;
        char kind;
    };
    std::optional<Relation> resolve(const RelName &table) const;
    std::optional<Conversion> conversion(const Relation &relation, const std::string &column, const TypeName *type,
                                         bool explicit_cast) const;

    const Database &database_;
    ProtectedNames names_;
    mutable std::map<std::string, std::optional<bool>> emptiness_;  // by OID
};

}  // namespace migsafe::cli
