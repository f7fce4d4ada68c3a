// What the SQL functions over scripts share (sql_functions.cpp,
// script_approval.cpp): reading a script as migsafe_check() does.
#pragma once

#include "../classifier/classifier.hpp"

#include <cstddef>
#include <string>

extern "C" {
#include "parser/parser.h"
}

namespace migsafe {

// Scripts are read as the CLI reads them, and as every client sends them since
// PostgreSQL 9.1: with standard_conforming_strings on, whatever this session
// has, so that migsafe_check() and `migsafe check` always agree.
class StandardConformingStrings {
public:
    StandardConformingStrings() : saved_(standard_conforming_strings) { standard_conforming_strings = true; }
    ~StandardConformingStrings() { standard_conforming_strings = saved_; }

private:
    bool saved_;
};

// Parses a script with the server's raw parser, with standard_conforming_strings
// on whatever the session has (as every client and the CLI read scripts).
// Throws ParseError with the position of a syntax error.
Script parse_sql(const char *sql);

// A statement's text: from its first token to the next statement's, without
// the trailing semicolon and blanks.
std::string statement_text(const Script &script, std::size_t index);

}  // namespace migsafe
