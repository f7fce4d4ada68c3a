// `migsafe check --database URL DIR`: the migrations of a prisma/migrations
// directory that the database has not applied yet, checked against that
// database: by its own migsafe_check() where the extension is installed,
// otherwise offline refined by its catalog (LiveCatalog); each finding with
// its table's size and rows.
#pragma once

#include "checker.hpp"
#include "prisma_history.hpp"
#include "report.hpp"

#include <memory>
#include <string>

namespace migsafe::cli {

class Database;

class DatabaseCheck {
public:
    // Connects, reads _prisma_migrations and reconciles it with the
    // directory. Throws std::runtime_error (exit status 2) for a database it
    // cannot reach, a history Prisma would refuse to deploy on, or another
    // layout than Prisma's.
    DatabaseCheck(const std::string &url, const std::string &dir, const CheckOptions &options);
    ~DatabaseCheck();

    // "3 applied in the database (skipped), 2 to check, with ...".
    std::string summary() const;
    // "point-in-time recovery: possible: last WAL file archived 12 s ago
    // (...)" or "... not possible: ...": the database's migsafe_recovery()
    // where it has one, else the same judgement from pg_stat_archiver and
    // the settings this role may read; "" when neither can be read.
    std::string recovery() const;
    // Checks the pending migrations into the report, in order.
    void run(ReportWriter &report);

private:
    void check_on_server(const DiskMigration &migration, ReportWriter &report);
    std::optional<RelationFacts> object_facts(const std::string &object) const;

    std::string dir_;
    const CheckOptions &options_;
    std::unique_ptr<Database> database_;
    Reconciliation history_;
    std::string extension_version_;  // "" when migsafe is not installed there
    std::string extension_schema_;   // quoted by the server
};

}  // namespace migsafe::cli
