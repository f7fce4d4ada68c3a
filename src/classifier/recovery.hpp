// Whether point-in-time recovery to just before a statement is possible,
// judged from the WAL archiver's facts: what migsafe.require_recovery =
// archiving checks before a dangerous statement runs, what migsafe_status()
// and `migsafe check --database` report. Pure: the guard reads the facts
// from the server (its settings and pg_stat_archiver), the CLI through SQL.
#pragma once

#include <optional>
#include <string>

namespace migsafe {

struct ArchiverFacts {
    bool archiving = false;            // archive_mode is on or always (and wal_level allows it)
    std::optional<bool> has_command;   // archive_command or archive_library set; nullopt: not readable
    std::string last_archived_wal;     // pg_stat_archiver; "" when none since its reset
    std::optional<double> archived_ago_s;  // seconds since last_archived_time
    std::string last_failed_wal;
    std::optional<double> failed_ago_s;    // seconds since last_failed_time
};

// What makes point-in-time recovery to now impossible (a sentence, for an
// error's DETAIL), or nullopt when archiving works: on, with a command,
// its last attempt a success, and (max_age_s > 0) a success within
// max_age_s seconds.
std::optional<std::string> recovery_problem(const ArchiverFacts &facts, int max_age_s);

// A one-line state for migsafe_status() and the CLI: "possible: last WAL
// file archived 12 s ago (000000010000000000000003)" or "not possible: ...".
std::string recovery_summary(const ArchiverFacts &facts, int max_age_s);

}  // namespace migsafe
