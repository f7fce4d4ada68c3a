// PostgreSQL's parse-tree definitions, for the classifier.
//
// The classifier reads node trees and never calls into the server beyond the
// node/list helpers, the keyword table and the multibyte length helper. The
// same headers serve both builds: the extension (trees from the server's
// raw_parser) and the CLI (trees from libpg_query, over the headers of the
// PostgreSQL major it was cut from).
#pragma once

// Before PostgreSQL's headers: built without NLS (libpg_query's copy), c.h
// defines gettext() as a macro, which would mangle glibc's declarations when
// a C++ standard header includes <libintl.h> later.
#include <libintl.h>

extern "C" {
#include "postgres.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "common/keywords.h"
#include "mb/pg_wchar.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "parser/parsetree.h"
}

// c.h defines these as macros; they collide with C++ standard library names.
#undef Max
#undef Min

namespace migsafe {

// The length in bytes of the character that starts at text, in the current
// encoding, never reaching past end. libpg_query cut from a PostgreSQL
// release with only the bounded forms (Debian's 18.1) lacks pg_mblen(); every
// server and older libpg_query have it (CMake defines MIGSAFE_PG_MBLEN_RANGE).
inline int character_length(const char *text, const char *end) {
#ifdef MIGSAFE_PG_MBLEN_RANGE
    return pg_mblen_range(text, end);
#else
    (void)end;
    return pg_mblen(text);
#endif
}

}  // namespace migsafe
