# The release files agree with each other, without a server: META.json is
# PGXN metadata (meta-spec 1.0.0) for the version migsafe.control installs,
# the CLI reports that version, the CHANGELOG has a section for it, and the
# install scripts of released versions are unchanged (released-scripts.sha256:
# a database created from one must stay updatable, and the drift test
# compares against them). Sourced by run.

root=$(cd "$here/../.." && pwd)
control_version=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" "$root/migsafe.control")

out=$(cd "$root" && python3 - "$control_version" 2>&1 <<'PY'
import json, os, re, sys

control_version = sys.argv[1]
semver = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
problems = []
try:
    meta = json.load(open("META.json"))
except ValueError as error:
    sys.exit(f"META.json is not valid JSON: {error}")

for key in ("name", "version", "abstract", "maintainer", "license", "provides", "meta-spec"):
    if not meta.get(key):
        problems.append(f"required key {key!r} is missing or empty")
if meta.get("meta-spec", {}).get("version") != "1.0.0":
    problems.append("meta-spec.version must be 1.0.0")
if not semver.match(str(meta.get("version", ""))):
    problems.append(f"version {meta.get('version')!r} is not SemVer")
if meta.get("version") != control_version:
    problems.append(f"version {meta.get('version')!r} differs from migsafe.control's default_version {control_version!r}")
if meta.get("release_status", "stable") not in ("stable", "testing", "unstable"):
    problems.append(f"release_status {meta.get('release_status')!r} is not stable, testing or unstable")

extension = meta.get("provides", {}).get("migsafe")
if not isinstance(extension, dict):
    problems.append("provides has no extension 'migsafe'")
else:
    if extension.get("version") != control_version:
        problems.append(f"provides.migsafe.version {extension.get('version')!r} differs from {control_version!r}")
    if extension.get("file") != f"migsafe--{control_version}.sql":
        problems.append(f"provides.migsafe.file {extension.get('file')!r} is not migsafe--{control_version}.sql")
    for key in ("file", "docfile"):
        if key in extension and not os.path.isfile(extension[key]):
            problems.append(f"provides.migsafe.{key} {extension[key]!r} does not exist")

requires = meta.get("prereqs", {}).get("runtime", {}).get("requires", {})
# 15 to 18: PGXN's version ranges cannot leave 16 (untested) out, so the
# description says which majors are tested.
if str(requires.get("PostgreSQL", "")) != ">= 15.0.0, < 19.0.0":
    problems.append(f"prereqs.runtime.requires.PostgreSQL {requires.get('PostgreSQL')!r} is not >= 15.0.0, < 19.0.0")
if "Tested on PostgreSQL 15, 17 and 18" not in meta.get("description", ""):
    problems.append("description does not say which PostgreSQL majors are tested")

resources = meta.get("resources", {})
web = resources.get("repository", {}).get("web", "")
for name, url in (("homepage", resources.get("homepage", "")),
                  ("bugtracker.web", resources.get("bugtracker", {}).get("web", "")),
                  ("repository.url", resources.get("repository", {}).get("url", ""))):
    if not web or not url.startswith(web):
        problems.append(f"resources.{name} {url!r} is not under the repository {web!r}")

if meta.get("license") == "postgresql" and not open("LICENSE").readline().startswith("PostgreSQL Licence"):
    problems.append("license is postgresql but LICENSE is not the PostgreSQL Licence")

print("\n".join(problems))
PY
)
expect_equal "META.json is valid PGXN metadata for version $control_version" "" "$out"

# The CLI reports the same version (SARIF's tool.driver.version).
cli_version=$("$MIGSAFE_CLI" check --format sarif - </dev/null 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["runs"][0]["tool"]["driver"]["version"])' 2>&1)
expect_equal "migsafe check reports version $control_version" "$control_version" "$cli_version"
# migsafe --version: the same, and the grammar it parses.
version_line=$("$MIGSAFE_CLI" --version 2>&1)
[[ $version_line =~ ^migsafe\ $control_version\ \(PostgreSQL\ [0-9]+\.[0-9]+\ grammar\)$ ]] &&
    pass "migsafe --version names $control_version and the grammar" ||
    fail "migsafe --version names $control_version and the grammar" "got: $version_line"

grep -q "^## $control_version\b" "$root/CHANGELOG.md" && pass "CHANGELOG.md has a section for $control_version" ||
    fail "CHANGELOG.md has a section for $control_version" "no line '## $control_version ...'"

# Released install scripts never change: a change belongs in the install
# script of the next version and in an upgrade script to it.
out=$(cd "$root" && sha256sum --check --strict --quiet "$here/released-scripts.sha256" 2>&1)
if [ $? -eq 0 ]; then
    pass "the install scripts of released versions are unchanged"
else
    fail "the install scripts of released versions are unchanged" "$out" \
        "Undo the change; put it in migsafe--$control_version.sql and in the upgrade script to $control_version."
fi
expect_equal "the install script of the current version exists" "migsafe--$control_version.sql" \
    "$(cd "$root" && ls "migsafe--$control_version.sql" 2>&1)"
