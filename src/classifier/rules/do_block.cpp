// do-block: a DO block runs at once, but its body is procedural code that no
// static check can follow (dynamic SQL, loops). The in-database guard sees
// each statement as it runs; offline, it gets a review finding. Function and
// procedure bodies are not run by the migration, so they get none.
#include "rule.hpp"

namespace migsafe {

void check_do_block(RuleInput &in) {
    if (!IsA(in.stmt, DoStmt)) return;
    in.report(kStatementStart, "",
              "DO block runs immediately and its statements cannot be checked ahead of time; "
              "the in-database guard checks each of them as it runs");
}

}  // namespace migsafe
