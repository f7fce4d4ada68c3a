#!/usr/bin/env python3
"""The pgcorpus suite's reading of its runs (see run).

compare.py statements WORK CSVLOG   what psql sent, per file: statements.csv and
                                    statements/FILE/NNNNN.sql
compare.py report WORK ALLOW_LIST   the cases, failures explained, the summary
"""
import csv
import os
import re
import sys

csv.field_size_limit(1 << 30)

# PostgreSQL 15's csvlog columns.
PID, SEVERITY, MESSAGE, DETAIL, APPLICATION = 3, 11, 13, 14, 22
APP_PREFIX = "pg_regress/"


def log_rows(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as log:
        yield from csv.reader(log)


def statements(work, csvlog):
    per_file = {}
    for row in log_rows(csvlog):
        app = row[APPLICATION]
        if app.startswith(APP_PREFIX) and row[MESSAGE].startswith("statement: "):
            per_file.setdefault(app[len(APP_PREFIX):], []).append(row[MESSAGE][len("statement: "):])
    with open(os.path.join(work, "statements.csv"), "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        for name, sqls in sorted(per_file.items()):
            directory = os.path.join(work, "statements", name)
            os.makedirs(directory, exist_ok=True)
            for n, sql in enumerate(sqls, 1):
                writer.writerow([name, n, sql])
                with open(os.path.join(directory, "%05d.sql" % n), "w", encoding="utf-8") as f:
                    f.write(sql)
    print("pgcorpus: %d statements from %d files" % (sum(len(s) for s in per_file.values()), len(per_file)))


# ---- outputs -------------------------------------------------------------------

# The first line of a warning from migsafe's guard (warn mode), with psql's
# optional prefixes: "psql:FILE:LINE: " and, under VERBOSITY verbose, the
# SQLSTATE.
MIGSAFE_WARNING = re.compile(r"^(psql:[^ ]*:\d+: )?WARNING:  ([0-9A-Z]{5}: )?migsafe (would block |review: )")

# Under VERBOSITY sqlstate a warning is its SQLSTATE alone: migsafe's are
# MS001 (would block) and 01000 (review), and a plain 01000 warning cannot be
# told from migsafe's, so both go, from both outputs.
MIGSAFE_SQLSTATE_ONLY = re.compile(r"^(psql:[^ ]*:\d+: )?WARNING:  (MS001|01000)$")


def normalised(path, builddir):
    """A run's output with migsafe's warnings removed and the server's own
    results directory written as @abs_builddir@ (each server writes its
    files in a directory of its own)."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().replace(builddir, "@abs_builddir@").split("\n")
    out, i = [], 0
    while i < len(lines):
        if MIGSAFE_SQLSTATE_ONLY.match(lines[i]):
            i += 1
            continue
        if not MIGSAFE_WARNING.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        # The warning's DETAIL (one line per finding, then "Not allowed:" and
        # the statement, which may span lines) ends where its HINT, always
        # one line, begins. VERBOSITY terse prints neither.
        i += 1
        if i < len(lines) and lines[i].startswith("DETAIL:  "):
            while i < len(lines) and not lines[i].startswith("HINT:  "):
                i += 1
            i += 1
        if i < len(lines) and lines[i].startswith("LOCATION:  "):
            i += 1
    return out


# ---- server logs -----------------------------------------------------------------

CRASH = re.compile(r"process \(PID (\d+)\) (was terminated by|exited with exit code [2-9])|terminated by signal")

CONNECTION_AUTHORIZED = re.compile(r"^connection authorized: .* application_name=(\S+)")


def crashes(csvlog):
    """{file: [log lines]} for each crash or PANIC the server logged, given
    to the file whose session died (the PID's application_name)."""
    app_of_pid, found = {}, []
    for row in log_rows(csvlog):
        # log_connections names the session's application_name when it
        # starts, before the column is filled in: a session that dies at
        # once is still named.
        app = row[APPLICATION]
        authorized = CONNECTION_AUTHORIZED.match(row[MESSAGE])
        if authorized:
            app = authorized.group(1)
        if app.startswith(APP_PREFIX):
            app_of_pid[row[PID]] = app[len(APP_PREFIX):]
        match = CRASH.search(row[MESSAGE])
        if row[SEVERITY] == "PANIC" or match:
            found.append((match.group(1) if match and match.group(1) else row[PID],
                          "%s: %s %s" % (row[SEVERITY], row[MESSAGE], row[DETAIL])))
    result = {}
    for pid, line in found:
        result.setdefault(app_of_pid.get(pid, "(unknown session)"), []).append(line)
    return result


def statuses(path):
    result = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                *key, status = line.split()
                result[" ".join(key)] = int(status)
    return result


def timed_out(status):
    return status in (124, 137)


def run_problems(work, run, name, status, crash_map):
    """Why a file's run on one server is not usable: a crash or a hang."""
    problems = []
    if timed_out(status):
        problems.append("%s run: hung (stopped after the time limit)" % run)
    for line in crash_map.get(name, []):
        problems.append("%s run: server log: %s" % (run, line))
    out = os.path.join(work, run, "out", name + ".out")
    if os.path.exists(out):
        with open(out, encoding="utf-8", errors="replace") as f:
            if "server closed the connection unexpectedly" in f.read():
                problems.append("%s run: psql: server closed the connection unexpectedly" % run)
    else:
        problems.append("%s run: no output" % run)
    return problems


# ---- migsafe_check() and the CLI -----------------------------------------------

# Errors that are a clean answer for text that is not valid SQL: syntax errors
# (class 42, but for 42501, a file the server may not read), the lexer's
# errors on literals (class 22), a statement too complex or too deep to parse
# (class 54), grammar the parser refuses (0A000).
CLEAN_SQLSTATE = re.compile(r"^(42(?!501)|22|54|0A)")


def server_answers_of(work, name):
    """{statement number: migsafe_check()'s answer}"""
    path = os.path.join(work, "server-check", name + ".csv")
    if not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        return {int(n): result for n, result in csv.reader(f) if n != "0"}


def server_check_problems(work, name, status, expected):
    path = os.path.join(work, "server-check", name + ".csv")
    if status != 0 or not os.path.exists(path):
        with open(os.path.join(work, "server-check", name + ".log"), errors="replace") as f:
            return ["migsafe_check() session failed (status %d): %s" % (status, f.read().strip()[-500:])]
    problems, rows = [], 0
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        for n, result in csv.reader(f):
            rows += 1
            what = "the whole file" if n == "0" else "statement %s" % n
            if result.startswith("ok "):
                continue
            sqlstate = result.split(" ", 2)[1]
            if not CLEAN_SQLSTATE.match(sqlstate):
                problems.append("migsafe_check(), %s: %s" % (what, result))
    if rows != expected + 1:
        problems.append("migsafe_check(): %d answers for %d statements and the file" % (rows, expected))
    return problems


CLI_ERROR_LINE = re.compile(r"^.*:\d+:\d+: error: .+|^migsafe: .+", re.M)
CLI_BAD_STDERR = re.compile(r"terminate called|Assertion|Sanitizer|Segmentation|core dumped")


def cli_check_problems(work, name, status_file, status_statements, expected, server_answers, differences=()):
    base = os.path.join(work, "cli-check", name)
    problems = []
    with open(base + ".file.out", errors="replace") as f:
        out = f.read()
    with open(base + ".file.err", errors="replace") as f:
        err = f.read()
    if status_file not in (0, 1, 2):
        problems.append("migsafe check FILE: exit status %d %s" % (status_file, err.strip()[-300:]))
    elif status_file == 2 and not CLI_ERROR_LINE.search(out + err):
        problems.append("migsafe check FILE: exit status 2 without an error message")
    if CLI_BAD_STDERR.search(err):
        problems.append("migsafe check FILE: %s" % err.strip()[-300:])
    if expected == 0:
        return problems
    if status_statements not in (0, 1, 2):
        with open(base + ".json.err", errors="replace") as f:
            problems.append("migsafe check (statements): exit status %d %s" % (status_statements, f.read().strip()[-300:]))
        return problems
    import json
    try:
        with open(base + ".json") as f:
            files = json.load(f)["files"]
    except (ValueError, KeyError, OSError) as error:
        return problems + ["migsafe check (statements): no JSON report (%s)" % error]
    if len(files) != expected:
        problems.append("migsafe check (statements): %d answers for %d statements" % (len(files), expected))
    # Both front doors, one classifier: each statement gets the same rules
    # (or an error) from the CLI as from migsafe_check() in a database that
    # has none of the objects.
    for entry in files:
        if entry.get("error") is not None:
            if not entry["error"].get("message"):
                problems.append("migsafe check (statements): %s: an error without a message" % entry["file"])
            cli = "error"
        else:
            cli = ",".join(sorted({finding["rule"] for finding in entry["findings"]}))
        n = int(os.path.basename(entry["file"]).split(".")[0])
        answer = server_answers.get(n)
        if answer is None:
            continue
        server = "error" if answer.startswith("error ") else ",".join(sorted(filter(None, answer[3:].split(","))))
        if cli != server and cli == "error":
            with open(entry["file"], errors="replace") as f:
                sql = f.read()
            why = next((why for text, why in differences if text in sql), None)
            if why is not None:
                print("allowed: %s statement %d: the CLI says error, migsafe_check() says %s: %s" % (name, n, answer.strip(), why))
                continue
        if cli != server:
            problems.append("statement %d: the CLI says %s, migsafe_check() says %s" % (n, cli or "nothing", answer))
    return problems


# ---- the report ---------------------------------------------------------------------

def allowed(path):
    result = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, reason = line.split(None, 1)
                result[name] = reason
    return result


def grammar_differences(path):
    """{file: [(text, why)]}: statements the CLI's newer grammar rejects and
    the server's older one parses (used only when the majors differ)."""
    result = {}
    if os.environ.get("PGCORPUS_CLI_GRAMMAR") == os.environ.get("PGCORPUS_SERVER_GRAMMAR"):
        return result
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, text, why = line.rstrip("\n").split("\t")
                result.setdefault(name, []).append((text, why))
    return result


def statement_counts(work):
    counts = {}
    with open(os.path.join(work, "statements.csv"), newline="", encoding="utf-8") as f:
        for name, _, _ in csv.reader(f):
            counts[name] = counts.get(name, 0) + 1
    return counts


DML_RULES = re.compile(r"migsafe blocked ((delete|update|backfill)-without-where|mass-(delete|update))")

# Refusals of DML with a WHERE that are right: the condition restricts no row
# of the target (file, words of the statement, why).
RIGHT_REFUSALS = [
    ("update", "WHERE CURRENT_USER = SESSION_USER",
     "a condition on the session, not on update_test's rows: every row is updated"),
    ("partition_prune", "where ab_a2.b = (select 1)",
     "a condition on ab_a2 only (the classic forgotten join): every row of ab_a1 is updated"),
]


def right_refusal(name, statement):
    for file, words, why in RIGHT_REFUSALS:
        if name == file and words in statement:
            return why
    return None


def dml_with_where_refused(work):
    """Application DML must never be refused: the enforce run's refusals of a
    DELETE or UPDATE that has a WHERE clause (or a MERGE, which has an ON),
    and every refusal by effect (mass-delete, mass-update), each one a
    problem (goal 0) unless known to be right."""
    refused = []
    dml = 0
    for row in log_rows(os.path.join(work, "enforce-cluster", "data", "log", "postgresql.csv")):
        if len(row) <= APPLICATION or row[SEVERITY] != "ERROR" or not DML_RULES.search(row[MESSAGE]):
            continue
        dml += 1
        by_effect = "mass-delete" in row[MESSAGE] or "mass-update" in row[MESSAGE]
        if by_effect or "has a WHERE clause" in row[DETAIL] or "joins on a condition" in row[DETAIL]:
            name = row[APPLICATION][len(APP_PREFIX):]
            statement = " ".join(row[DETAIL].split("Statement: ", 1)[-1].split())
            why = right_refusal(name, statement)
            if why:
                print("note: enforce refused, rightly, in %s: %s (%s)" % (name, statement[:120], why))
            else:
                refused.append("%s: %s" % (name, statement[:200]))
    print("pgcorpus: enforce run: %d DML statements refused, %d of them with a WHERE clause and not known right"
          % (dml, len(refused)))
    return ["refused with a WHERE clause: " + line for line in refused]


def report(work, allow_list):
    import difflib
    with open(os.path.join(work, "order")) as f:
        names = f.read().split()
    allow = allowed(allow_list)
    differences = grammar_differences(os.path.join(os.path.dirname(allow_list), "grammar-differences"))
    counts = statement_counts(work)
    runs = {run: (statuses(os.path.join(work, run, "status")),
                  crashes(os.path.join(work, run + "-cluster", "data", "log", "postgresql.csv")))
            for run in ("warn", "plain", "enforce")}
    server_status = statuses(os.path.join(work, "server-check", "status"))
    cli_status = statuses(os.path.join(work, "cli-check", "status"))
    canary = runs["enforce"][1].pop("crash-canary", [])
    passed = failed = 0
    tally = {"matched": 0, "allowed": 0, "differ": 0}

    def case(check, name, problems):
        nonlocal passed, failed
        if problems:
            failed += 1
            print("FAIL %s %s" % (check, name))
            for problem in problems:
                print("       " + problem)
        else:
            passed += 1

    for name in names:
        problems = []
        for run in ("warn", "plain"):
            statuses_of, crash_map = runs[run]
            problems += run_problems(work, run, name, statuses_of.get(name, -1), crash_map)
        if not problems:
            warn = normalised(os.path.join(work, "warn", "out", name + ".out"), os.path.join(work, "warn", "build"))
            plain = normalised(os.path.join(work, "plain", "out", name + ".out"), os.path.join(work, "plain", "build"))
            if warn == plain:
                tally["matched"] += 1
                if name in allow:
                    print("note: %s is allow-listed but matched this time" % name)
            elif name in allow:
                tally["allowed"] += 1
                print("allowed: %s differs: %s" % (name, allow[name]))
            else:
                tally["differ"] += 1
                diff = list(difflib.unified_diff(plain, warn, "plain/" + name, "warn/" + name, lineterm="", n=2))
                problems.append("outputs differ (- without migsafe, + with migsafe in warn mode):")
                problems += diff[:60] + (["... (%d more lines)" % (len(diff) - 60)] if len(diff) > 60 else [])
        case("same", name, problems)
        statuses_of, crash_map = runs["enforce"]
        case("enforce", name, run_problems(work, "enforce", name, statuses_of.get(name, -1), crash_map))
        case("server-check", name, server_check_problems(work, name, server_status.get(name, -1), counts.get(name, 0)))
        case("cli-check", name, cli_check_problems(work, name, cli_status.get(name + " file", -1),
                                                   cli_status.get(name + " statements", -1), counts.get(name, 0),
                                                   server_answers_of(work, name), differences.get(name, ())))
    # The suite's own proofs: it sees a crash, and migsafe was at work.
    canary_out = os.path.join(work, "enforce", "crash-canary.out")
    with open(canary_out, errors="replace") as f:
        canary_psql = "server closed the connection unexpectedly" in f.read()
    case("crash-canary", "enforce", [] if canary and canary_psql else
         ["the session killed with SIGSEGV was not seen crashing (server log: %s, psql: %s)" % (bool(canary), canary_psql)])
    for run, pattern in (("warn", "WARNING:  migsafe would block "), ("enforce", "ERROR:  migsafe blocked ")):
        found = 0
        for name in names:
            with open(os.path.join(work, run, "out", name + ".out"), errors="replace") as f:
                found += f.read().count(pattern)
        print("pgcorpus: %s run: %d x %r" % (run, found, pattern.strip()))
        case("guard-active", run, [] if found else ["no %r in any output: migsafe did not judge" % pattern.strip()])
    case("statements-read", "plain", [] if counts else ["no statement read from the server log"])
    case("dml-with-where", "enforce", dml_with_where_refused(work))
    unattributed = [line for run in runs.values() for line in run[1].get("(unknown session)", [])]
    for line in unattributed:
        print("FAIL crash outside the files' sessions: " + line)
    failed += len(unattributed)
    print("pgcorpus: %d files, %d statements; warn vs plain: %d matched, %d allow-listed, %d differ"
          % (len(names), sum(counts.values()), tally["matched"], tally["allowed"], tally["differ"]))
    print("pgcorpus: %d passed, %d failed" % (passed, failed))


def main():
    if sys.argv[1] == "statements":
        statements(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
