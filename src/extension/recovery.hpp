// The backup gate (migsafe.require_recovery): whether point-in-time
// recovery to just before a dangerous statement is possible, from this
// server's archiver (its settings and pg_stat_archiver's counters). The
// judgement itself is src/classifier/recovery.hpp's, shared with the CLI.
#pragma once

#include "../classifier/recovery.hpp"

#include <optional>
#include <string>

namespace migsafe::recovery {

// The archiver's facts now (a fresh read of the statistics).
ArchiverFacts read_facts();

// Under migsafe.require_recovery = archiving, why point-in-time recovery
// is not possible now; nullopt when it is, or when the setting is off.
std::optional<std::string> required_but_impossible();

// migsafe_status()'s line: "possible: ..." or "not possible: ...".
std::string summary();

}  // namespace migsafe::recovery
