#include "settings.hpp"

#include "../classifier/catalogue.hpp"

#include <climits>
#include <cstdint>
#include <cstdlib>

extern "C" {
#include "postgres.h"
#include "nodes/pg_list.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/varlena.h"
}

namespace migsafe::settings {

namespace {

const struct config_enum_entry mode_options[] = {
    {"enforce", mode_enforce, false},
    {"warn", mode_warn, false},
    {"off", mode_off, false},
    {nullptr, 0, false},
};

const struct config_enum_entry review_action_options[] = {
    {"allow", review_allow, false},
    {"warn", review_warn, false},
    {"block", review_block, false},
    {nullptr, 0, false},
};

const struct config_enum_entry require_recovery_options[] = {
    {"off", recovery_off, false},
    {"archiving", recovery_archiving, false},
    {nullptr, 0, false},
};

// migsafe.enable_rules, parsed: bit i is rule_info(i) (the catalogue has
// fewer than 64 rules, which the classifier checks too).
std::uint64_t enabled_rules = 0;

// check_hook of migsafe.enable_rules: a comma-separated list of opt-in rule
// ids; the parsed set goes to the assign hook through *extra (allocated as
// PostgreSQL requires: malloc, guc_malloc from 16 on). Plain C inside: no exception, nothing to destroy.
bool check_enable_rules(char **newval, void **extra, GucSource) {
    char *copy = pstrdup(*newval);
    List *names = NIL;
    if (!SplitIdentifierString(copy, ',', &names)) {
        GUC_check_errdetail("A comma-separated list of opt-in rule ids is expected.");
        return false;
    }
    std::uint64_t set = 0;
    ListCell *cell;
    foreach (cell, names) {
        const char *id = static_cast<const char *>(lfirst(cell));
        std::size_t index = 0;
        while (index < rule_count() && strcmp(rule_info(index).id, id) != 0) ++index;
        if (index == rule_count() || index >= 64) {
            GUC_check_errdetail("Unknown rule \"%s\" (SELECT id FROM migsafe_rules() lists them).", id);
            return false;
        }
        if (!rule_info(index).opt_in) {
            GUC_check_errdetail("Rule \"%s\" is not opt-in: it always runs.", id);
            return false;
        }
        set |= std::uint64_t{1} << index;
    }
    // PostgreSQL 16 and later free extra with guc_free(): it must come from guc_malloc().
#if PG_VERSION_NUM >= 160000
    auto *parsed = static_cast<std::uint64_t *>(guc_malloc(LOG, sizeof(std::uint64_t)));
#else
    auto *parsed = static_cast<std::uint64_t *>(std::malloc(sizeof(std::uint64_t)));
#endif
    if (parsed == nullptr) return false;
    *parsed = set;
    *extra = parsed;
    return true;
}

void assign_enable_rules(const char *, void *extra) {
    enabled_rules = extra != nullptr ? *static_cast<std::uint64_t *>(extra) : 0;
}

}  // namespace

int lock_wait_budget() {
    if (max_lock_wait_budget_ms > 0 && lock_wait_budget_ms > max_lock_wait_budget_ms) return max_lock_wait_budget_ms;
    return lock_wait_budget_ms;
}

bool rule_enabled(std::string_view id) {
    for (std::size_t index = 0; index < rule_count() && index < 64; ++index)
        if (id == rule_info(index).id) return (enabled_rules >> index) & 1;
    return false;
}

// Initial values equal the boot values below (PostgreSQL checks this).
int mode = mode_enforce;
int review_action = review_warn;
bool require_registered_approval = true;
char *approved_migration = nullptr;
int max_rewrite_size_kb = 100 * 1024;
bool state_write = false;
bool require_lock_timeout = false;
char *enable_rules = nullptr;
int ddl_lock_timeout_ms = 0;
int lock_wait_budget_ms = 0;
int max_lock_wait_budget_ms = 0;
int max_blocker_age_ms = 0;
bool lock_wait_always = false;
int require_recovery = recovery_off;
int max_archive_age_s = 0;
int keep_dropped_s = 0;
int mass_change_min_rows = 1000;
int session_script_window_s = 600;

void define() {
    DefineCustomEnumVariable("migsafe.mode", "What migsafe does with a dangerous statement.",
                             "enforce refuses it unless approved, warn lets it run with a WARNING and "
                             "audits it, off disables the guard.",
                             &mode, mode_enforce, mode_options, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomEnumVariable("migsafe.review_action", "What migsafe does with a review finding.",
                             "allow ignores it, warn reports a WARNING, block treats it as dangerous.",
                             &review_action, review_warn, review_action_options, PGC_SUSET, 0, nullptr,
                             nullptr, nullptr);
    DefineCustomBoolVariable("migsafe.require_registered_approval",
                             "Whether migsafe.approved_migration must name an approval registered with "
                             "migsafe_approve().",
                             "When off, setting migsafe.approved_migration is approval enough (protected "
                             "tables still need a registered approval that names them).",
                             &require_registered_approval, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable("migsafe.approved_migration",
                               "The approved migration this session is running.",
                               "Names an approval given with migsafe_approve(); dangerous statements it "
                               "covers are allowed while it is valid.",
                               &approved_migration, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("migsafe.max_rewrite_size",
                            "Tables larger than this are not rewritten (ALTER TABLE, ALTER TYPE) without an "
                            "approval.",
                            "Smaller rewrites are review findings (migsafe.review_action). -1: no limit.",
                            &max_rewrite_size_kb, 100 * 1024, -1, INT_MAX, PGC_SUSET, GUC_UNIT_KB, nullptr, nullptr,
                            nullptr);
    DefineCustomBoolVariable("migsafe.require_lock_timeout",
                             "Whether ACCESS EXCLUSIVE locks taken with no lock_timeout are findings "
                             "(rule missing-lock-timeout).",
                             "A review finding: it follows migsafe.review_action.", &require_lock_timeout, false,
                             PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable("migsafe.enable_rules",
                               "Opt-in rules switched on, comma-separated (int-primary-key, missing-lock-timeout).",
                               "Their findings are review findings: they follow migsafe.review_action.",
                               &enable_rules, "", PGC_SUSET, GUC_LIST_INPUT, check_enable_rules,
                               assign_enable_rules, nullptr);
    // User-settable: it can only make a migration fail faster, never let a
    // dangerous statement through.
    DefineCustomIntVariable("migsafe.ddl_lock_timeout",
                            "The lock_timeout migsafe applies to DDL on existing tables when the session has none.",
                            "0 turns it off. Statements that commit internally (CONCURRENTLY, VACUUM, REINDEX, "
                            "CLUSTER) are left alone.",
                            &ddl_lock_timeout_ms, 0, 0, INT_MAX, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr, nullptr);
    // The lock wait (lock_wait.cpp). The budget is the migration session's
    // to shorten; a superuser caps it.
    DefineCustomIntVariable("migsafe.lock_wait_budget",
                            "How long DDL on an existing table may wait for its locks without queueing "
                            "(conditional tries with backoff) before it gives up.",
                            "0 turns the lock wait off. Capped by migsafe.max_lock_wait_budget.",
                            &lock_wait_budget_ms, 0, 0, INT_MAX, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("migsafe.max_lock_wait_budget",
                            "The most migsafe.lock_wait_budget any session gets.", "0: no cap.",
                            &max_lock_wait_budget_ms, 0, 0, INT_MAX, PGC_SUSET, GUC_UNIT_MS, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("migsafe.max_blocker_age",
                            "During the lock wait, give up at once when a blocking transaction is older than "
                            "this.",
                            "0 turns it off: the whole budget is spent.", &max_blocker_age_ms, 0, 0, INT_MAX,
                            PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("migsafe.lock_wait_always",
                             "Whether the lock wait also applies to sessions with their own lock_timeout and to "
                             "statements that commit internally.",
                             "Those keep PostgreSQL's own waiting when off; when on, the first wait without "
                             "queueing and the second look before queueing.",
                             &lock_wait_always, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    // The backup gate (recovery.cpp): weakening it is a superuser's call.
    DefineCustomEnumVariable("migsafe.require_recovery",
                             "What a dangerous statement needs, even approved or in a window: archiving refuses "
                             "it when point-in-time recovery to just before it is not possible.",
                             "off: nothing. archiving: WAL archiving on, its last attempt a success "
                             "(pg_stat_archiver), within migsafe.max_archive_age.",
                             &require_recovery, recovery_off, require_recovery_options, PGC_SUSET, 0, nullptr,
                             nullptr, nullptr);
    DefineCustomIntVariable("migsafe.max_archive_age",
                            "Under migsafe.require_recovery = archiving, the longest time since the last WAL file "
                            "was archived.",
                            "0: any age (only the last attempt counts). Keep it above archive_timeout.",
                            &max_archive_age_s, 0, 0, INT_MAX, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("migsafe.keep_dropped",
                            "How long an approved DROP TABLE keeps the table in schema migsafe_dropped instead of "
                            "deleting its rows.",
                            "0 turns it off. migsafe_restore() puts a kept table back, migsafe_purge() drops what "
                            "is past its time.",
                            &keep_dropped_s, 0, 0, INT_MAX, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("migsafe.mass_change_min_rows",
                            "A statement that deletes or overwrites every row of a table, at least this many, "
                            "needs an approval (rules mass-delete, mass-update).",
                            "Counted after the statement and everything it fired ran. 0 turns this check off.",
                            &mass_change_min_rows, 1000, 0, INT_MAX, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("migsafe.session_script_window",
                            "How long after its transaction committed an object this session created still "
                            "counts as created earlier in the script.",
                            "Tables, columns, indexes, types and schemas; a table only while it holds no row "
                            "another session wrote. 0: only what the current transaction created.",
                            &session_script_window_s, 600, 0, 86400, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr,
                            nullptr);
    DefineCustomBoolVariable("migsafe.state_write", "Set by migsafe's own functions while they write its state.",
                             nullptr, &state_write, false, PGC_SUSET,
                             GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE | GUC_NO_RESET_ALL,
                             nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("migsafe");
}

const char *mode_name() { return mode_options[mode].name; }
const char *review_action_name() { return review_action_options[review_action].name; }

}  // namespace migsafe::settings
