#include "guard.hpp"

#include "../classifier/catalogue.hpp"
#include "../parser/pg_call.hpp"
#include "../parser/script_parser.hpp"
#include "compat.hpp"
#include "database_context.hpp"
#include "entry_point.hpp"
#include "object_scope.hpp"
#include "recovery.hpp"
#include "settings.hpp"
#include "state.hpp"
#include "statement_fingerprint.hpp"
#include "statement_mentions.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "commands/dbcommands.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/varlena.h"
}

#include <algorithm>

namespace migsafe::guard {

namespace {

constexpr const char *kSelfProtectionRule = "self-protection";

// Messages quote at most this much of a statement (the audit keeps it all).
constexpr int kStatementQuoteBytes = 2000;

// ---- what allows a statement -----------------------------------------------

struct Permission {
    std::string approval_name;                 // migsafe.approved_migration
    std::optional<state::Scope> approval;      // set when that approval is valid
    std::string problem;                       // why the approval cannot be used
    bool state_installed = false;
    std::vector<state::Window> windows;        // open windows (read only when needed)
};

std::string database_name() {
    return pg_call([] { return get_database_name(MyDatabaseId); });
}

Permission session_permission() {
    Permission permission;
    permission.state_installed = state::installed();
    permission.approval_name = settings::approved_migration != nullptr ? settings::approved_migration : "";
    const std::string &name = permission.approval_name;
    if (name.empty()) return permission;
    if (!permission.state_installed) {
        if (!settings::require_registered_approval) permission.approval = state::Scope{};
        else permission.problem = "approval \"" + name + "\" cannot be checked: migsafe's state tables are missing";
        return permission;
    }
    state::Approval approval = state::find_approval(name);
    switch (approval.status) {
        case state::ApprovalStatus::valid:
            permission.approval = approval.scope;
            break;
        case state::ApprovalStatus::unknown:
            if (!settings::require_registered_approval) permission.approval = state::Scope{};
            else permission.problem = "no approval named \"" + name + "\" is registered in database \"" + database_name() + "\"";
            break;
        case state::ApprovalStatus::expired:
            permission.problem = "approval \"" + name + "\" expired at " + approval.valid_until;
            break;
        case state::ApprovalStatus::revoked:
            permission.problem = "approval \"" + name + "\" was revoked";
            break;
    }
    return permission;
}

// ---- messages ----------------------------------------------------------------

std::string subject(const Finding &finding) {
    return finding.object.empty() ? finding.rule : finding.rule + " on " + finding.object;
}

std::string summary(const std::vector<const Finding *> &findings) {
    std::string text = subject(*findings.front());
    if (findings.size() > 1) text += " and " + std::to_string(findings.size() - 1) + " more";
    return text;
}

std::string sql_literal(const std::string &value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string quoted_statement(std::string_view statement) {
    const char *text = statement.data();
    int length = static_cast<int>(statement.size());
    int clipped = pg_call([&] { return pg_mbcliplen(text, length, kStatementQuoteBytes); });
    return std::string(statement.substr(0, clipped)) + (clipped < length ? " ..." : "");
}

// Why the scopes at hand do not cover these findings, beyond "does not".
std::string scope_explanation(const Permission &permission, const std::vector<const Finding *> &uncovered) {
    auto any = [&](auto test) { return std::any_of(uncovered.begin(), uncovered.end(), test); };
    auto named_only_now = [&](const state::Scope &scope) {
        return any([&](const Finding *f) { return scope::names_it_only_now(scope, *f); });
    };
    bool renamed = (permission.approval && named_only_now(*permission.approval)) ||
                   std::any_of(permission.windows.begin(), permission.windows.end(),
                               [&](const state::Window &window) { return named_only_now(window.scope); });
    if (renamed)
        return " (its name in the objects named another table, or none, when the approval or window was given: "
               "they cover the tables they named then)";
    if (any([](const Finding *f) { return scope::needs_naming(*f); }))
        return " (a protected table, or migsafe itself, needs an approval or window that names it)";
    return "";
}

std::string why_not_allowed(const Permission &permission, const std::vector<const Finding *> &uncovered) {
    if (!permission.problem.empty()) return permission.problem;
    if (permission.approval)
        return "approval \"" + permission.approval_name + "\" does not cover it" + scope_explanation(permission, uncovered);
    if (!permission.state_installed)
        return "migsafe is not installed in database \"" + database_name() +
               "\", so no approval or maintenance window can be checked";
    return "migsafe.approved_migration is not set, no approved script holds this statement and no open "
           "maintenance window covers it" +
           scope_explanation(permission, uncovered);
}

// Each finding's line, followed, for a drop or rename, by what
// pg_stat_statements still mentions of its object.
std::string detail(const std::vector<const Finding *> &findings, const std::string &reason,
                   std::string_view statement) {
    std::string text;
    for (const Finding *finding : findings) {
        text += subject(*finding) + ": " + finding->message + ".\n";
        if (std::optional<std::string> mentioned = mentions::mentions_of(*finding)) text += *mentioned + "\n";
    }
    return text + "Not allowed: " + reason + ".\nStatement: " + quoted_statement(statement);
}

std::string approval_hint(const Permission &permission, const std::vector<const Finding *> &findings) {
    std::string objects;
    for (const Finding *finding : findings) {
        if (finding->object.empty()) continue;
        std::string literal = sql_literal(finding->object);
        if (objects.find(literal) == std::string::npos) objects += (objects.empty() ? "" : ", ") + literal;
    }
    std::string scope = objects.empty() ? "" : "ARRAY[" + objects + "]";
    std::string name = sql_literal(permission.approval_name.empty() ? "<migration>" : permission.approval_name);
    std::string hint = "A DBA approves it with SELECT migsafe_approve(" + name + ", '<reason>'" +
                       (scope.empty() ? "" : ", objects => " + scope) +
                       ") and the migration runs with SET migsafe.approved_migration = " + name +
                       "; or a DBA approves the reviewed script itself with SELECT migsafe_approve_script("
                       "<script>, '<reason>') (migsafe approve FILE prints the call)"
                       "; or a DBA opens a window with SELECT migsafe_open_window('30 minutes', '<reason>'" +
                       (scope.empty() ? "" : ", " + scope) + ").";
    const RuleInfo *rule = find_rule(findings.front()->rule);
    if (rule != nullptr) hint += " Safer: " + std::string(rule->hint);
    return hint;
}

// ---- outcomes ----------------------------------------------------------------

void warn_review(const Finding &finding) {
    std::string message = "migsafe review: " + subject(finding);
    std::string text = finding.message + ".";
    if (std::optional<std::string> mentioned = mentions::mentions_of(finding)) text += "\n" + *mentioned;
    const RuleInfo *rule = find_rule(finding.rule);
    const char *hint = rule != nullptr ? rule->hint : "";
    pg_call([&] {
        ereport(WARNING, (errmsg_internal("%s", message.c_str()), errdetail_internal("%s", text.c_str()),
                          errhint("%s", hint)));
    });
}

// An approved statement (or one in a window) runs: the person running the
// migration still hears what pg_stat_statements mentions of what it drops
// or renames.
void notice_mentions(const std::vector<const Finding *> &findings) {
    for (const Finding *finding : findings) {
        std::optional<std::string> mentioned = mentions::mentions_of(*finding);
        if (!mentioned) continue;
        std::string message = "migsafe: " + *mentioned;
        pg_call([&] { ereport(NOTICE, (errmsg_internal("%s", message.c_str()))); });
    }
}

state::AuditEntry audit_entry(const std::vector<const Finding *> &findings, std::string_view statement) {
    state::AuditEntry entry;
    entry.statement = std::string(statement);
    for (const Finding *finding : findings) {
        entry.rules.push_back(finding->rule);
        entry.objects.push_back(finding->object);
    }
    return entry;
}

// The findings that need an approval: dangerous ones, and review ones under
// review_action = block. Review findings under review_action = warn are
// reported here.
std::vector<const Finding *> blocking_findings(const Findings &findings) {
    std::vector<const Finding *> blocking;
    for (const Finding &finding : findings) {
        bool dangerous = finding.severity == Severity::dangerous;
        if (dangerous || settings::review_action == settings::review_block) blocking.push_back(&finding);
        else if (settings::review_action == settings::review_warn) warn_review(finding);
    }
    return blocking;
}

struct Coverage {
    std::vector<const Finding *> uncovered;
    bool approval_used = false;
    std::optional<state::ScriptApproval> script_used;
    std::vector<long long> windows_used;
};

// The script statement this transaction has already counted for this
// fingerprint: the event triggers judge the same statement again (what a
// cascade dropped, a rewrite) and must not spend a single-use approval twice.
struct CountedRun {
    LocalTransactionId transaction;
    char fingerprint[65];
    long long approval;
    int ordinal;
};
CountedRun counted_run = {InvalidLocalTransactionId, "", 0, 0};

bool counted_in_this_transaction(const std::string &fingerprint, const state::ScriptApproval &approval) {
    return counted_run.transaction == compat::local_transaction_id() && fingerprint == counted_run.fingerprint &&
           counted_run.approval == approval.id && counted_run.ordinal == approval.ordinal;
}

void remember_run(const std::string &fingerprint, const state::ScriptApproval &approval) {
    counted_run.transaction = compat::local_transaction_id();
    strlcpy(counted_run.fingerprint, fingerprint.c_str(), sizeof counted_run.fingerprint);
    counted_run.approval = approval.id;
    counted_run.ordinal = approval.ordinal;
}

// Whether the finding is on what the statement's findings named when it was
// approved: the same relation (by OID, whatever the search_path resolves
// now), or a name that named none then.
bool pinned(const state::ScriptApproval &approval, const Finding &finding) {
    return finding.object.empty() || scope::covers(approval.statement_scope, finding);
}

// A statement of an approved script covers every finding of that statement
// on what it named when approved, that its approval's objects cover (a
// protected table must be named there too).
void cover_by_script(Coverage &result, std::string_view statement) {
    std::string fingerprint = fingerprint::of_statement(statement);
    if (fingerprint.empty()) return;
    for (const state::ScriptApproval &approval : state::find_script_approvals(fingerprint)) {
        bool covers_all = std::all_of(result.uncovered.begin(), result.uncovered.end(), [&](const Finding *f) {
            return scope::covers(approval.scope, *f) && pinned(approval, *f);
        });
        if (!covers_all) continue;
        if (!counted_in_this_transaction(fingerprint, approval)) {
            if (!state::record_script_run(approval)) continue;
            remember_run(fingerprint, approval);
        }
        result.script_used = approval;
        result.uncovered.clear();
        return;
    }
}

// Each finding must be covered by the session's approval, an approved
// script that holds the statement, or an open window.
Coverage coverage(Permission &permission, const std::vector<const Finding *> &blocking, std::string_view statement) {
    Coverage result;
    for (const Finding *finding : blocking) {
        if (permission.approval && scope::covers(*permission.approval, *finding)) result.approval_used = true;
        else result.uncovered.push_back(finding);
    }
    if (result.uncovered.empty() || !permission.state_installed) return result;
    cover_by_script(result, statement);
    if (result.uncovered.empty()) return result;
    permission.windows = state::open_windows();
    auto covered_by_window = [&](const Finding *finding) {
        for (const state::Window &window : permission.windows) {
            if (!scope::covers(window.scope, *finding)) continue;
            if (std::find(result.windows_used.begin(), result.windows_used.end(), window.id) == result.windows_used.end())
                result.windows_used.push_back(window.id);
            return true;
        }
        return false;
    };
    auto &uncovered = result.uncovered;
    uncovered.erase(std::remove_if(uncovered.begin(), uncovered.end(), covered_by_window), uncovered.end());
    return result;
}

// Warn mode: a WARNING and an audit row. Enforce mode: a server-log line and
// the refusal.
void not_allowed(const Permission &permission, const Coverage &cover, state::AuditEntry &entry,
                 std::string_view statement) {
    std::string reason = why_not_allowed(permission, cover.uncovered);
    std::string text = detail(cover.uncovered, reason, statement);
    std::string hint = approval_hint(permission, cover.uncovered);
    if (settings::mode == settings::mode_warn) {
        std::string message = "migsafe would block " + summary(cover.uncovered);
        pg_call([&] {
            ereport(WARNING, (errcode(ERRCODE_MIGSAFE_BLOCKED), errmsg_internal("%s", message.c_str()),
                              errdetail_internal("%s", text.c_str()), errhint("%s", hint.c_str())));
        });
        entry.outcome = "warned";
        entry.approval = permission.approval_name;
        return state::audit(entry);
    }
    std::string message = "migsafe blocked " + summary(cover.uncovered);
    state::AuditEntry refused = audit_entry(cover.uncovered, statement);
    refused.approval = permission.approval_name;
    state::log_entry(message, refused, reason);
    throw Blocked{pg_strdup(message), pg_strdup(text), pg_strdup(hint)};
}

// The backup gate: a dangerous statement that is otherwise allowed (or, in
// warn mode, about to run with a WARNING) is refused when point-in-time
// recovery to just before it is not possible (migsafe.require_recovery).
void require_recovery(const std::vector<const Finding *> &blocking, std::string_view statement) {
    std::vector<const Finding *> dangerous;
    for (const Finding *finding : blocking)
        if (finding->severity == Severity::dangerous) dangerous.push_back(finding);
    if (dangerous.empty()) return;
    std::optional<std::string> problem = recovery::required_but_impossible();
    if (!problem) return;
    std::string reason = "point-in-time recovery to just before it is not possible (migsafe.require_recovery = "
                         "archiving): " + *problem;
    std::string text = detail(dangerous, reason, statement);
    std::string hint = "Repair WAL archiving (archive_mode = on with an archive_command that succeeds: see "
                       "pg_stat_archiver and the server log) and run the migration again; or take a backup by other "
                       "means, and a superuser runs the migration with SET migsafe.require_recovery = off.";
    if (settings::mode == settings::mode_warn) {
        std::string message = "migsafe would block " + summary(dangerous) + ": no point-in-time recovery";
        pg_call([&] {
            ereport(WARNING, (errcode(ERRCODE_MIGSAFE_BLOCKED), errmsg_internal("%s", message.c_str()),
                              errdetail_internal("%s", text.c_str()), errhint("%s", hint.c_str())));
        });
        return;
    }
    std::string message = "migsafe blocked " + summary(dangerous) + ": no point-in-time recovery";
    state::log_entry(message, audit_entry(dangerous, statement), reason);
    throw Blocked{pg_strdup(message), pg_strdup(text), pg_strdup(hint)};
}

}  // namespace

std::string_view without_leading_comments(std::string_view statement) {
    if (statement.empty()) return statement;
    int start = first_token_offset(statement, 0, static_cast<int>(statement.size()));
    return statement.substr(static_cast<std::size_t>(start));
}

void judge(const Script &script, std::string_view statement) {
    DatabaseContext context(nullptr, true);
    Findings findings = classify(script, context);
    if (!findings.empty()) judge_findings(findings, statement);
}

void judge_findings(const Findings &findings, std::string_view statement) {
    std::vector<const Finding *> blocking = blocking_findings(findings);
    if (blocking.empty()) return;
    statement = without_leading_comments(statement);

    Permission permission = session_permission();
    Coverage cover = coverage(permission, blocking, statement);
    state::AuditEntry entry = audit_entry(blocking, statement);
    entry.approval = cover.approval_used ? permission.approval_name : "";
    entry.windows = cover.windows_used;
    if (cover.script_used) {
        entry.script_approval = cover.script_used->id;
        entry.script_sha256 = cover.script_used->sha256;
    }
    if (!cover.uncovered.empty()) {
        if (settings::mode == settings::mode_warn) require_recovery(blocking, statement);
        return not_allowed(permission, cover, entry, statement);
    }
    require_recovery(blocking, statement);
    entry.outcome = cover.approval_used || cover.script_used ? "approved" : "window";
    notice_mentions(blocking);
    bool changes_migsafe = std::any_of(blocking.begin(), blocking.end(),
                                       [](const Finding *f) { return f->rule == kSelfProtectionRule; });
    state::audit(entry, changes_migsafe);
}

Finding database_finding(const char *rule, const std::string &object, const std::string &message) {
    Finding finding = finding_of(*find_rule(rule), object, message);
    finding.statement = 1;
    return finding;
}

}  // namespace migsafe::guard
