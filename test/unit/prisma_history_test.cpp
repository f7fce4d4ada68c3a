// migsafe check --database: which migrations on disk the database has
// applied (its _prisma_migrations rows) and which are pending.
#include "cli/prisma_history.hpp"
#include "cli/sha256.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace migsafe::test {
namespace {

using cli::DiskMigration;
using cli::HistoryRow;
using cli::reconcile;
using cli::sha256_hex;

DiskMigration on_disk(const std::string &name, const std::string &text = "SELECT 1;\n") {
    return {name, "prisma/migrations/" + name + "/migration.sql", text};
}

HistoryRow applied_row(const std::string &name, const std::string &text = "SELECT 1;\n") {
    return {name, sha256_hex(text), true, false};
}

std::vector<std::string> pending_names(const cli::Reconciliation &result) {
    std::vector<std::string> names;
    for (const DiskMigration &migration : result.pending) names.push_back(migration.name);
    return names;
}

// The message of the error reconcile() throws ("" when none).
std::string error_of(const std::vector<DiskMigration> &disk, const std::vector<HistoryRow> &rows) {
    try {
        reconcile(disk, rows);
    } catch (const std::runtime_error &error) {
        return error.what();
    }
    return "";
}

TEST(PrismaHistory, AppliedAreSkippedAndPendingComeInNameOrder) {
    cli::Reconciliation result = reconcile({on_disk("3_c"), on_disk("1_a"), on_disk("2_b"), on_disk("4_d")},
                                           {applied_row("1_a"), applied_row("2_b")});
    EXPECT_EQ(result.applied, (std::vector<std::string>{"1_a", "2_b"}));
    EXPECT_EQ(pending_names(result), (std::vector<std::string>{"3_c", "4_d"}));
}

TEST(PrismaHistory, NothingAppliedLeavesEverythingPending) {
    cli::Reconciliation result = reconcile({on_disk("1_a"), on_disk("2_b")}, {});
    EXPECT_TRUE(result.applied.empty());
    EXPECT_EQ(pending_names(result), (std::vector<std::string>{"1_a", "2_b"}));
}

TEST(PrismaHistory, AppliedButMissingOnDiskIsAnError) {
    std::string error = error_of({on_disk("1_a")}, {applied_row("1_a"), applied_row("2_gone")});
    EXPECT_NE(error.find("2_gone is applied in the database but its directory is missing"), std::string::npos) << error;
}

TEST(PrismaHistory, EditedAfterApplyingIsAnError) {
    std::string error = error_of({on_disk("1_a", "SELECT 2;\n")}, {applied_row("1_a", "SELECT 1;\n")});
    EXPECT_NE(error.find("1_a was edited after it was applied"), std::string::npos) << error;
}

TEST(PrismaHistory, LineEndsChangedByGitStillMatch) {
    // Applied with LF, checked out with CRLF, and the other way round.
    EXPECT_EQ(error_of({on_disk("1_a", "SELECT 1;\r\nSELECT 2;\r\n")}, {applied_row("1_a", "SELECT 1;\nSELECT 2;\n")}),
              "");
    EXPECT_EQ(error_of({on_disk("1_a", "SELECT 1;\nSELECT 2;\n")}, {applied_row("1_a", "SELECT 1;\r\nSELECT 2;\r\n")}),
              "");
    EXPECT_NE(error_of({on_disk("1_a", "SELECT 1;\r\nSELECT 3;\r\n")}, {applied_row("1_a", "SELECT 1;\nSELECT 2;\n")}),
              "");
}

TEST(PrismaHistory, FailedMigrationNamesTheResolveCommand) {
    std::string error = error_of({on_disk("1_a"), on_disk("2_b")}, {applied_row("1_a"), {"2_b", "x", false, false}});
    EXPECT_NE(error.find("2_b failed"), std::string::npos) << error;
    EXPECT_NE(error.find("npx prisma migrate resolve"), std::string::npos) << error;
}

TEST(PrismaHistory, RolledBackRowsDoNotCountAsApplied) {
    cli::Reconciliation result = reconcile({on_disk("1_a"), on_disk("2_b")},
                                           {applied_row("1_a"), {"2_b", sha256_hex("SELECT 1;\n"), false, true}});
    EXPECT_EQ(pending_names(result), (std::vector<std::string>{"2_b"}));
    // Finished, then marked rolled back: pending too.
    result = reconcile({on_disk("1_a")}, {{"1_a", sha256_hex("SELECT 1;\n"), true, true}});
    EXPECT_EQ(pending_names(result), (std::vector<std::string>{"1_a"}));
}

TEST(PrismaHistory, RolledBackThenReappliedIsApplied) {
    // The failed attempt was rolled back and the file fixed before the
    // attempt that succeeded: only the applied row's checksum counts.
    cli::Reconciliation result =
        reconcile({on_disk("1_a", "SELECT 2;\n")},
                  {{"1_a", sha256_hex("SELECT 1;\n"), false, true}, applied_row("1_a", "SELECT 2;\n")});
    EXPECT_EQ(result.applied, (std::vector<std::string>{"1_a"}));
    EXPECT_TRUE(result.pending.empty());
}

TEST(PrismaHistory, RolledBackMissingOnDiskIsNoError) {
    EXPECT_EQ(error_of({on_disk("1_a")}, {applied_row("1_a"), {"0_dropped", "x", false, true}}), "");
}

}  // namespace
}  // namespace migsafe::test
