#include "recovery.hpp"

#include "durations.hpp"

namespace migsafe {

namespace {

// The last attempt failed: a failure, and no success after it.
bool last_attempt_failed(const ArchiverFacts &facts) {
    if (!facts.failed_ago_s) return false;
    return !facts.archived_ago_s || *facts.failed_ago_s < *facts.archived_ago_s;
}

}  // namespace

std::optional<std::string> recovery_problem(const ArchiverFacts &facts, int max_age_s) {
    if (!facts.archiving)
        return std::string("WAL archiving is off (archive_mode = off): a backup restores only the moment it was "
                           "taken");
    if (facts.has_command && !*facts.has_command)
        return std::string("archive_mode is on but neither archive_command nor archive_library is set: WAL files "
                           "are kept, not archived");
    if (last_attempt_failed(facts)) {
        std::string text = "the last WAL archive attempt failed (" + facts.last_failed_wal + ", " +
                           duration_text(*facts.failed_ago_s) + " ago";
        text += facts.archived_ago_s ? "; last success " + duration_text(*facts.archived_ago_s) + " ago)"
                                     : "; no success since the archiver's statistics were reset)";
        return text + ": the WAL since then is not in the archive";
    }
    if (max_age_s > 0 && !facts.archived_ago_s)
        return std::string("no WAL file has been archived since the archiver's statistics were reset, within "
                           "migsafe.max_archive_age");
    if (max_age_s > 0 && *facts.archived_ago_s > max_age_s)
        return "no WAL file archived for " + duration_text(*facts.archived_ago_s) + ", longer than migsafe.max_archive_age (" +
               duration_text(max_age_s) + ")";
    return std::nullopt;
}

std::string recovery_summary(const ArchiverFacts &facts, int max_age_s) {
    if (std::optional<std::string> problem = recovery_problem(facts, max_age_s)) return "not possible: " + *problem;
    if (!facts.archived_ago_s) return "possible: archiving is on; no WAL file archived yet since the statistics reset";
    return "possible: last WAL file archived " + duration_text(*facts.archived_ago_s) + " ago (" +
           facts.last_archived_wal + ")";
}

}  // namespace migsafe
