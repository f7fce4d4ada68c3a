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

// SQLSTATE of a statement refused by the guard (documented in
// docs/reference.md). Bad input is reported with PostgreSQL's standard codes.
#define ERRCODE_MIGSAFE_BLOCKED MAKE_SQLSTATE('M', 'S', '0', '0', '1')

// A statement the guard refuses. The texts are allocated in a PostgreSQL
// memory context before the throw, so that raising the ERROR needs no
// allocation in a catch handler.
struct Blocked {
    const char *message;
    const char *detail;
    const char *hint;
    int sqlstate = 0;  // 0: ERRCODE_MIGSAFE_BLOCKED
};

template <typename Body>
Datum run_guarded(Body body) {
    // Only plain C data may live in this frame when an ERROR is raised below.
    ErrorData *pg_error = nullptr;
    Blocked blocked = {nullptr, nullptr, nullptr, 0};
    char message[1024] = "";
    int sqlstate = 0;
    int line = 0, col = 0;
    Datum result = (Datum)0;
    try {
        result = body();
    } catch (const PgError &error) {
        pg_error = error.data();
    } catch (const Blocked &refusal) {
        blocked = refusal;
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
    if (blocked.message != nullptr)
        ereport(ERROR, (errcode(blocked.sqlstate != 0 ? blocked.sqlstate : ERRCODE_MIGSAFE_BLOCKED),
                        errmsg_internal("%s", blocked.message),
                        errdetail_internal("%s", blocked.detail), errhint("%s", blocked.hint)));
    if (sqlstate == ERRCODE_SYNTAX_ERROR)
        ereport(ERROR, (errcode(sqlstate), errmsg("%s at line %d, column %d of the script", message, line, col)));
    if (sqlstate != 0) ereport(ERROR, (errcode(sqlstate), errmsg("%s", message)));
    return result;
}

}  // namespace migsafe
