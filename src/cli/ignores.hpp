// `-- migsafe-ignore: RULE[, RULE] reason` comments: a deliberate, reviewed
// exception for the statement that follows. Only the CLI honours them; the
// database never does (a comment in a migration must not switch the guard
// off).
#pragma once

#include "../classifier/classifier.hpp"

#include <string>
#include <vector>

namespace migsafe::cli {

// Removes the findings that ignore comments suppress and adds an
// `unused-ignore` finding for every ignore comment that suppresses nothing,
// names an unknown rule or gives no reason. Comments are found with
// PostgreSQL's lexer (libpg_query's returns them as tokens). Runs inside the
// libpg_query memory context of the parse. For a piece of a script (see
// Script), the unused ignores that precede no statement come last among the
// piece's findings; the caller moves them to the end of the whole script's.
//
// held: for a script classified piece by piece. An ignore comment that
// names a rule whose findings the end of the script decides
// (reported_at_end()) is also kept there, with whether it suppressed
// anything yet; apply_held_ignores() applies it to the findings of
// Classifier::finish() and reports it unused only then.
struct HeldIgnore {
    int statement;                   // the statement after the comment
    std::vector<std::string> rules;
    bool used;                       // it suppressed a finding of its piece
    Finding unused;                  // the unused-ignore finding, should it stay unused
    std::string line;                // the comment's source line
};
void apply_ignores(const Script &script, Findings &findings, std::vector<HeldIgnore> *held = nullptr);

// Removes the end-of-script findings (with their source lines, one per
// finding) that held ignores suppress, and adds an unused-ignore finding
// (and its line) for each held ignore that suppressed nothing at all.
void apply_held_ignores(const std::vector<HeldIgnore> &held, Findings &findings, std::vector<std::string> &lines);

}  // namespace migsafe::cli
