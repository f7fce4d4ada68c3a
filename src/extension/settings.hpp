// migsafe's settings (GUCs). Everything that weakens the guard is
// superuser-only (PGC_SUSET): an application role cannot switch it off with
// SET, set_config(), RESET or ALTER ROLE/DATABASE ... SET.
#pragma once

#include <string_view>

namespace migsafe::settings {

// migsafe.mode
enum Mode { mode_enforce, mode_warn, mode_off };
// migsafe.review_action
enum ReviewAction { review_allow, review_warn, review_block };
// migsafe.require_recovery
enum RequireRecovery { recovery_off, recovery_archiving };

extern int mode;
extern int review_action;
extern bool require_registered_approval;
extern char *approved_migration;  // "" when unset
extern int max_rewrite_size_kb;   // migsafe.max_rewrite_size; -1: no limit
extern bool require_lock_timeout; // migsafe.require_lock_timeout (the opt-in rule missing-lock-timeout)
extern char *enable_rules;        // migsafe.enable_rules: opt-in rule ids, comma-separated
extern int ddl_lock_timeout_ms;   // migsafe.ddl_lock_timeout; 0: off
extern int lock_wait_budget_ms;      // migsafe.lock_wait_budget; 0: off
extern int max_lock_wait_budget_ms;  // migsafe.max_lock_wait_budget; 0: no cap
extern int max_blocker_age_ms;       // migsafe.max_blocker_age; 0: off
extern bool lock_wait_always;        // migsafe.lock_wait_always
extern int require_recovery;         // migsafe.require_recovery
extern int max_archive_age_s;        // migsafe.max_archive_age; 0: any age
extern int keep_dropped_s;           // migsafe.keep_dropped; 0: off
extern int mass_change_min_rows;  // migsafe.mass_change_min_rows; 0: the by-effect layer is off
extern int session_script_window_s;  // migsafe.session_script_window; 0: the script is the transaction
// migsafe.state_write: set (SET clause) by migsafe's own SQL functions while
// they write the state tables; a superuser setting it by hand steps around
// the guard as with migsafe.mode = off. Hidden from SHOW ALL.
extern bool state_write;

// Registers the settings and reserves the "migsafe." prefix, so that a typo
// such as migsafe.mdoe is an error instead of a silent placeholder.
void define();

// migsafe.lock_wait_budget as migsafe.max_lock_wait_budget caps it, in
// milliseconds; 0: the lock wait is off.
int lock_wait_budget();

// Whether migsafe.enable_rules names this rule.
bool rule_enabled(std::string_view id);

const char *mode_name();
const char *review_action_name();

}  // namespace migsafe::settings
