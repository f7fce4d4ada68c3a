#include "recovery.hpp"

#include "compat.hpp"
#include "entry_point.hpp"
#include "settings.hpp"

extern "C" {
#include "access/xlog.h"
#include "pgstat.h"
#include "utils/timestamp.h"
}

namespace migsafe::recovery {

namespace {

bool set(const char *setting) { return setting != nullptr && setting[0] != '\0'; }

std::optional<double> seconds_ago(TimestampTz then, TimestampTz now) {
    if (then == 0) return std::nullopt;
    return static_cast<double>(now - then) / USECS_PER_SEC;
}

}  // namespace

ArchiverFacts read_facts() {
    ArchiverFacts facts;
    facts.archiving = pg_call([] { return XLogArchivingActive(); });
    facts.has_command = set(XLogArchiveCommand) || set(compat::archive_library());
    // A transaction keeps the statistics it read first: read them anew.
    PgStat_ArchiverStats stats = pg_call([] {
        pgstat_clear_snapshot();
        return *pgstat_fetch_stat_archiver();
    });
    TimestampTz now = pg_call([] { return GetCurrentTimestamp(); });
    facts.last_archived_wal = stats.last_archived_wal;
    facts.archived_ago_s = seconds_ago(stats.last_archived_timestamp, now);
    facts.last_failed_wal = stats.last_failed_wal;
    facts.failed_ago_s = seconds_ago(stats.last_failed_timestamp, now);
    return facts;
}

std::optional<std::string> required_but_impossible() {
    if (settings::require_recovery == settings::recovery_off) return std::nullopt;
    return recovery_problem(read_facts(), settings::max_archive_age_s);
}

std::string summary() { return recovery_summary(read_facts(), settings::max_archive_age_s); }

}  // namespace migsafe::recovery
