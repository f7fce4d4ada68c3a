// libpg_query's raw parser across its releases: the one place the CLI calls it.
#pragma once

extern "C" {
#include "pg_query.h"
#include "pg_query/pg_query_internal.h"
}

namespace migsafe {

// The raw parse tree of sql (in the current memory context) or its error.
// libpg_query 15-4.2.4 and later take parser options; PostgreSQL's defaults
// (standard_conforming_strings on) are what the server parses with.
inline PgQueryInternalParsetreeAndError libpg_query_raw_parse(const char *sql) {
#ifdef PG_QUERY_PARSE_MODE_BITS
    return pg_query_raw_parse(sql, PG_QUERY_PARSE_DEFAULT);
#else
    return pg_query_raw_parse(sql);
#endif
}

}  // namespace migsafe
