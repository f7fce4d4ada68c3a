// What a type change does to stored values (alter-column-type): the table of
// conversions that keep every value when both types are known (the
// database), the new types that hold what is usually changed to them
// (offline), type names read from the tree, and USING expressions.
#include "classifier/type_change.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace migsafe::test {
namespace {

ColumnType type(const std::string &name, std::vector<int> mods = {}, bool array = false) {
    return ColumnType{name, std::move(mods), array};
}

// The type an ALTER COLUMN ... TYPE names, read from the parse tree.
std::optional<ColumnType> written(const std::string &type_sql) {
    std::optional<ColumnType> found;
    for_each_statement("ALTER TABLE t ALTER COLUMN c TYPE " + type_sql + ";", [&](const Node *statement) {
        const auto *alter = castNode(AlterTableStmt, statement);
        const auto *cmd = linitial_node(AlterTableCmd, alter->cmds);
        found = written_type(castNode(ColumnDef, cmd->def)->typeName);
    });
    return found;
}

std::optional<std::string> computes(const std::string &alter_sql) {
    std::optional<std::string> found;
    for_each_statement(alter_sql, [&](const Node *statement) {
        const auto *alter = castNode(AlterTableStmt, statement);
        const auto *cmd = linitial_node(AlterTableCmd, alter->cmds);
        const auto *definition = castNode(ColumnDef, cmd->def);
        found = using_computes(definition->raw_default, rel_name(alter->relation), cmd->name, definition->typeName);
    });
    return found;
}

struct Conversion {
    ColumnType from;
    ColumnType to;
};

std::string describe(const Conversion &conversion) {
    return type_display(conversion.from) + " -> " + type_display(conversion.to);
}

// ---- both types known ------------------------------------------------------

TEST(ConversionLoses, NarrowingAndLossyConversions) {
    const Conversion lossy[] = {
        {type("varchar", {40}), type("varchar", {20})},
        {type("numeric", {12, 2}), type("numeric", {10, 0})},
        {type("numeric", {12, 2}), type("numeric", {12, 1})},  // scale
        {type("numeric", {12, 2}), type("numeric", {11, 2})},  // digits before the point
        {type("numeric"), type("numeric", {30, 10})},
        {type("timestamp"), type("date")},
        {type("timestamptz"), type("date")},
        {type("timestamptz"), type("timestamp")},
        {type("timestamp"), type("time")},
        {type("timestamp", {6}), type("timestamp", {3})},
        {type("timestamp"), type("timestamp", {0})},
        {type("timestamp", {6}), type("timestamptz", {3})},
        {type("numeric"), type("int4")},
        {type("numeric", {10, 0}), type("int8")},
        {type("float8"), type("int8")},
        {type("int8"), type("int4")},
        {type("int4"), type("int2")},
        {type("float8"), type("float4")},
        {type("int8"), type("float8")},
        {type("int4"), type("float4")},
        {type("numeric"), type("float8")},
        {type("float8"), type("numeric")},
        {type("int4"), type("numeric", {5, 0})},
        {type("int8"), type("numeric", {18, 0})},
        {type("text"), type("varchar", {20})},
        {type("text"), type("bpchar", {20})},
        {type("varchar"), type("varchar", {255})},
        {type("varchar", {20}), type("bpchar", {20})},  // padded with blanks
        {type("bit", {8}), type("bit", {4})},
        {type("bit", {4}), type("bit", {8})},  // exactly 8 bits: fails, or padded with USING
        {type("interval"), type("interval", {0x7FFF, 0})},
        {type("json"), type("jsonb")},
        {type("text"), type("jsonb")},
        {type("text"), type("int4")},
        {type("text"), type("\"Role\"")},
        {type("\"Role\""), type("\"Role_new\"")},
        {type("int4"), type("int8", {}, true)},
        {type("text", {}, true), type("varchar", {10}, true)},
    };
    for (const Conversion &conversion : lossy)
        EXPECT_TRUE(conversion_loses(conversion.from, conversion.to).has_value()) << describe(conversion);
}

TEST(ConversionLoses, WideningsKeepEveryValue) {
    const Conversion lossless[] = {
        {type("varchar", {20}), type("varchar", {40})},
        {type("varchar", {20}), type("varchar", {20})},
        {type("varchar", {20}), type("varchar")},
        {type("varchar", {20}), type("text")},
        {type("bpchar", {5}), type("text")},
        {type("bpchar", {5}), type("varchar", {5})},
        {type("text"), type("varchar")},
        {type("int4"), type("text")},  // any value has a text form
        {type("\"Role\""), type("text")},
        {type("int4", {}, true), type("text")},
        {type("int2"), type("int4")},
        {type("int2"), type("int8")},
        {type("int4"), type("int8")},
        {type("int4"), type("numeric")},
        {type("int4"), type("numeric", {10, 0})},
        {type("int8"), type("numeric", {21, 2})},
        {type("int2"), type("float4")},
        {type("int4"), type("float8")},
        {type("float4"), type("float8")},
        {type("numeric", {10, 2}), type("numeric", {12, 2})},
        {type("numeric", {10, 2}), type("numeric", {12, 4})},
        {type("numeric", {10, 2}), type("numeric")},
        {type("timestamp", {0}), type("timestamp", {3})},
        {type("timestamp", {6}), type("timestamp")},
        {type("timestamp"), type("timestamp", {6})},
        {type("timestamp"), type("timestamptz")},
        {type("timestamp", {3}), type("timestamptz", {3})},
        {type("date"), type("timestamp")},
        {type("date"), type("timestamptz", {0})},
        {type("jsonb"), type("json")},
        {type("int4", {}, true), type("int8", {}, true)},
        {type("varchar", {20}, true), type("varchar", {40}, true)},
        {type("varbit", {4}), type("varbit", {8})},
        {type("\"Role\""), type("\"Role\"")},
    };
    for (const Conversion &conversion : lossless)
        EXPECT_EQ(conversion_loses(conversion.from, conversion.to), std::nullopt) << describe(conversion);
}

TEST(ConversionLoses, SaysWhatIsLost) {
    EXPECT_EQ(conversion_loses(type("varchar", {40}), type("varchar", {20})), "longer values fail or are cut");
    EXPECT_EQ(conversion_loses(type("timestamp"), type("date")), "the time of day is dropped");
    EXPECT_TRUE(mentions(*conversion_loses(type("timestamptz"), type("timestamp")), {"time zone", "TimeZone"}));
    EXPECT_TRUE(
        mentions(*conversion_loses(type("numeric", {12, 2}), type("numeric", {10, 0})), {"rounded", "10 digits"}));
    EXPECT_EQ(conversion_loses(type("text"), type("int4")), "not a conversion known to keep every value");
    EXPECT_TRUE(mentions(*conversion_loses(type("int8"), type("int4")), {"range of integer"}));
    EXPECT_TRUE(mentions(*conversion_loses(type("numeric"), type("int4")), {"fractions", "range of integer"}));
    EXPECT_TRUE(mentions(*conversion_loses(type("float8"), type("float4")), {"6 significant digits"}));
}

// ---- offline: only the new type ----------------------------------------------

TEST(TargetMayLose, TypesThatHoldLessThanTheirUsualSources) {
    const ColumnType narrow[] = {
        type("varchar", {20}), type("bpchar", {1}), type("bit", {8}), type("varbit", {8}),
        type("numeric", {10, 0}), type("numeric", {65, 30}), type("timestamp"), type("timestamp", {3}),
        type("timestamptz", {3}), type("time"), type("timetz"), type("date"),
        type("interval", {0x7FFF, 3}), type("int2"), type("int4"), type("float4"),
        type("float8"), type("bool"), type("json"), type("jsonb"),
        type("uuid"), type("\"Role\""), type("varchar", {20}, true),
    };
    for (const ColumnType &to : narrow) EXPECT_TRUE(target_may_lose(to).has_value()) << type_display(to);
}

TEST(TargetMayLose, WideTypes) {
    const ColumnType wide[] = {
        type("text"), type("varchar"), type("bpchar"), type("int8"), type("numeric"),
        type("timestamptz"), type("timestamptz", {6}), type("text", {}, true), type("int8", {}, true),
    };
    for (const ColumnType &to : wide) EXPECT_EQ(target_may_lose(to), std::nullopt) << type_display(to);
}

// ---- type names from the tree ---------------------------------------------------

TEST(WrittenType, KeywordsBecomeCatalogNames) {
    EXPECT_EQ(type_display(*written("integer")), "integer");
    EXPECT_EQ(written("integer")->name, "int4");
    EXPECT_EQ(written("int")->name, "int4");
    EXPECT_EQ(written("BIGINT")->name, "int8");
    EXPECT_EQ(written("smallint")->name, "int2");
    EXPECT_EQ(written("DOUBLE PRECISION")->name, "float8");
    EXPECT_EQ(written("real")->name, "float4");
    EXPECT_EQ(written("boolean")->name, "bool");
    EXPECT_EQ(written("TIMESTAMP WITH TIME ZONE")->name, "timestamptz");
    EXPECT_EQ(written("pg_catalog.text")->name, "text");
    EXPECT_EQ(written("DATE")->name, "date");
}

TEST(WrittenType, ModifiersAsWritten) {
    EXPECT_EQ(written("VARCHAR(191)")->mods, (std::vector<int>{191}));
    EXPECT_EQ(written("character varying(20)")->name, "varchar");
    EXPECT_EQ(written("DECIMAL(65,30)")->mods, (std::vector<int>{65, 30}));
    EXPECT_EQ(written("numeric(10)")->mods, (std::vector<int>{10, 0}));
    EXPECT_EQ(written("TIMESTAMP(3)")->mods, (std::vector<int>{3}));
    EXPECT_EQ(type_display(*written("timestamp(3) with time zone")), "timestamptz(3)");
    // char without a length is char(1)
    EXPECT_EQ(type_display(*written("char")), "char(1)");
    EXPECT_EQ(written("numeric")->mods, std::vector<int>{});
}

TEST(WrittenType, UserTypesAndArrays) {
    EXPECT_EQ(written(R"("Role_new")")->name, R"("Role_new")");
    EXPECT_EQ(written("app.mood")->name, "app.mood");
    EXPECT_TRUE(written(R"("ProjectAlertType_new"[])")->array);
    EXPECT_EQ(type_display(*written("TEXT[]")), "text[]");
    EXPECT_EQ(written("geometry(Point, 4326)"), std::nullopt);  // a modifier that is not a number
}

// ---- USING --------------------------------------------------------------------

TEST(UsingComputes, ThePlainColumnOrItsCastToTheNewTypeConvertsOnly) {
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint;"), std::nullopt);
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint USING v;"), std::nullopt);
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint USING v::bigint;"), std::nullopt);
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint USING CAST(v AS int8);"), std::nullopt);
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint USING t.v::bigint;"), std::nullopt);
    EXPECT_EQ(computes("ALTER TABLE s.t ALTER v TYPE bigint USING s.t.v::bigint;"), std::nullopt);
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE varchar(20) USING v::varchar;"), std::nullopt);
    EXPECT_EQ(computes(R"(ALTER TABLE t ALTER "role" TYPE "Role" USING "role"::"Role";)"), std::nullopt);
}

TEST(UsingComputes, AnythingElseComputesNewValues) {
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE varchar(2) USING substr(v, 1, 2);"), "substr(...)");
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE text USING NULL;"), "NULL");
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE int USING v + 1;"), "v + 1");
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint USING w::bigint;"), "w::bigint");  // another column
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint USING u.v::bigint;"), "u.v::bigint");
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE bigint USING v::int;"), "v::integer");  // a cast to another type
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE varchar(20) USING v::varchar(10);"), "v::varchar(10)");
    EXPECT_EQ(computes(R"(ALTER TABLE t ALTER "type" TYPE "Kind_new" USING ("type"::text::"Kind_new");)"),
              R"(type::text::"Kind_new")");
    EXPECT_EQ(computes(R"(ALTER TABLE t ALTER "at" TYPE TIMESTAMPTZ(3) USING "at" AT TIME ZONE 'UTC';)"),
              "at AT TIME ZONE 'UTC'");
    EXPECT_EQ(computes("ALTER TABLE t ALTER v TYPE int USING CASE WHEN v THEN 1 ELSE 0 END;"), "CASE ... END");
    EXPECT_EQ(computes(R"(ALTER TABLE t ALTER v TYPE text COLLATE "C" USING v COLLATE "C";)"), R"(v COLLATE "C")");
}

}  // namespace
}  // namespace migsafe::test
