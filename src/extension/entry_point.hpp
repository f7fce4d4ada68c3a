// The boundary between PostgreSQL and migsafe's C++ code.
//
// Every function PostgreSQL calls (SQL functions, hooks, event triggers) runs
// its C++ body through run_guarded(): no C++ exception crosses into
// PostgreSQL, and a PostgreSQL ERROR caught inside (PgError) is raised again
// only after every C++ frame has unwound.
#pragma once

#include "../parser/pg_call.hpp"
#include "../parser/script_parser.hpp"

#include <cstdio>
#include <new>

namespace migsafe {

// SQLSTATEs of migsafe's own errors (documented in docs/reference.md).
// Bad input is reported with PostgreSQL's standard codes.

template <typename Body>
Datum run_guarded(Body body) {
    // Only plain C data may live in this frame when an ERROR is raised below.
    ErrorData *pg_error = nullptr;
    char message[1024] = "";
    int sqlstate = 0;
    int line = 0, col = 0;
    Datum result = (Datum)0;
    try {
        result = body();
    } catch (const PgError &error) {
        pg_error = error.data();
    } catch (const ParseError &error) {
        strlcpy(message, error.what(), sizeof message);
        sqlstate = ERRCODE_SYNTAX_ERROR;
        line = error.line;
        col = error.col;
    } catch (const std::invalid_argument &error) {
        strlcpy(message, error.what(), sizeof message);
        sqlstate = ERRCODE_INVALID_PARAMETER_VALUE;
    } catch (const std::bad_alloc &) {
        strlcpy(message, "out of memory in migsafe", sizeof message);
        sqlstate = ERRCODE_OUT_OF_MEMORY;
    } catch (const std::exception &error) {
        strlcpy(message, error.what(), sizeof message);
        sqlstate = ERRCODE_INTERNAL_ERROR;
    } catch (...) {
        strlcpy(message, "unexpected error in migsafe", sizeof message);
        sqlstate = ERRCODE_INTERNAL_ERROR;
    }
    if (pg_error != nullptr) ReThrowError(pg_error);
    if (sqlstate == ERRCODE_SYNTAX_ERROR)
        ereport(ERROR, (errcode(sqlstate), errmsg("%s at line %d, column %d of the script", message, line, col)));
    if (sqlstate != 0) ereport(ERROR, (errcode(sqlstate), errmsg("%s", message)));
    return result;
}

}  // namespace migsafe
