// The CLI's front door (src/cli/checker): which files are checked, and bad
// input that must come back as an error, never as a crash.
#include "test_support.hpp"

#include "cli/checker.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;
using cli::check_input;
using cli::collect_inputs;

// A fresh temporary directory, removed with the fixture.
class TempDir : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "migsafe-unit-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }

    // Writes content to root/relative (creating directories); returns the path.
    std::string write(const std::string &relative, const std::string &content = "SELECT 1;\n") {
        fs::path path = root_ / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }

    std::string path(const std::string &relative) const { return (root_ / relative).string(); }

    fs::path root_;
};

// ---- collect_inputs -----------------------------------------------------------

using CollectInputs = TempDir;

TEST_F(CollectInputs, DirectoryIsSearchedRecursivelyForSqlFilesInPathOrder) {
    write("b/migration.sql");
    write("a/2.sql");
    write("a/1.sql");
    write("a/deep/er/0.sql");
    write("README.md");
    write("a/notes.txt");
    write("a/schema.sql.bak");
    EXPECT_EQ(collect_inputs({root_.string()}),
              (Strings{path("a/1.sql"), path("a/2.sql"), path("a/deep/er/0.sql"), path("b/migration.sql")}));
}

TEST_F(CollectInputs, PrismaLayout) {
    write("prisma/migrations/20240102000000_add_email/migration.sql");
    write("prisma/migrations/20240101000000_init/migration.sql");
    write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
    EXPECT_EQ(collect_inputs({path("prisma/migrations")}),
              (Strings{path("prisma/migrations/20240101000000_init/migration.sql"),
                       path("prisma/migrations/20240102000000_add_email/migration.sql")}));
}

TEST_F(CollectInputs, DirectoryBeforeItsLongerNamedSibling) {
    // Path order compares names component by component: "v1" comes before
    // "v1-hotfix", as Prisma orders its migration directories.
    write("v1-hotfix/migration.sql");
    write("v1/migration.sql");
    EXPECT_EQ(collect_inputs({root_.string()}),
              (Strings{path("v1/migration.sql"), path("v1-hotfix/migration.sql")}));
}

TEST_F(CollectInputs, DirectoryNamedLikeASqlFileIsNotAFile) {
    fs::create_directories(root_ / "weird.sql");
    write("weird.sql/inner.sql");
    EXPECT_EQ(collect_inputs({root_.string()}), (Strings{path("weird.sql/inner.sql")}));
}

TEST_F(CollectInputs, EmptyDirectoryGivesNothing) { EXPECT_EQ(collect_inputs({root_.string()}), Strings{}); }

TEST_F(CollectInputs, FilesAreTakenAsGivenWhateverTheirExtension) {
    std::string txt = write("query.txt");
    std::string sql = write("z.sql");
    EXPECT_EQ(collect_inputs({sql, txt}), (Strings{sql, txt}));
}

TEST_F(CollectInputs, ArgumentsKeepTheirOrder) {
    write("b/1.sql");
    write("a/1.sql");
    EXPECT_EQ(collect_inputs({path("b"), "-", path("a")}), (Strings{path("b/1.sql"), "-", path("a/1.sql")}));
}

TEST_F(CollectInputs, MissingPathThrows) {
    EXPECT_THROW(collect_inputs({path("does-not-exist")}), std::runtime_error);
    EXPECT_THROW(collect_inputs({path("does-not-exist.sql")}), std::runtime_error);
}

TEST_F(CollectInputs, MissingPathErrorNamesThePath) {
    try {
        collect_inputs({path("nope")});
        FAIL() << "no exception";
    } catch (const std::runtime_error &error) {
        EXPECT_TRUE(mentions(error.what(), {"nope"})) << error.what();
    }
}

// ---- check_input --------------------------------------------------------------

using CheckInput = TempDir;

TEST_F(CheckInput, FindingsOfAFile) {
    cli::FileResult result = check_input(write("m.sql", "-- drop it\nDROP TABLE users;\n"), {});
    EXPECT_EQ(result.error, "");
    EXPECT_EQ(summary(result.findings), (Strings{"1:2:1 drop-table dangerous users"}));
    EXPECT_EQ(result.path, path("m.sql"));
}

TEST_F(CheckInput, EmptyFile) {
    cli::FileResult result = check_input(write("empty.sql", ""), {});
    EXPECT_EQ(result.error, "");
    EXPECT_TRUE(result.findings.empty());
}

TEST_F(CheckInput, CommentsOnlyFile) {
    cli::FileResult result = check_input(write("c.sql", "-- DROP TABLE users;\n/* TRUNCATE users; */\n"), {});
    EXPECT_EQ(result.error, "");
    EXPECT_TRUE(result.findings.empty());
}

TEST_F(CheckInput, NulByteIsAnError) {
    cli::FileResult result = check_input(write("nul.sql", std::string("SELECT 1;\0DROP TABLE users;", 27)), {});
    EXPECT_NE(result.error, "");
    EXPECT_TRUE(result.findings.empty());
}

TEST_F(CheckInput, InvalidUtf8IsAnError) {
    cli::FileResult result = check_input(write("latin1.sql", "SELECT 'caf\xe9';\nDROP TABLE users;\n"), {});
    EXPECT_NE(result.error, "");
    EXPECT_TRUE(result.findings.empty());
}

TEST_F(CheckInput, TruncatedUtf8SequenceAtTheEndIsAnError) {
    cli::FileResult result = check_input(write("cut.sql", "SELECT 1; -- \xe2\x82"), {});
    EXPECT_NE(result.error, "");
}

TEST_F(CheckInput, SyntaxErrorComesWithItsPosition) {
    cli::FileResult result = check_input(write("bad.sql", "SELECT 1;\nSELEC 2;\n"), {});
    EXPECT_NE(result.error, "");
    EXPECT_EQ(result.error_line, 2);
    EXPECT_EQ(result.error_col, 1);
    EXPECT_TRUE(result.findings.empty());
}

TEST_F(CheckInput, UnreadableFileIsAnError) {
    cli::FileResult result = check_input(path("missing.sql"), {});
    EXPECT_NE(result.error, "");
    EXPECT_EQ(result.error_line, 0);
}

TEST_F(CheckInput, DirectoryIsAnErrorNotACrash) {
    cli::FileResult result = check_input(root_.string(), {});
    EXPECT_NE(result.error, "");
}

TEST_F(CheckInput, ProtectedNamesApply) {
    std::string file = write("p.sql", R"(CREATE INDEX ON public."Skill" (name);)");
    EXPECT_EQ(rules_of(check_input(file, {{R"("Skill")"}}).findings),
              (Strings{"protected-table", "create-index-not-concurrently"}));
    EXPECT_EQ(rules_of(check_input(file, {{"skill"}}).findings), Strings{"create-index-not-concurrently"});
}

TEST_F(CheckInput, UnquotedProtectedNameWithCapitalsApplies) {
    std::string file = write("p.sql", R"(CREATE INDEX ON public."Skill" (name);)");
    EXPECT_EQ(rules_of(check_input(file, {{"Skill"}}).findings),
              (Strings{"protected-table", "create-index-not-concurrently"}));
}

TEST_F(CheckInput, InvalidProtectedNameIsAnErrorNotAThrow) {
    cli::FileResult result = check_input(write("p.sql", "SELECT 1;"), {{"a.b.c"}});
    EXPECT_NE(result.error, "");
}

// ---- check_text (the fuzz target's entry point) ----------------------------------

TEST(CheckText, FindingsAndMigrationNameAsForAFile) {
    cli::FileResult result = cli::check_text("prisma/migrations/20240101_x/migration.sql", "DROP TABLE users;\n", {});
    EXPECT_EQ(result.migration, "20240101_x");
    EXPECT_EQ(result.lines, (std::map<int, std::string>{{1, "DROP TABLE users;"}}));
    EXPECT_EQ(rules_of(result.findings), Strings{"drop-table"});
}

TEST(CheckText, NulByteAndInvalidUtf8AreErrors) {
    EXPECT_EQ(cli::check_text("t.sql", std::string("SELECT 1;\0DROP TABLE users;", 27), {}).error,
              "file contains a NUL byte");
    EXPECT_EQ(cli::check_text("t.sql", "SELECT 'caf\xe9';", {}).error, "file is not valid UTF-8");
}

TEST(CheckText, SyntaxErrorComesWithItsPosition) {
    cli::FileResult result = cli::check_text("t.sql", "SELECT 1;\nSELEC 2;\n", {});
    EXPECT_EQ(result.error_line, 2);
    EXPECT_EQ(result.error_col, 1);
}

TEST(ValidateProtected, AcceptsValidNames) {
    EXPECT_NO_THROW(cli::validate_protected({"users", R"(public."Skill")"}));
    EXPECT_NO_THROW(cli::validate_protected({}));
}

TEST(ValidateProtected, NotesEachUnquotedNameWithCapitals) {
    EXPECT_EQ(cli::validate_protected({"skill", R"("Skill")", R"(public."SkillVersion")"}), Strings{});
    Strings notes = cli::validate_protected({"Skill", "users", "App.Skill"});
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_TRUE(mentions(notes[0], {"Skill", R"(skill and "Skill")", R"(quote it ("Skill"))"})) << notes[0];
    EXPECT_TRUE(mentions(notes[1], {R"(app.skill, app."Skill", "App".skill and "App"."Skill")"})) << notes[1];
}

TEST(ValidateProtected, RefusesInvalidNames) {
    EXPECT_THROW(cli::validate_protected({"users", "x; drop table y"}), std::invalid_argument);
}

}  // namespace
}  // namespace migsafe::test
