#include "prisma_history.hpp"

#include "sha256.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace migsafe::cli {

namespace {

std::runtime_error layout_error(const std::string &dir, const std::string &why) {
    return std::runtime_error(dir + ": " + why +
                              "; --database reads Prisma's layout, prisma/migrations/<name>/migration.sql: "
                              "give it the prisma/migrations directory (check other files without --database)");
}

std::string read_file(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool applied(const HistoryRow &row) { return row.finished && !row.rolled_back; }
bool failed(const HistoryRow &row) { return !row.finished && !row.rolled_back; }

}  // namespace

std::vector<DiskMigration> read_prisma_migrations(const std::string &dir) {
    std::error_code error;
    if (!fs::is_directory(dir, error)) throw layout_error(dir, "not a directory");
    std::vector<DiskMigration> migrations;
    for (const fs::directory_entry &entry : fs::directory_iterator(dir)) {
        const fs::path &path = entry.path();
        if (entry.is_directory()) {
            fs::path file = path / "migration.sql";
            if (!fs::is_regular_file(file)) throw layout_error(dir, path.filename().string() + " has no migration.sql");
            std::string file_path = (fs::path(dir) / path.filename() / "migration.sql").string();
            migrations.push_back({path.filename().string(), file_path, read_file(file)});
        } else if (path.extension() == ".sql") {
            throw layout_error(dir, path.filename().string() + " is not in a migration's directory");
        }
    }
    if (migrations.empty()) throw layout_error(dir, "no <name>/migration.sql in it");
    std::sort(migrations.begin(), migrations.end(),
              [](const DiskMigration &a, const DiskMigration &b) { return a.name < b.name; });
    return migrations;
}

Reconciliation reconcile(std::vector<DiskMigration> disk, const std::vector<HistoryRow> &rows) {
    // Prisma refuses to deploy anything while a migration is failed (P3009).
    for (const HistoryRow &row : rows)
        if (failed(row))
            throw std::runtime_error("migration " + row.name +
                                     " failed in this database (_prisma_migrations: not finished, not rolled back); "
                                     "`prisma migrate deploy` applies nothing until it is resolved: fix the "
                                     "database, then `npx prisma migrate resolve --rolled-back " + row.name +
                                     "` (or --applied)");
    std::sort(disk.begin(), disk.end(), [](const DiskMigration &a, const DiskMigration &b) { return a.name < b.name; });
    std::set<std::string> on_disk;
    for (const DiskMigration &migration : disk) on_disk.insert(migration.name);
    for (const HistoryRow &row : rows)
        if (applied(row) && on_disk.count(row.name) == 0)
            throw std::runtime_error("migration " + row.name +
                                     " is applied in the database but its directory is missing: check out the "
                                     "branch that has it, or point --database at the database this branch deploys to");
    Reconciliation result;
    for (DiskMigration &migration : disk) {
        auto row = std::find_if(rows.begin(), rows.end(),
                                [&](const HistoryRow &r) { return r.name == migration.name && applied(r); });
        if (row == rows.end()) {
            result.pending.push_back(std::move(migration));
            continue;
        }
        if (!matches_prisma_checksum(migration.text, row->checksum))
            throw std::runtime_error("migration " + migration.name + " was edited after it was applied (" +
                                     migration.path + " no longer matches the checksum in _prisma_migrations): "
                                     "restore the file as applied and put the change in a new migration");
        result.applied.push_back(migration.name);
    }
    return result;
}

}  // namespace migsafe::cli
