// The guard's verdict on one statement about to run: classify it, then
// refuse, warn about, or allow and audit what the rules found, according to
// migsafe.mode, migsafe.review_action, the session's approval and the open
// maintenance windows.
#pragma once

#include "../classifier/classifier.hpp"

#include <string_view>

namespace migsafe::guard {

// Judges one statement. script.text is the source the statement's locations
// refer to; statement is its own text (for messages and the audit). Throws
// Blocked when the statement must not run.
void judge(const Script &script, std::string_view statement);

// Judges findings made in the database by the event triggers (what a
// cascade dropped, a table rewrite) for the statement now running.
void judge_findings(const Findings &findings, std::string_view statement);

// A finding of a database-only rule, with the catalogue's severity and hint.
Finding database_finding(const char *rule, const std::string &object, const std::string &message);

// The statement without the white space and comments that precede it in a
// multi-statement string: what messages quote and the audit keeps.
std::string_view without_leading_comments(std::string_view statement);

}  // namespace migsafe::guard
