// Calling PostgreSQL functions that can raise an ERROR from C++ code.
//
// A PostgreSQL ERROR is a longjmp: it would skip the destructors of every C++
// frame it crosses. pg_call() runs one PostgreSQL call under PG_TRY and turns
// an ERROR into a C++ exception (PgError) that unwinds normally. The callable
// must itself hold no object with a destructor. Used by both builds: the
// server's functions and libpg_query's copies of them raise the same way.
#pragma once

#include "../classifier/pg_nodes.hpp"

extern "C" {
#include "parser/scanner.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}

#include <exception>
#include <string>
#include <type_traits>

namespace migsafe {

// A PostgreSQL ERROR caught by pg_call(). data is allocated in the memory
// context that was current at the call; the extension re-raises it with
// ReThrowError() once no C++ frame is left to unwind.
class PgError : public std::exception {
public:
    explicit PgError(ErrorData *data) : data_(data) {}
    ErrorData *data() const { return data_; }
    const char *what() const noexcept override {
        return data_ != nullptr && data_->message != nullptr ? data_->message : "PostgreSQL error";
    }

private:
    ErrorData *data_;
};

// Runs run(argument) under PG_TRY; returns the copied ErrorData of an ERROR
// it raised, or nullptr. Kept out of line so that no caller variable lives in
// the frame that setjmp saves.
ErrorData *pg_try(void (*run)(void *), void *argument);

// The current memory context's functions that touch libpg_query's
// thread-local CurrentMemoryContext live in pg_call.cpp, like pg_try():
// a new small child of the current context, a new child sized for parse
// trees, and MemoryContextSwitchTo().
MemoryContext scratch_memory_context();
MemoryContext parse_memory_context();
MemoryContext switch_memory_context(MemoryContext to);

template <typename Call>
auto pg_call(Call call) -> decltype(call()) {
    using Result = decltype(call());
    if constexpr (std::is_void_v<Result>) {
        ErrorData *error = pg_try([](void *argument) { (*static_cast<Call *>(argument))(); }, &call);
        if (error != nullptr) throw PgError(error);
    } else {
        struct Frame {
            Call *call;
            Result result;
        } frame{&call, Result{}};
        ErrorData *error = pg_try(
            [](void *argument) {
                auto *f = static_cast<Frame *>(argument);
                f->result = (*f->call)();
            },
            &frame);
        if (error != nullptr) throw PgError(error);
        return frame.result;
    }
}

// The state of PostgreSQL's lexer (scanner_init), with room after it for the
// fields libpg_query adds (yyllocend; from 18, return_comments) when the
// headers are a server's: Debian 12's libpg_query 15 ships none of its own.
struct LexerState {
    core_yy_extra_type extra{};
    char library_fields[32]{};
};

// A copy of text in the current memory context (for messages raised later,
// when no allocation may happen).
inline const char *pg_strdup(const std::string &text) {
    const char *data = text.c_str();
    return pg_call([&] { return static_cast<const char *>(pstrdup(data)); });
}

}  // namespace migsafe
