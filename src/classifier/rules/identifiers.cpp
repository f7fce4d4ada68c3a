// identifier-too-long: a name longer than NAMEDATALEN - 1 (63) bytes, which
// PostgreSQL truncates with only a NOTICE, so that the object gets another
// name than the migration (and the application) wrote.
//
// The parser has already truncated every identifier in the tree, so the tree
// alone cannot tell "written with 63 bytes" from "written longer". The names
// come from the tree (the parser decided what is an identifier); only those
// of 60 to 63 bytes can be truncated ones (truncation stops at a character
// boundary: a 2- to 4-byte UTF-8 character that does not fit whole is cut
// off), and for those the statement's own text tells: where the name appears
// there, does the identifier go on after it? Unquoted, the parser lower-cased
// it (ASCII letters only), so the text is compared case-insensitively and the
// next byte is an identifier character; quoted, the text is compared exactly
// and the next byte is not the closing quote.
//
// Limits of reading the text: a quoted name that contains a doubled quote ("")
// is not found there (no finding); an appearance of the name inside a string
// constant or comment of the same statement, followed by more identifier
// characters, counts as a long identifier. Names inside a function body or DO
// block are a string constant to the parser and never reach the tree.
#include "rule.hpp"

#include <cstring>
#include <vector>

namespace migsafe {

namespace {

constexpr std::size_t kMaxIdentifier = NAMEDATALEN - 1;  // 63
constexpr std::size_t kMaxCharBytes = 4;                  // UTF-8
constexpr std::size_t kMinTruncated = kMaxIdentifier - (kMaxCharBytes - 1);

// The names of the statement that can be truncated ones (60 to 63 bytes),
// from where object names, column names, constraint and index names and
// RENAME targets sit in the trees of the statements that create, alter or
// rename objects.
class LongNames {
public:
    std::vector<const char *> names;

    void add(const char *name) {
        if (name == nullptr) return;
        std::size_t length = strlen(name);
        if (length < kMinTruncated || length > kMaxIdentifier) return;
        for (const char *known : names)
            if (strcmp(known, name) == 0) return;
        names.push_back(name);
    }
    void add(const RangeVar *relation) {
        if (relation == nullptr) return;
        add(relation->schemaname);
        add(relation->relname);
    }
    void add_list(const List *parts) {  // String nodes (a qualified name, column names)
        const ListCell *cell;
        foreach (cell, parts)
            if (IsA(lfirst(cell), String)) add(strVal(lfirst(cell)));
    }
    void add(const Constraint *constraint) {
        add(constraint->conname);
        add(constraint->indexname);
        add(constraint->pktable);
    }
    void add(const ColumnDef *column) {
        add(column->colname);
        add_elements(column->constraints);
    }
    // Table elements: columns and table constraints (CREATE TABLE, CREATE
    // TYPE ... AS, CREATE DOMAIN's constraints).
    void add_elements(const List *elements) {
        const ListCell *cell;
        foreach (cell, elements) {
            const Node *element = static_cast<const Node *>(lfirst(cell));
            if (IsA(element, ColumnDef))
                add(castNode(ColumnDef, element));
            else if (IsA(element, Constraint))
                add(castNode(Constraint, element));
        }
    }
    void add_statement(const Node *stmt);

private:
    void add_alter_table(const AlterTableStmt *alter);
};

void LongNames::add_alter_table(const AlterTableStmt *alter) {
    add(alter->relation);
    const ListCell *cell;
    foreach (cell, alter->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        add(cmd->name);
        if (cmd->def == nullptr) continue;
        if (IsA(cmd->def, ColumnDef))
            add(castNode(ColumnDef, cmd->def));
        else if (IsA(cmd->def, Constraint))
            add(castNode(Constraint, cmd->def));
        else if (IsA(cmd->def, RangeVar))
            add(castNode(RangeVar, cmd->def));
        else if (IsA(cmd->def, PartitionCmd))
            add(castNode(PartitionCmd, cmd->def)->name);
    }
}

void LongNames::add_statement(const Node *stmt) {
    switch (nodeTag(stmt)) {
        case T_CreateStmt: {
            const auto *create = castNode(CreateStmt, stmt);
            add(create->relation);
            add_elements(create->tableElts);
            const ListCell *cell;
            foreach (cell, create->inhRelations)
                if (IsA(lfirst(cell), RangeVar)) add(lfirst_node(RangeVar, cell));
            break;
        }
        case T_CreateForeignTableStmt: {
            const auto *create = &castNode(CreateForeignTableStmt, stmt)->base;
            add(create->relation);
            add_elements(create->tableElts);
            break;
        }
        case T_AlterTableStmt:
            add_alter_table(castNode(AlterTableStmt, stmt));
            break;
        case T_IndexStmt: {
            const auto *index = castNode(IndexStmt, stmt);
            add(index->idxname);
            add(index->relation);
            const ListCell *cell;
            foreach (cell, index->indexParams)
                if (IsA(lfirst(cell), IndexElem)) add(lfirst_node(IndexElem, cell)->name);
            break;
        }
        case T_RenameStmt: {
            const auto *rename = castNode(RenameStmt, stmt);
            add(rename->relation);
            add(rename->subname);
            add(rename->newname);
            if (rename->object != nullptr && IsA(rename->object, List)) add_list(castNode(List, rename->object));
            break;
        }
        case T_AlterObjectSchemaStmt: {
            const auto *move = castNode(AlterObjectSchemaStmt, stmt);
            add(move->relation);
            add(move->newschema);
            break;
        }
        case T_CreateSeqStmt:
            add(castNode(CreateSeqStmt, stmt)->sequence);
            break;
        case T_AlterSeqStmt:
            add(castNode(AlterSeqStmt, stmt)->sequence);
            break;
        case T_ViewStmt: {
            const auto *view = castNode(ViewStmt, stmt);
            add(view->view);
            add_list(view->aliases);
            break;
        }
        case T_CreateTableAsStmt: {
            const auto *create = castNode(CreateTableAsStmt, stmt);
            if (create->into != nullptr) {
                add(create->into->rel);
                add_list(create->into->colNames);
            }
            break;
        }
        case T_CreateEnumStmt:
            add_list(castNode(CreateEnumStmt, stmt)->typeName);
            break;
        case T_CreateRangeStmt:
            add_list(castNode(CreateRangeStmt, stmt)->typeName);
            break;
        case T_CompositeTypeStmt: {
            const auto *create = castNode(CompositeTypeStmt, stmt);
            add(create->typevar);
            add_elements(create->coldeflist);
            break;
        }
        case T_CreateDomainStmt: {
            const auto *create = castNode(CreateDomainStmt, stmt);
            add_list(create->domainname);
            add_elements(create->constraints);
            break;
        }
        case T_AlterDomainStmt: {
            const auto *alter = castNode(AlterDomainStmt, stmt);
            add_list(alter->typeName);
            add(alter->name);
            if (alter->def != nullptr && IsA(alter->def, Constraint)) add(castNode(Constraint, alter->def));
            break;
        }
        case T_DefineStmt:
            add_list(castNode(DefineStmt, stmt)->defnames);
            break;
        case T_CreateSchemaStmt: {
            const auto *create = castNode(CreateSchemaStmt, stmt);
            add(create->schemaname);
            const ListCell *cell;
            foreach (cell, create->schemaElts) add_statement(static_cast<const Node *>(lfirst(cell)));
            break;
        }
        case T_CreateTrigStmt: {
            const auto *create = castNode(CreateTrigStmt, stmt);
            add(create->trigname);
            add(create->relation);
            break;
        }
        case T_CreateFunctionStmt:
            add_list(castNode(CreateFunctionStmt, stmt)->funcname);
            break;
        default:
            break;
    }
}

// A byte that continues an unquoted identifier (scan.l's ident_cont, with
// every byte of a multibyte character).
bool identifier_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c >= 0x80;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// One appearance of a truncated name in the text: where it starts and the
// identifier as written (quoted ones with their quotes).
struct Written {
    std::size_t at;
    std::string_view identifier;
};

// Where name appears in the text as the start of a longer identifier, or
// nothing.
std::vector<Written> written_longer(std::string_view text, const std::string_view name) {
    std::vector<Written> found;
    for (std::size_t at = 0; at + name.size() < text.size(); ++at) {
        std::size_t end = at + name.size();
        if (at > 0 && text[at - 1] == '"') {
            // Quoted: exactly the name, then anything but the closing quote.
            if (text.compare(at, name.size(), name) != 0 || text[end] == '"') continue;
            std::size_t close = text.find('"', end);
            std::size_t stop = close == std::string_view::npos ? text.size() : close + 1;
            found.push_back({at - 1, text.substr(at - 1, stop - (at - 1))});
            continue;
        }
        if (at > 0 && identifier_byte(static_cast<unsigned char>(text[at - 1]))) continue;  // inside another
        bool same = true;
        for (std::size_t i = 0; same && i < name.size(); ++i) same = ascii_lower(text[at + i]) == name[i];
        if (!same || !identifier_byte(static_cast<unsigned char>(text[end]))) continue;
        std::size_t stop = end;
        while (stop < text.size() && identifier_byte(static_cast<unsigned char>(text[stop]))) ++stop;
        found.push_back({at, text.substr(at, stop - at)});
    }
    return found;
}

// The identifier as it would be written again: a quoted one as it is, an
// unquoted one lower-cased as the parser reads it.
std::string as_read(std::string_view identifier) {
    std::string read(identifier);
    if (read.empty() || read.front() != '"')
        for (char &c : read) c = ascii_lower(c);
    return read;
}

}  // namespace

void check_identifier_too_long(RuleInput &in) {
    LongNames names;
    names.add_statement(in.stmt);
    if (names.names.empty()) return;  // the common case: no name near the limit
    std::string_view text = in.statement_text();
    for (const char *name : names.names) {
        std::vector<Written> written = written_longer(text, name);
        if (written.empty()) continue;  // written with 60 to 63 bytes: nothing truncated
        std::vector<std::string> distinct;
        for (const Written &each : written) {
            std::string read = as_read(each.identifier);
            if (std::find(distinct.begin(), distinct.end(), read) == distinct.end()) distinct.push_back(read);
        }
        std::string truncated = quote_ident(name);
        std::string message = "identifier " + std::string(written.front().identifier) + " is longer than " +
                              std::to_string(kMaxIdentifier) + " bytes: PostgreSQL truncates it to " + truncated +
                              " (with only a NOTICE), so the object's name is not the one the migration wrote";
        if (distinct.size() > 1)
            message += "; " + distinct[1] + " truncates to the same name: the two collide";
        in.report(in.statement_location() + static_cast<int>(written.front().at), truncated, message);
    }
}

}  // namespace migsafe
