// Prisma's migration history: which migrations of a prisma/migrations
// directory the database has already applied (its _prisma_migrations table),
// and which are still to be deployed. `migsafe check --database` checks only
// the latter.
#pragma once

#include <string>
#include <vector>

namespace migsafe::cli {

// One migration on disk: prisma/migrations/<name>/migration.sql.
struct DiskMigration {
    std::string name;
    std::string path;  // of its migration.sql
    std::string text;  // the file's bytes (for the checksum)
};

// One row of _prisma_migrations. A migration may have several: a failed
// attempt marked rolled back (`prisma migrate resolve --rolled-back`), then
// the attempt that succeeded.
struct HistoryRow {
    std::string name;
    std::string checksum;
    bool finished = false;     // finished_at IS NOT NULL
    bool rolled_back = false;  // rolled_back_at IS NOT NULL
};

struct Reconciliation {
    std::vector<std::string> applied;       // on disk and applied, in name order
    std::vector<DiskMigration> pending;     // on disk, not applied, in name order (Prisma's order)
};

// Reads Prisma's layout: every subdirectory of dir holds a migration.sql, and
// dir holds no *.sql file of its own (migration_lock.toml and the like may
// be there). Throws std::runtime_error, saying which layout --database
// reads, for anything else.
std::vector<DiskMigration> read_prisma_migrations(const std::string &dir);

// What is applied and what is pending, as `prisma migrate deploy` would see
// it. Throws std::runtime_error, saying what to do, where Prisma would refuse
// to deploy or the files are not what was applied: a failed migration (not
// finished, not rolled back), an applied migration missing on disk, an
// applied migration whose file no longer matches its checksum.
Reconciliation reconcile(std::vector<DiskMigration> disk, const std::vector<HistoryRow> &rows);

}  // namespace migsafe::cli
