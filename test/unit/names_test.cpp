// Names: parse_table_name (the --protect syntax), quote_ident, RelName and
// the two ways names are compared.
#include "test_support.hpp"

#include "parser/script_parser.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace migsafe::test {
namespace {

RelName name(const char *schema, const char *table) { return RelName{schema, table}; }

// ---- parse_table_name -------------------------------------------------------

TEST(ParseTableName, Unqualified) { EXPECT_EQ(table_name("users"), name("", "users")); }

TEST(ParseTableName, UnquotedIsFoldedToLowerCase) { EXPECT_EQ(table_name("Users"), name("", "users")); }

TEST(ParseTableName, QuotedKeepsCase) { EXPECT_EQ(table_name(R"("Skill")"), name("", "Skill")); }

TEST(ParseTableName, SchemaQualified) {
    EXPECT_EQ(table_name(R"(public."Skill")"), name("public", "Skill"));
    EXPECT_EQ(table_name("App.Users"), name("app", "users"));
}

TEST(ParseTableName, QuotedPartsMayHoldSpacesDotsAndQuotes) {
    EXPECT_EQ(table_name(R"("my schema"."a.b ""c""")"), name("my schema", R"(a.b "c")"));
}

TEST(ParseTableName, SurroundingWhitespaceIsAllowed) { EXPECT_EQ(table_name("  users "), name("", "users")); }

TEST(ParseTableName, UnreservedKeywordIsAName) { EXPECT_EQ(table_name("name"), name("", "name")); }

TEST(ParseTableName, QuotedKeywordIsAName) {
    EXPECT_EQ(table_name(R"("int")"), name("", "int"));
    EXPECT_EQ(table_name(R"(public."select")"), name("public", "select"));
}

class InvalidTableName : public ::testing::TestWithParam<const char *> {};

TEST_P(InvalidTableName, Throws) { EXPECT_THROW(table_name(GetParam()), std::invalid_argument) << GetParam(); }

INSTANTIATE_TEST_SUITE_P(Refused, InvalidTableName,
                         ::testing::Values("", "   ", "a.b.c", "int[]", "x y", "x; drop table y", "varchar(10)",
                                           "users%TYPE", "setof users", "\"unterminated", "a.", ".a", "1abc",
                                           "select", "int"));

TEST(ParseTableName, ErrorMessageQuotesTheInput) {
    try {
        table_name("a.b.c");
        FAIL() << "no exception";
    } catch (const std::invalid_argument &error) {
        EXPECT_TRUE(mentions(error.what(), {"a.b.c"})) << error.what();
    }
}

TEST(ParseTableName, ReservedWordIsRefusedWithItsQuotedForm) {
    // Prisma's model User and Order: their tables are "User" and "Order".
    for (const char *word : {"User", "Order", "group"}) {
        try {
            table_name(word);
            FAIL() << "no exception for " << word;
        } catch (const std::invalid_argument &error) {
            EXPECT_TRUE(mentions(error.what(), {"reserved word", "quote it, " + quote_ident(word)})) << error.what();
        }
    }
}

// ---- protected_table_names ---------------------------------------------------

TEST(ProtectedTableNamesOf, UnquotedWithCapitalsProtectsBothSpellings) {
    EXPECT_EQ(protected_names("Skill"), (std::vector<RelName>{name("", "skill"), name("", "Skill")}));
    EXPECT_EQ(protected_names("  SkillVersion "), (std::vector<RelName>{name("", "skillversion"), name("", "SkillVersion")}));
}

TEST(ProtectedTableNamesOf, LowerCaseOrQuotedIsOneTable) {
    EXPECT_EQ(protected_names("skill"), (std::vector<RelName>{name("", "skill")}));
    EXPECT_EQ(protected_names(R"("Skill")"), (std::vector<RelName>{name("", "Skill")}));
    EXPECT_EQ(protected_names(R"("skill")"), (std::vector<RelName>{name("", "skill")}));
    EXPECT_EQ(protected_names(R"(U&"\0053kill")"), (std::vector<RelName>{name("", "Skill")}));
    EXPECT_EQ(protected_names(R"(public."Skill")"), (std::vector<RelName>{name("public", "Skill")}));
}

TEST(ProtectedTableNamesOf, EachUnquotedPartWithCapitalsTakesBothSpellings) {
    EXPECT_EQ(protected_names("public.Skill"), (std::vector<RelName>{name("public", "skill"), name("public", "Skill")}));
    EXPECT_EQ(protected_names(R"(App."Skill")"), (std::vector<RelName>{name("app", "Skill"), name("App", "Skill")}));
    EXPECT_EQ(protected_names("App.Skill"), (std::vector<RelName>{name("app", "skill"), name("app", "Skill"),
                                                                   name("App", "skill"), name("App", "Skill")}));
    EXPECT_EQ(protected_names(R"("App".Skill)"), (std::vector<RelName>{name("App", "skill"), name("App", "Skill")}));
}

TEST(ProtectedTableNamesOf, KeywordsCommentsAndNonAsciiLetters) {
    // An unreserved keyword is a name too.
    EXPECT_EQ(protected_names("Action"), (std::vector<RelName>{name("", "action"), name("", "Action")}));
    EXPECT_EQ(protected_names("Skill /* the model */"), (std::vector<RelName>{name("", "skill"), name("", "Skill")}));
    // PostgreSQL folds A-Z only: É stays as it is in both spellings.
    EXPECT_EQ(protected_names("Caf\xc3\x89"), (std::vector<RelName>{name("", "caf\xc3\x89"), name("", "Caf\xc3\x89")}));
    EXPECT_EQ(protected_names("\xc3\x89t\xc3\xa9"), (std::vector<RelName>{name("", "\xc3\x89t\xc3\xa9")}));
}

TEST(ProtectedTableNamesOf, LongNamesAreTruncatedAlikeInBothSpellings) {
    std::string written = "Skill" + std::string(70, 'X');
    std::vector<RelName> names = protected_names(written);
    ASSERT_EQ(names.size(), 2u);
    EXPECT_EQ(names[0].name, "skill" + std::string(58, 'x'));  // NAMEDATALEN - 1 bytes
    EXPECT_EQ(names[1].name, written.substr(0, 63));
}

TEST(ProtectedTableNamesOf, InvalidNamesAreRefusedAsByParseTableName) {
    for (const char *invalid : {"a.b.c", "Skill[]", "Skill Version", "select", ""})
        EXPECT_THROW(protected_names(invalid), std::invalid_argument) << invalid;
}

// ---- quote_ident ------------------------------------------------------------

TEST(QuoteIdent, PlainIdentifiersStayBare) {
    EXPECT_EQ(quote_ident("users"), "users");
    EXPECT_EQ(quote_ident("_tmp1$"), "_tmp1$");
}

TEST(QuoteIdent, UpperCaseIsQuoted) { EXPECT_EQ(quote_ident("User"), R"("User")"); }

TEST(QuoteIdent, ReservedAndColumnNameKeywordsAreQuoted) {
    EXPECT_EQ(quote_ident("select"), R"("select")");
    EXPECT_EQ(quote_ident("user"), R"("user")");
    EXPECT_EQ(quote_ident("int"), R"("int")");
}

TEST(QuoteIdent, UnreservedKeywordStaysBare) { EXPECT_EQ(quote_ident("name"), "name"); }

TEST(QuoteIdent, SpecialCharactersAreQuotedAndQuotesDoubled) {
    EXPECT_EQ(quote_ident("drop table"), R"("drop table")");
    EXPECT_EQ(quote_ident(R"(a"b)"), R"("a""b")");
    EXPECT_EQ(quote_ident("1st"), R"("1st")");
    EXPECT_EQ(quote_ident("naïve"), R"("naïve")");
    EXPECT_EQ(quote_ident(""), R"("")");
}

// ---- RelName::display ---------------------------------------------------------

TEST(RelNameDisplay, QuotesEachPartAsNeeded) {
    EXPECT_EQ(name("", "users").display(), "users");
    EXPECT_EQ(name("public", "User").display(), R"(public."User")");
    EXPECT_EQ(name("My App", "order").display(), R"("My App"."order")");
}

// ---- same_object ----------------------------------------------------------------

TEST(SameObject, UnqualifiedIsPublic) {
    EXPECT_TRUE(same_object(name("", "t"), name("public", "t")));
    EXPECT_TRUE(same_object(name("public", "t"), name("", "t")));
    EXPECT_TRUE(same_object(name("", "t"), name("", "t")));
}

TEST(SameObject, DifferentSchemaOrNameOrCase) {
    EXPECT_FALSE(same_object(name("", "t"), name("app", "t")));
    EXPECT_FALSE(same_object(name("app", "t"), name("other", "t")));
    EXPECT_FALSE(same_object(name("", "t"), name("", "u")));
    EXPECT_FALSE(same_object(name("", "T"), name("", "t")));
}

// ---- matches_protected ----------------------------------------------------------

TEST(MatchesProtected, UnqualifiedProtectedMatchesEverySchema) {
    EXPECT_TRUE(matches_protected(name("", "users"), name("", "users")));
    EXPECT_TRUE(matches_protected(name("", "users"), name("app", "users")));
}

TEST(MatchesProtected, QualifiedProtectedMatchesItsSchemaAndUnqualified) {
    EXPECT_TRUE(matches_protected(name("app", "users"), name("app", "users")));
    EXPECT_TRUE(matches_protected(name("app", "users"), name("", "users")));
    EXPECT_FALSE(matches_protected(name("app", "users"), name("public", "users")));
}

TEST(MatchesProtected, NameIsCaseSensitive) {
    EXPECT_FALSE(matches_protected(name("", "Skill"), name("", "skill")));
    EXPECT_FALSE(matches_protected(name("", "skill"), name("", "Skill")));
    EXPECT_FALSE(matches_protected(name("", "users"), name("", "users2")));
}

}  // namespace
}  // namespace migsafe::test
