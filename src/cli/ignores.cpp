#include "ignores.hpp"

#include "../classifier/catalogue.hpp"
#include "../classifier/source_position.hpp"
#include "../parser/pg_call.hpp"
#include "../parser/script_parser.hpp"

extern "C" {
#include "parser/parser.h"
#include "parser/scanner.h"
}

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>

namespace migsafe::cli {

namespace {

constexpr const char *kMarker = "migsafe-ignore:";

struct Comment {
    int offset;       // byte offset of "--" or "/*"
    std::string text; // up to the next token
    int next_token;   // byte offset of the next token that is not a comment, or -1
};

// The comments of a script that mention the marker, with the offset of the
// first real token after each.
std::vector<Comment> marker_comments(const char *text) {
    std::vector<Comment> comments;
    LexerState lexer;
    core_YYSTYPE value;
    YYLTYPE location = 0;
    core_yyscan_t scanner = scanner_init(text, &lexer.extra, &ScanKeywords, ScanKeywordTokens);
#if PG_VERSION_NUM >= 180000
    // libpg_query 18 returns comments as tokens only when asked (its own
    // headers declare the field: CMake uses them where they are packaged).
    lexer.extra.return_comments = true;
#endif
    std::vector<std::size_t> waiting;  // comments whose next token is not known yet
    int token;
    while ((token = core_yylex(&value, &location, scanner)) != 0) {
        if (!starts_comment(text, location)) {
            for (std::size_t index : waiting) comments[index].next_token = location;
            waiting.clear();
            continue;
        }
        // The comment runs to the next token; its text is read when that is known.
        comments.push_back({location, "", -1});
        waiting.push_back(comments.size() - 1);
    }
    scanner_finish(scanner);
    int size = static_cast<int>(strlen(text));
    std::vector<Comment> marked;
    for (std::size_t i = 0; i < comments.size(); ++i) {
        // A comment ends before whatever the lexer found next; a "--" comment
        // also at the end of its line.
        int end = comments[i].next_token >= 0 ? comments[i].next_token : size;
        if (i + 1 < comments.size()) end = std::min(end, comments[i + 1].offset);
        comments[i].text.assign(text + comments[i].offset, end - comments[i].offset);
        if (text[comments[i].offset] == '-') comments[i].text = comments[i].text.substr(0, comments[i].text.find('\n'));
        if (comments[i].text.find(kMarker) != std::string::npos) marked.push_back(comments[i]);
    }
    return marked;
}

std::string trimmed(std::string text) {
    auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), space));
    text.erase(std::find_if_not(text.rbegin(), text.rend(), space).base(), text.end());
    return text;
}

struct Ignore {
    std::vector<std::string> rules;
    std::string reason;
    std::string problem;  // why it cannot be honoured, or ""
};

// "-- migsafe-ignore: drop-table, truncate reason" (or /* ... */).
Ignore parse_ignore(const std::string &comment) {
    Ignore ignore;
    std::string body = comment.substr(2);
    if (comment[0] == '/' && body.size() >= 2 && body.compare(body.size() - 2, 2, "*/") == 0)
        body.resize(body.size() - 2);
    body = trimmed(body);
    if (body.rfind(kMarker, 0) != 0) {
        ignore.problem = "must start with migsafe-ignore:";
        return ignore;
    }
    std::string rest = trimmed(body.substr(strlen(kMarker)));
    std::size_t at = 0;
    while (true) {
        std::size_t end = at;
        while (end < rest.size() && (std::islower(static_cast<unsigned char>(rest[end])) || rest[end] == '-')) ++end;
        if (end == at) break;
        ignore.rules.push_back(rest.substr(at, end - at));
        std::size_t next = rest.find_first_not_of(" \t", end);
        if (next == std::string::npos || rest[next] != ',') {
            at = end;
            break;
        }
        at = rest.find_first_not_of(" \t", next + 1);
        if (at == std::string::npos) at = rest.size();
    }
    ignore.reason = trimmed(rest.substr(at));
    if (ignore.rules.empty()) ignore.problem = "names no rule";
    for (const std::string &rule : ignore.rules)
        if (find_rule(rule) == nullptr) ignore.problem = "names unknown rule \"" + rule + "\"";
    if (ignore.problem.empty() && ignore.reason.empty())
        ignore.problem = "gives no reason (write why after the rules)";
    return ignore;
}

// Whether only spaces precede the comment on its line. A piece of a script
// that starts in the middle of a line starts after a semicolon.
bool begins_its_line(const Script &script, int offset) {
    std::string_view text = script.text;
    int i = offset - 1;
    for (; i >= 0 && text[i] != '\n'; --i)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
    return i >= 0 || script.start.col == 1;
}

// The 1-based index of the statement whose first token follows the comment,
// with nothing but comments between them, or 0.
int statement_after(const Script &script, const Comment &comment) {
    if (!begins_its_line(script, comment.offset)) return 0;
    for (std::size_t i = 0; i < script.statements.size(); ++i)
        if (script.statements[i].location == comment.next_token)
            return script.statements_before + static_cast<int>(i) + 1;
    return 0;
}

Finding unused_ignore(const Script &script, const Comment &comment, int statement, const std::string &message) {
    LineCol at = LineIndex(script.text, script.start).at_byte(comment.offset);
    Finding finding = finding_of(*find_rule("unused-ignore"), "", message);
    finding.statement = statement;
    finding.line = at.line;
    finding.col = at.col;
    return finding;
}

}  // namespace

void apply_ignores(const Script &script, Findings &findings, std::vector<HeldIgnore> *held) {
    if (script.text.find(kMarker) == std::string_view::npos) return;  // the common case: no lexing
    std::string text(script.text);
    Findings unused;
    for (const Comment &comment : marker_comments(text.c_str())) {
        Ignore ignore = parse_ignore(comment.text);
        int statement = statement_after(script, comment);
        if (!ignore.problem.empty()) {
            unused.push_back(unused_ignore(script, comment, statement, "migsafe-ignore " + ignore.problem +
                                                                       ": it suppresses nothing"));
            continue;
        }
        auto suppressed = [&](const Finding &finding) {
            return finding.statement == statement && finding.rule != "unused-ignore" &&
                   std::find(ignore.rules.begin(), ignore.rules.end(), finding.rule) != ignore.rules.end();
        };
        auto kept = std::remove_if(findings.begin(), findings.end(), suppressed);
        bool used = statement > 0 && kept != findings.end();
        findings.erase(kept, findings.end());
        if (held != nullptr && statement > 0 &&
            std::any_of(ignore.rules.begin(), ignore.rules.end(),
                        [](const std::string &rule) { return reported_at_end(rule); })) {
            // The end of the script may still bring a finding it suppresses.
            Finding unused_finding = unused_ignore(script, comment, statement,
                                                   "migsafe-ignore suppresses nothing: the statement after it has no "
                                                   "finding of the rules it names");
            std::string line = line_around(script.text, static_cast<std::size_t>(comment.offset), unused_finding.col);
            held->push_back({statement, ignore.rules, used, std::move(unused_finding), std::move(line)});
            continue;
        }
        if (!used)
            unused.push_back(unused_ignore(script, comment, statement,
                                           statement == 0 ? "migsafe-ignore is not on the line(s) before a statement: "
                                                            "it suppresses nothing"
                                                          : "migsafe-ignore suppresses nothing: the statement after "
                                                            "it has no finding of the rules it names"));
    }
    // Each unused ignore goes before the findings of the statement it
    // precedes; one attached to no statement goes last.
    findings.insert(findings.end(), unused.begin(), unused.end());
    auto order = [](const Finding &f) {
        return std::make_pair(f.statement == 0 ? INT_MAX : f.statement, f.rule == "unused-ignore" ? 0 : 1);
    };
    std::stable_sort(findings.begin(), findings.end(),
                     [&](const Finding &a, const Finding &b) { return order(a) < order(b); });
}

void apply_held_ignores(const std::vector<HeldIgnore> &held, Findings &findings, std::vector<std::string> &lines) {
    if (held.empty()) return;
    std::vector<bool> used;
    for (const HeldIgnore &ignore : held) used.push_back(ignore.used);
    Findings kept;
    std::vector<std::string> kept_lines;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        bool suppressed = false;
        for (std::size_t j = 0; j < held.size(); ++j)
            if (held[j].statement == findings[i].statement &&
                std::find(held[j].rules.begin(), held[j].rules.end(), findings[i].rule) != held[j].rules.end()) {
                suppressed = true;
                used[j] = true;
            }
        if (suppressed) continue;
        kept.push_back(std::move(findings[i]));
        kept_lines.push_back(std::move(lines[i]));
    }
    for (std::size_t j = 0; j < held.size(); ++j)
        if (!used[j]) {
            kept.push_back(held[j].unused);
            kept_lines.push_back(held[j].line);
        }
    findings = std::move(kept);
    lines = std::move(kept_lines);
}

}  // namespace migsafe::cli
