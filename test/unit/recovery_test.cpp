// recovery_problem(): what migsafe.require_recovery = archiving refuses, from
// the archiver's facts (the guard reads them from the server; the CLI through
// SQL).
#include "classifier/recovery.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

ArchiverFacts working() {
    ArchiverFacts facts;
    facts.archiving = true;
    facts.has_command = true;
    facts.last_archived_wal = "000000010000000000000007";
    facts.archived_ago_s = 30;
    return facts;
}

TEST(Recovery, WorkingArchivingIsPossible) {
    EXPECT_EQ(recovery_problem(working(), 0), std::nullopt);
    EXPECT_EQ(recovery_problem(working(), 60), std::nullopt);
    EXPECT_EQ(recovery_summary(working(), 0), "possible: last WAL file archived 30 s ago (000000010000000000000007)");
}

TEST(Recovery, ArchivingOff) {
    ArchiverFacts facts = working();
    facts.archiving = false;
    EXPECT_NE(recovery_problem(facts, 0).value_or("").find("archive_mode = off"), std::string::npos);
}

TEST(Recovery, NoCommandKeepsWalWithoutArchivingIt) {
    ArchiverFacts facts = working();
    facts.has_command = false;
    EXPECT_NE(recovery_problem(facts, 0).value_or("").find("neither archive_command nor archive_library"),
              std::string::npos);
    facts.has_command = std::nullopt;  // not readable: the statistics decide
    EXPECT_EQ(recovery_problem(facts, 0), std::nullopt);
}

TEST(Recovery, TheLastAttemptDecides) {
    ArchiverFacts facts = working();
    facts.last_failed_wal = "000000010000000000000008";
    facts.failed_ago_s = 5;  // after the last success
    EXPECT_EQ(recovery_problem(facts, 0).value_or(""),
              "the last WAL archive attempt failed (000000010000000000000008, 5.0 s ago; last success 30 s ago): the "
              "WAL since then is not in the archive");
    facts.failed_ago_s = 90;  // a failure, then a success: repaired
    EXPECT_EQ(recovery_problem(facts, 0), std::nullopt);
    facts.archived_ago_s = std::nullopt;  // failures only
    EXPECT_NE(recovery_problem(facts, 0).value_or("").find("no success since"), std::string::npos);
}

TEST(Recovery, MaxArchiveAge) {
    ArchiverFacts facts = working();
    facts.archived_ago_s = 7200;
    EXPECT_EQ(recovery_problem(facts, 3600).value_or(""),
              "no WAL file archived for 2 h 0 min, longer than migsafe.max_archive_age (1 h 0 min)");
    EXPECT_EQ(recovery_problem(facts, 0), std::nullopt);  // 0: any age
    facts.archived_ago_s = std::nullopt;
    EXPECT_NE(recovery_problem(facts, 3600), std::nullopt);
    EXPECT_EQ(recovery_problem(facts, 0), std::nullopt);
}

}  // namespace
}  // namespace migsafe::test
