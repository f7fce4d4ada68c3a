// foreign-key-without-index and transaction-control: the findings the end
// of a script decides (Classifier::finish()), in classify() and in
// `migsafe check`'s piece-by-piece reading.
#include "test_support.hpp"

#include "classifier/classifier.hpp"
#include "cli/checker.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace migsafe::test {
namespace {

Strings fk(const std::string &sql) { return summary(of_rule(check(sql), "foreign-key-without-index")); }
Strings tx(const std::string &sql) { return summary(of_rule(check(sql), "transaction-control")); }

// ---- foreign-key-without-index ------------------------------------------------

TEST(ForeignKeyWithoutIndex, AddConstraintOnAnExistingTable) {
    Findings found = of_rule(check("ALTER TABLE \"Comment\" ADD CONSTRAINT \"Comment_postId_fkey\" FOREIGN KEY "
                                   "(\"postId\") REFERENCES \"Post\" (\"id\") ON DELETE CASCADE;"),
                             "foreign-key-without-index");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(summary(found[0]), "1:1:27 foreign-key-without-index review \"Comment\"");
    EXPECT_TRUE(mentions(found[0].message, {"\"Comment\"", "(\"postId\")", "\"Post\"", "DELETE", "scans"}))
        << found[0].message;
    EXPECT_TRUE(mentions(found[0].hint, {"CREATE INDEX CONCURRENTLY", "CREATE INDEX ON"})) << found[0].hint;
    // NOT VALID changes nothing: the index is still missing.
    EXPECT_EQ(fk("ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p (id) NOT VALID;").size(), 1u);
    EXPECT_EQ(fk("ALTER TABLE c ADD COLUMN p int REFERENCES p (id);"),
              Strings{"1:1:32 foreign-key-without-index review c"});
}

TEST(ForeignKeyWithoutIndex, CreateTableWithInlineReferencesAndNoIndex) {
    EXPECT_EQ(fk("CREATE TABLE child (id int PRIMARY KEY,\n  parent_id int REFERENCES parent (id));"),
              Strings{"1:2:17 foreign-key-without-index review child"});
    EXPECT_EQ(fk("CREATE TABLE child (id int PRIMARY KEY, parent_id int,\n  FOREIGN KEY (parent_id) REFERENCES parent);"),
              Strings{"1:2:3 foreign-key-without-index review child"});
}

TEST(ForeignKeyWithoutIndex, IndexCreatedAfterTheForeignKey) {
    EXPECT_EQ(fk("CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id));\n"
                 "CREATE INDEX ON child (parent_id);"),
              Strings{});
    EXPECT_EQ(fk("ALTER TABLE child ADD CONSTRAINT f FOREIGN KEY (parent_id) REFERENCES parent (id);\n"
                 "CREATE INDEX CONCURRENTLY child_parent_idx ON public.child (parent_id, created_at);"),
              Strings{});
}

// Prisma's order: -- CreateIndex before -- AddForeignKey.
TEST(ForeignKeyWithoutIndex, IndexCreatedBeforeTheForeignKey) {
    EXPECT_EQ(fk("-- CreateTable\nCREATE TABLE \"Post\" (\"id\" TEXT NOT NULL, \"authorId\" TEXT NOT NULL,\n"
                 "  CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\"));\n"
                 "-- CreateIndex\nCREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");\n"
                 "-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY "
                 "(\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;"),
              Strings{});
}

TEST(ForeignKeyWithoutIndex, PrimaryKeyAndUniqueCover) {
    // A one-to-one: the key is the primary key.
    EXPECT_EQ(fk("CREATE TABLE profile (user_id int PRIMARY KEY REFERENCES users (id));"), Strings{});
    // A join table: (a, b) primary key covers a; b needs its own index.
    EXPECT_EQ(fk("CREATE TABLE ab (a int REFERENCES x, b int REFERENCES y, PRIMARY KEY (a, b));"),
              Strings{"1:1:44 foreign-key-without-index review ab"});
    EXPECT_EQ(fk("CREATE TABLE ab (a int REFERENCES x, b int REFERENCES y, PRIMARY KEY (a, b));\n"
                 "CREATE INDEX ON ab (b);"),
              Strings{});
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int UNIQUE REFERENCES p);"), Strings{});
    EXPECT_EQ(fk("ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p;\nALTER TABLE c ADD UNIQUE (p, q);"),
              Strings{});
    EXPECT_EQ(fk("ALTER TABLE c ADD COLUMN p int UNIQUE REFERENCES p;"), Strings{});
}

TEST(ForeignKeyWithoutIndex, CompositeKeyCoveredInAnyOrder) {
    const std::string key = "ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (tenant_id, p) REFERENCES p (tenant_id, id);\n";
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (p, tenant_id);"), Strings{});
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (tenant_id, p, created_at) INCLUDE (x);"), Strings{});
    // Only one of the two columns leads, or the other is not right behind it.
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (tenant_id);").size(), 1u);
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (tenant_id, created_at, p);").size(), 1u);
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (tenant_id) INCLUDE (p);").size(), 1u);
}

TEST(ForeignKeyWithoutIndex, IndexesThatDoNotCover) {
    const std::string key = "ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p (id);\n";
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (created_at, p);").size(), 1u);       // another leading column
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (p) WHERE p IS NOT NULL;").size(), 1u);  // partial
    EXPECT_EQ(fk(key + "CREATE INDEX ON c ((p + 0));").size(), 1u);               // expression
    EXPECT_EQ(fk(key + "CREATE INDEX ON c (lower(p::text));").size(), 1u);        // expression
    EXPECT_EQ(fk(key + "CREATE INDEX ON c USING gin (p);").size(), 1u);           // not B-tree or hash
    EXPECT_EQ(fk(key + "CREATE INDEX ON ONLY c (p);").size(), 1u);                // invalid until attached
    EXPECT_EQ(fk(key + "CREATE INDEX ON other (p);").size(), 1u);                 // another table
    EXPECT_EQ(fk(key + "CREATE INDEX ON other.c (p);").size(), 1u);               // another schema
    EXPECT_EQ(fk(key + "CREATE INDEX ON c USING hash (p);"), Strings{});
    EXPECT_EQ(fk(key + "CREATE INDEX ON public.c (p);"), Strings{});
}

TEST(ForeignKeyWithoutIndex, RenamesAndDropsAreFollowed) {
    // Renamed table and column, before and after the index.
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int REFERENCES p);\nALTER TABLE c RENAME TO d;\nCREATE INDEX ON d (p);"),
              Strings{});
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int REFERENCES p);\nCREATE INDEX ON c (p);\n"
                 "ALTER TABLE c RENAME COLUMN p TO q;\nALTER TABLE c RENAME TO d;\nALTER TABLE d SET SCHEMA s;"),
              Strings{});
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int REFERENCES p);\nCREATE INDEX ON c (p);\n"
                 "ALTER TABLE c RENAME TO d;\nCREATE TABLE c (id int);"),
              Strings{});
    // The index dropped before the foreign key comes: it is reported.
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int);\nCREATE INDEX c_p ON c (p);\nDROP INDEX c_p;\n"
                 "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p;"),
              Strings{"4:4:19 foreign-key-without-index review c"});
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int);\nCREATE INDEX c_p ON c (p);\n"
                 "ALTER INDEX c_p RENAME TO c_p2;\nDROP INDEX c_p2;\nALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p;"),
              Strings{"5:5:19 foreign-key-without-index review c"});
    // Once covered, a foreign key is settled (the DROP INDEX of an existing
    // table's index is drop-index's finding).
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int REFERENCES p);\nCREATE INDEX c_p ON c (p);\nDROP INDEX c_p;"),
              Strings{});
    // A name the script never gave may be PostgreSQL's name for its index: fail closed.
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int);\nCREATE INDEX ON c (p);\nDROP INDEX c_p_idx;\n"
                 "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p;").size(),
              1u);
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int);\nCREATE INDEX c_p ON c (p);\nDROP INDEX other;\n"
                 "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p;"),
              Strings{});
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int, CONSTRAINT u UNIQUE (p));\nALTER TABLE c DROP CONSTRAINT u;\n"
                 "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p;").size(),
              1u);
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int UNIQUE);\nALTER TABLE c DROP CONSTRAINT c_p_key;\n"
                 "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p;").size(),
              1u);
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int);\nCREATE INDEX ON c (p);\nALTER TABLE c DROP COLUMN p;\n"
                 "ALTER TABLE c ADD COLUMN p int REFERENCES p;").size(),
              1u);
    // The foreign key itself gone: nothing to index.
    EXPECT_EQ(fk("ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p;\nALTER TABLE c DROP CONSTRAINT f;"),
              Strings{});
    EXPECT_EQ(fk("ALTER TABLE c ADD COLUMN p int REFERENCES p;\nALTER TABLE c DROP COLUMN p;"), Strings{});
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int REFERENCES p);\nDROP TABLE c;"), Strings{});
    // A ROLLBACK may undo the index: fail closed.
    EXPECT_EQ(fk("CREATE TABLE c (id int, p int);\nBEGIN;\nCREATE INDEX ON c (p);\nROLLBACK;\n"
                 "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p;").size(),
              1u);
}

TEST(ForeignKeyWithoutIndex, NearMisses) {
    EXPECT_EQ(fk("-- ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p;\n"
                 "/* CREATE TABLE c (p int REFERENCES p); */ SELECT 1;\n"
                 "SELECT 'ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p';\n"
                 "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
                 "EXECUTE 'ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p'; END $$;\n"
                 "DO $$ BEGIN CREATE TABLE c (p int REFERENCES p); END $$;"),
              Strings{});
    // Temporary tables are the session's own.
    EXPECT_EQ(fk("CREATE TEMP TABLE c (p int REFERENCES p);"), Strings{});
    // Other constraints.
    EXPECT_EQ(fk("ALTER TABLE c ADD CONSTRAINT k CHECK (p > 0);\nCREATE TABLE d (p int NOT NULL UNIQUE);"), Strings{});
}

TEST(ForeignKeyWithoutIndex, SeveralForeignKeysInOneStatement) {
    EXPECT_EQ(fk("CREATE TABLE c (\n  a int REFERENCES x,\n  b int REFERENCES y,\n  c int REFERENCES z\n);\n"
                 "CREATE INDEX ON c (b);"),
              (Strings{"1:2:9 foreign-key-without-index review c", "1:4:9 foreign-key-without-index review c"}));
}

// The end's findings go with their statements, after the statement's others.
TEST(ForeignKeyWithoutIndex, FindingsStayInStatementOrder) {
    Findings found = check("ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p;\nDROP TABLE x;\n");
    EXPECT_EQ(summary(found), (Strings{"1:1:1 add-foreign-key-validating review c",
                                       "1:1:19 foreign-key-without-index review c",
                                       "2:2:1 drop-table dangerous x"}));
}

// ---- the database's refinements -------------------------------------------------

struct CatalogContextBase : Context {
    std::optional<RelName> protected_match(const RelName &) const override { return std::nullopt; }
    std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
};

class CatalogContext final : public CatalogContextBase {
public:
    bool relation_created_by_session(const RelName &table) const override { return table.name == "own"; }
    std::optional<bool> index_covers_columns(const RelName &table, const std::vector<std::string> &columns) const override {
        asked.push_back(table.display() + " " + std::to_string(columns.size()));
        return table.name == "indexed";
    }
    mutable Strings asked;
};

Strings classify_with(const std::string &sql, const Context &context) {
    return summary(of_rule(cli::check_sql(sql, context), "foreign-key-without-index"));
}

TEST(ForeignKeyWithoutIndex, TheCatalogsIndexesCount) {
    CatalogContext context;
    EXPECT_EQ(classify_with("ALTER TABLE indexed ADD FOREIGN KEY (p) REFERENCES p;", context), Strings{});
    EXPECT_EQ(classify_with("ALTER TABLE plain ADD FOREIGN KEY (p, q) REFERENCES p;", context).size(), 1u);
    EXPECT_EQ(context.asked, (Strings{"indexed 1", "plain 2"}));
    // The session's own table is not judged; a table of the script is the script's to index.
    context.asked.clear();
    EXPECT_EQ(classify_with("ALTER TABLE own ADD FOREIGN KEY (p) REFERENCES p;", context), Strings{});
    EXPECT_EQ(classify_with("CREATE TABLE indexed (p int REFERENCES p);", context).size(), 1u);
    EXPECT_EQ(context.asked, Strings{});
    // The guard sees one statement at a time: the table a CREATE TABLE makes is left to the statements after it.
    struct GuardContext final : CatalogContextBase {
        bool sees_later_statements() const override { return false; }
    } guard;
    EXPECT_EQ(classify_with("CREATE TABLE t (p int REFERENCES p);", guard), Strings{});
    EXPECT_EQ(classify_with("ALTER TABLE t ADD FOREIGN KEY (p) REFERENCES p;", guard).size(), 1u);
    // A table renamed in the script is looked up by the name it had.
    EXPECT_EQ(classify_with("ALTER TABLE indexed RENAME TO t;\nALTER TABLE t ADD FOREIGN KEY (p) REFERENCES p;", context),
              Strings{});
}

// ---- transaction-control ----------------------------------------------------------

TEST(TransactionControl, BalancedBlocks) {
    EXPECT_EQ(tx("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;"), Strings{});
    EXPECT_EQ(tx("START TRANSACTION;\nCREATE TABLE t (a int);\nEND;\nBEGIN;\nDROP TABLE t;\nROLLBACK;"), Strings{});
    EXPECT_EQ(tx("BEGIN;\nSAVEPOINT a;\nCREATE TABLE t (a int);\nROLLBACK TO SAVEPOINT a;\nRELEASE a;\nABORT;"),
              Strings{});
    EXPECT_EQ(tx("BEGIN;\nCREATE TABLE t (a int);\nPREPARE TRANSACTION 'x';"), Strings{});
}

TEST(TransactionControl, BeginNeverEnded) {
    Findings found = of_rule(check("SET lock_timeout = '5s';\n  BEGIN;\nCREATE TABLE t (a int);\n"),
                             "transaction-control");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(summary(found[0]), "2:2:3 transaction-control review");
    EXPECT_TRUE(mentions(found[0].message, {"BEGIN", "never ends", "psql"})) << found[0].message;
    EXPECT_EQ(tx("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\nBEGIN;\nDROP TABLE t;"),
              Strings{"4:4:1 transaction-control review"});
}

// PostgreSQL only warns about a BEGIN inside a block: the block's COMMIT ends it.
TEST(TransactionControl, NestedBegin) {
    EXPECT_EQ(tx("BEGIN;\nBEGIN;\nCREATE TABLE t (a int);\nCOMMIT;"), Strings{});
    EXPECT_EQ(tx("BEGIN;\nBEGIN;\nCREATE TABLE t (a int);"), Strings{"1:1:1 transaction-control review"});
}

TEST(TransactionControl, Chains) {
    EXPECT_EQ(tx("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT AND CHAIN;\nDROP TABLE t;\nCOMMIT;"), Strings{});
    Findings found = of_rule(check("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT AND CHAIN;\nDROP TABLE t;"),
                             "transaction-control");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(summary(found[0]), "3:3:1 transaction-control review");
    EXPECT_TRUE(mentions(found[0].message, {"AND CHAIN"})) << found[0].message;
    // Still inside the block after the chain.
    EXPECT_EQ(rules_of(of_rule(check("BEGIN;\nCOMMIT AND CHAIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;"),
                               "concurrently-in-transaction")),
              Strings{"concurrently-in-transaction"});
}

TEST(TransactionControl, CommitOrRollbackOfTheToolsTransaction) {
    Findings found = of_rule(check("ALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);"),
                             "transaction-control");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(summary(found[0]), "2:2:1 transaction-control review");
    EXPECT_TRUE(mentions(found[0].message, {"COMMIT", "migration tool", "committed"})) << found[0].message;
    found = of_rule(check("DELETE FROM t WHERE a = 1;\nABORT;"), "transaction-control");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_TRUE(mentions(found[0].message, {"ROLLBACK", "undoes"})) << found[0].message;
    EXPECT_EQ(tx("CREATE TABLE t (a int);\nEND;"), Strings{"2:2:1 transaction-control review"});
    // After the script's own block has ended, a second COMMIT ends the tool's.
    EXPECT_EQ(tx("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\nCOMMIT;"), Strings{"4:4:1 transaction-control review"});
}

TEST(TransactionControl, NotFlagged) {
    EXPECT_EQ(tx("CREATE TABLE t (a int);\nSAVEPOINT a;\nROLLBACK TO SAVEPOINT a;\nRELEASE SAVEPOINT a;"), Strings{});
    EXPECT_EQ(tx("CREATE TABLE t (a int);\nPREPARE TRANSACTION 'x';\nCOMMIT PREPARED 'x';\nROLLBACK PREPARED 'y';"),
              Strings{});
    EXPECT_EQ(tx("-- BEGIN;\n/* COMMIT; */\nSELECT 'BEGIN; COMMIT;';\n"
                 "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;\n"
                 "CREATE PROCEDURE p() LANGUAGE plpgsql AS $body$ BEGIN ROLLBACK; END $body$;\n"
                 "DO $$ BEGIN PERFORM 1; END $$;"),
              Strings{});
}

// The rule reads scripts only: a transaction statement alone (what the guard
// sees of an application's transactions, and never classifies anyway) is no
// finding, and the guard's shortcut still covers every transaction statement.
TEST(TransactionControl, ReadsScriptsOnly) {
    for (const char *sql : {"BEGIN;", "START TRANSACTION;", "COMMIT;", "END;", "ROLLBACK;", "ABORT;",
                            "COMMIT AND CHAIN;"}) {
        EXPECT_EQ(tx(sql), Strings{}) << sql;
        for_each_statement(sql, [&](const Node *statement) { EXPECT_TRUE(concerns_no_rule(statement)) << sql; });
    }
}

// ---- the end of the script in `migsafe check`'s pieces ------------------------------

Strings outcome(const cli::FileResult &result) {
    Strings out;
    for (const Finding &finding : result.findings)
        out.push_back(summary(finding) + " | " + result.lines.at(finding.line));
    if (!result.error.empty()) out.push_back("error " + result.error);
    return out;
}

Strings in_blocks(const std::string &sql, std::size_t block_size, cli::CheckOptions options = {}) {
    options.block_size = block_size;
    return outcome(cli::check_text("t.sql", sql, options));
}

// Every block size gives what the whole text gives, in statement order.
Strings same_in_any_blocks(const std::string &sql, const cli::CheckOptions &options = {}) {
    Strings whole = in_blocks(sql, sql.size() + 1, options);
    for (std::size_t size = 1; size <= 90; ++size) EXPECT_EQ(in_blocks(sql, size, options), whole) << "block size " << size;
    return whole;
}

TEST(EndOfScript, InStatementOrderWhateverThePieces) {
    Strings found = same_in_any_blocks(
        "BEGIN;\nCREATE TABLE c (id int, p int REFERENCES p);\nDROP TABLE x;  ALTER TABLE d ADD COLUMN q int "
        "REFERENCES q;\nCREATE INDEX ON d (q);\nTRUNCATE y;\n");
    EXPECT_EQ(found, (Strings{"1:1:1 transaction-control review | BEGIN;",
                              "2:2:31 foreign-key-without-index review c | CREATE TABLE c (id int, p int REFERENCES p);",
                              "3:3:1 drop-table dangerous x | DROP TABLE x;  ALTER TABLE d ADD COLUMN q int REFERENCES q;",
                              "4:3:16 add-foreign-key-validating review d | "
                              "DROP TABLE x;  ALTER TABLE d ADD COLUMN q int REFERENCES q;",
                              "5:4:17 create-index-not-concurrently review d | CREATE INDEX ON d (q);",
                              "6:5:10 truncate dangerous y | TRUNCATE y;"}));
}

TEST(EndOfScript, IgnoreCommentsApplyToTheEndsFindings) {
    std::string sql =
        "-- migsafe-ignore: foreign-key-without-index parents are never deleted\n"
        "CREATE TABLE c (id int, p int REFERENCES p);\n"
        "-- migsafe-ignore: foreign-key-without-index indexed below\n"
        "CREATE TABLE d (id int, p int REFERENCES p);\n"
        "CREATE INDEX ON d (p);\n"
        "-- migsafe-ignore: transaction-control, drop-table the tool runs psql\n"
        "BEGIN;\n";
    Strings found = same_in_any_blocks(sql);
    EXPECT_EQ(found, (Strings{"2:3:1 unused-ignore review | -- migsafe-ignore: foreign-key-without-index indexed below"}));
    // check_sql (the whole text at once) agrees.
    EXPECT_EQ(summary(check(sql)), Strings{"2:3:1 unused-ignore review"});
}

TEST(EndOfScript, DisabledRulesAndSeverities) {
    cli::CheckOptions options;
    options.disabled = {"transaction-control"};
    options.severity["foreign-key-without-index"] = Severity::dangerous;
    EXPECT_EQ(same_in_any_blocks("BEGIN;\nALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p NOT VALID;\n", options),
              Strings{"2:2:19 foreign-key-without-index dangerous c | "
                      "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p NOT VALID;"});
}

}  // namespace
}  // namespace migsafe::test
