// The DML guard's second layer, by effect (docs/rules/mass-delete.md): after
// each top-level statement has run, with everything it fired (triggers,
// rules, foreign-key cascades, functions), and before anything commits, a
// statement that deleted (mass-delete) or overwrote (mass-update) every row
// of an existing table, at least migsafe.mass_change_min_rows of them, is
// judged like a dangerous statement: refused unless an approval or window
// covers the table. The transaction aborts: nothing is lost.
#pragma once

namespace migsafe::mass_change {

// Installs the executor hooks and the transaction callback (chained).
void install();

// ProcessUtility brackets each utility statement with these, so that the
// statements a DO block, CALL or EXPLAIN ANALYZE runs are judged together
// when the outermost statement ends: utility_started() before it runs,
// utility_finished() however it ends (PG_FINALLY), utility_succeeded() after
// it ran.
void utility_started();
void utility_finished();
void utility_succeeded();

}  // namespace migsafe::mass_change
