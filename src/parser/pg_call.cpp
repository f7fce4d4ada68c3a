#ifdef MIGSAFE_LIBPG_QUERY
// libpg_query keeps PostgreSQL's error and memory-context globals
// thread-local, while the server headers declare them as plain globals. Hide
// the headers' declarations and declare the thread-local ones below; only
// this file touches these globals.
#define CurrentMemoryContext migsafe_server_CurrentMemoryContext
#define PG_exception_stack migsafe_server_PG_exception_stack
#define error_context_stack migsafe_server_error_context_stack
#endif

#include "pg_call.hpp"

#ifdef MIGSAFE_LIBPG_QUERY
#undef CurrentMemoryContext
#undef PG_exception_stack
#undef error_context_stack
extern "C" {
extern __thread MemoryContext CurrentMemoryContext;
extern __thread sigjmp_buf *PG_exception_stack;
extern __thread ErrorContextCallback *error_context_stack;
}
#endif

namespace migsafe {

ErrorData *pg_try(void (*run)(void *), void *argument) {
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData *volatile error = nullptr;
    PG_TRY();
    {
        run(argument);
    }
    PG_CATCH();
    {
        // CopyErrorData() must not run in ErrorContext. (Not
        // MemoryContextSwitchTo(): its inline body uses the hidden declaration.)
        CurrentMemoryContext = caller_context;
        error = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    return error;
}

MemoryContext scratch_memory_context() {
    return AllocSetContextCreate(CurrentMemoryContext, "migsafe scratch", ALLOCSET_SMALL_SIZES);
}

MemoryContext parse_memory_context() {
    return AllocSetContextCreate(CurrentMemoryContext, "migsafe parse", ALLOCSET_DEFAULT_SIZES);
}

MemoryContext switch_memory_context(MemoryContext to) {
    MemoryContext previous = CurrentMemoryContext;
    CurrentMemoryContext = to;
    return previous;
}

}  // namespace migsafe
