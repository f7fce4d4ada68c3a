#!/usr/bin/env python3
"""Compares the CLI's findings with migsafe_check()'s, file by file.

usage: compare.py CLI_JSON SERVER_JSONL [CLI_JSON SERVER_JSONL]...
CLI_JSON is `migsafe check --format json` output; SERVER_JSONL has one
{"file": ..., "findings": [...]} or {"file": ..., "error": ...} per line.
Each pair is one pass over the files (the second with protected names, in
test/agreement/run); a file counts once per pass. Prints one line per
disagreement and ends with "agreement: N passed, M failed".
"""
import json
import sys

FIELDS = ("statement", "line", "col", "rule", "severity", "object", "message", "hint")


def cli_results(path):
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    results = {}
    for entry in document["files"]:
        error = entry["error"]
        if error is not None:
            where = f" at line {error['line']}, column {error['col']} of the script" if error["line"] else ""
            results[entry["file"]] = {"error": error["message"] + where}
        else:
            results[entry["file"]] = {"findings": [{k: f[k] for k in FIELDS} for f in entry["findings"]]}
    return results


def server_results(path):
    results = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            if entry.get("error") is not None:
                results[entry["file"]] = {"error": entry["error"]}
            else:
                results[entry["file"]] = {"findings": [{k: f[k] for k in FIELDS} for f in entry["findings"]]}
    return results


def main():
    passed = failed = 0
    pairs = sys.argv[1:]
    if len(pairs) < 2 or len(pairs) % 2:
        sys.exit(__doc__)
    for index in range(0, len(pairs), 2):
        cli, server = cli_results(pairs[index]), server_results(pairs[index + 1])
        label = "" if index == 0 else f" (pass {index // 2 + 1}: {pairs[index]})"
        for name in sorted(set(cli) | set(server)):
            if cli.get(name) == server.get(name):
                passed += 1
                continue
            failed += 1
            print(f"DISAGREE {name}{label}\n  cli:    {json.dumps(cli.get(name))[:600]}\n"
                  f"  server: {json.dumps(server.get(name))[:600]}")
    print(f"agreement: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
