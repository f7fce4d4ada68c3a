// Before PostgreSQL's headers, whose c.h defines snprintf as a macro.
#include <nlohmann/json.hpp>

#include "database_check.hpp"

#include "../classifier/recovery.hpp"

#include "../classifier/classifier.hpp"
#include "database.hpp"
#include "live_catalog.hpp"

#include <map>
#include <stdexcept>

namespace migsafe::cli {

namespace {

std::vector<HistoryRow> read_history(const Database &database) {
    Rows table = database.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL");
    if (!table.boolean(0, 0))
        throw std::runtime_error(
            "no _prisma_migrations table in schema \"" + database.schema() +
            "\": nothing was ever deployed with Prisma here; check without --database, or point --database at the "
            "right database (and ?schema=)");
    Rows rows = database.query(
        "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL "
        "FROM _prisma_migrations ORDER BY started_at, migration_name");
    std::vector<HistoryRow> history;
    for (int i = 0; i < rows.size(); ++i)
        history.push_back({rows.text(i, 0), rows.text(i, 1), rows.boolean(i, 2), rows.boolean(i, 3)});
    return history;
}

// The source lines of a text, by number, for the findings' excerpts.
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find('\n', start)) != std::string_view::npos; start = at + 1)
        lines.push_back(text.substr(start, at - start));
    lines.push_back(text.substr(start));
    return lines;
}

Severity severity_of(const std::string &name) { return name == "dangerous" ? Severity::dangerous : Severity::review; }

// The protected names as a JSON array for the server (NULL when none).
Param protected_argument(const CheckOptions &options) {
    if (options.protect.empty()) return std::nullopt;
    return nlohmann::json(options.protect).dump();
}

}  // namespace

DatabaseCheck::DatabaseCheck(const std::string &url, const std::string &dir, const CheckOptions &options)
    : dir_(dir), options_(options) {
    std::vector<DiskMigration> disk = read_prisma_migrations(dir);
    database_ = std::make_unique<Database>(url);
    history_ = reconcile(std::move(disk), read_history(*database_));
    Rows extension = database_->query(
        "SELECT e.extversion, quote_ident(n.nspname) FROM pg_extension e "
        "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'migsafe'");
    if (extension.size() == 1) {
        extension_version_ = extension.text(0, 0);
        extension_schema_ = extension.text(0, 1);
    }
}

DatabaseCheck::~DatabaseCheck() = default;

std::string DatabaseCheck::summary() const {
    std::string text = dir_ + ": " + std::to_string(history_.applied.size()) + " applied in the database";
    if (!history_.applied.empty()) {
        text += " (skipped: ";
        for (std::size_t i = 0; i < history_.applied.size(); ++i) text += (i > 0 ? ", " : "") + history_.applied[i];
        text += ")";
    }
    text += ", " + std::to_string(history_.pending.size()) + " to check";
    return text + (extension_version_.empty()
                       ? ", with the database's catalog (migsafe is not installed there)"
                       : ", by the database's migsafe " + extension_version_);
}

std::string DatabaseCheck::recovery() const {
    if (!extension_version_.empty())
        if (std::optional<Rows> rows = database_->try_query(("SELECT " + extension_schema_ + ".migsafe_recovery()").c_str(), {}))
            return "point-in-time recovery: " + rows->text(0, 0);
    // archive_command may be hidden from this role (NULL): then the
    // statistics decide.
    static const char *const kArchiver =
        "SELECT current_setting('archive_mode') <> 'off', "
        "  current_setting('archive_command', true) <> '' OR current_setting('archive_library', true) <> '', "
        "  coalesce(last_archived_wal, ''), extract(epoch FROM clock_timestamp() - last_archived_time), "
        "  coalesce(last_failed_wal, ''), extract(epoch FROM clock_timestamp() - last_failed_time) "
        "FROM pg_stat_archiver";
    std::optional<Rows> rows = database_->try_query(kArchiver, {});
    if (!rows || rows->size() != 1) return "";
    ArchiverFacts facts;
    facts.archiving = rows->boolean(0, 0);
    if (!rows->null(0, 1)) facts.has_command = rows->boolean(0, 1);
    facts.last_archived_wal = rows->text(0, 2);
    if (!rows->null(0, 3)) facts.archived_ago_s = rows->number(0, 3);
    facts.last_failed_wal = rows->text(0, 4);
    if (!rows->null(0, 5)) facts.failed_ago_s = rows->number(0, 5);
    return "point-in-time recovery: " + recovery_summary(facts, 0);
}

std::optional<RelationFacts> DatabaseCheck::object_facts(const std::string &object) const {
    if (object.empty()) return std::nullopt;
    static const char *const kFacts =
        "SELECT format('%I.%I', n.nspname, c.relname), pg_total_relation_size(c.oid), c.reltuples "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)";
    // The object itself (a table, an index), else the table of a column
    // ("t"."c": the name without its last part).
    std::optional<Rows> rows = database_->try_query(kFacts, {object});
    if (!rows || rows->size() == 0) {
        std::optional<Rows> parent = database_->try_query(
            "SELECT array_to_string(ARRAY(SELECT quote_ident(p) FROM unnest(x[1:array_length(x, 1) - 1]) p), '.') "
            "FROM parse_ident($1) x WHERE array_length(x, 1) > 1",
            {object});
        if (!parent || parent->size() == 0) return std::nullopt;
        rows = database_->try_query(kFacts, {parent->text(0, 0)});
    }
    if (!rows || rows->size() == 0) return std::nullopt;
    return RelationFacts{rows->text(0, 0), rows->integer(0, 1), rows->number(0, 2)};
}

void DatabaseCheck::run(ReportWriter &report) {
    report.set_relation_facts([this](const Finding &finding) { return object_facts(finding.object); });
    std::optional<LiveCatalog> catalog;
    if (extension_version_.empty()) catalog.emplace(*database_, protected_names(options_));
    for (const DiskMigration &migration : history_.pending) {
        report.begin_file(migration.path, migration.name);
        if (catalog)
            check_input(migration.path, options_, *catalog, report);
        else
            check_on_server(migration, report);
    }
}

// The server's verdicts (migsafe_check()), with its plan's table sizes; the
// file is parsed here too, for the ignore comments and for a syntax error's
// position.
void DatabaseCheck::check_on_server(const DiskMigration &migration, ReportWriter &report) {
    FileResult offline = check_text(migration.path, migration.text, options_);
    if (!offline.error.empty()) {
        auto line = offline.lines.find(offline.error_line);
        report.end(offline.error, offline.error_line, offline.error_col,
                   line != offline.lines.end() ? std::string_view(line->second) : std::string_view());
        return;
    }
    Findings findings;
    try {
        Rows rows = database_->query(("SELECT statement, line, col, rule, severity, object, message, hint FROM " +
                                      extension_schema_ +
                                      ".migsafe_check($1, (SELECT array_agg(x) FROM json_array_elements_text($2::json) x))")
                                         .c_str(),
                                     {migration.text, protected_argument(options_)});
        for (int i = 0; i < rows.size(); ++i)
            findings.push_back({std::atoi(rows.text(i, 0).c_str()), std::atoi(rows.text(i, 1).c_str()),
                                std::atoi(rows.text(i, 2).c_str()), rows.text(i, 3), severity_of(rows.text(i, 4)),
                                rows.text(i, 5), rows.text(i, 6), rows.text(i, 7)});
        findings = apply_script_options(migration.text, std::move(findings), options_);
    } catch (const std::exception &error) {
        report.end(error.what(), 0, 0, {});
        return;
    }
    // The plan's sizes, by statement: the tables each statement locks.
    std::multimap<int, RelationFacts> plan;
    if (std::optional<Rows> rows = database_->try_query(
            ("SELECT statement, relation, relation_size, coalesce(estimated_rows, -1) FROM " + extension_schema_ +
             ".migsafe_plan($1) WHERE relation_size IS NOT NULL")
                .c_str(),
            {migration.text}))
        for (int i = 0; i < rows->size(); ++i)
            plan.emplace(std::atoi(rows->text(i, 0).c_str()),
                         RelationFacts{rows->text(i, 1), rows->integer(i, 2), rows->number(i, 3)});
    report.set_relation_facts([this, &plan](const Finding &finding) -> std::optional<RelationFacts> {
        auto [first, last] = plan.equal_range(finding.statement);
        for (auto it = first; it != last; ++it) {
            const std::string &relation = it->second.relation;
            if (finding.object == relation || finding.object.rfind(relation + ".", 0) == 0) {
                // Named as the catalog qualifies it, as without the extension.
                if (std::optional<RelationFacts> named = object_facts(relation)) {
                    named->size = it->second.size;
                    named->rows = it->second.rows;
                    return named;
                }
                return it->second;
            }
        }
        return object_facts(finding.object);
    });
    std::vector<std::string_view> lines = lines_of(migration.text);
    for (const Finding &finding : findings) {
        std::size_t index = static_cast<std::size_t>(finding.line) - 1;
        report.finding(finding, finding.line > 0 && index < lines.size() ? lines[index] : std::string_view());
    }
    report.end("", 0, 0, {});
    report.set_relation_facts([this](const Finding &finding) { return object_facts(finding.object); });
}

}  // namespace migsafe::cli
