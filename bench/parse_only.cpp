// Parses SQL files with libpg_query's raw parser and nothing else: the
// baseline that `migsafe check` is measured against (bench/README.md).
// usage: migsafe_parse_only FILE...   prints statements and files parsed.
#include "../src/cli/libpg_query.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

int main(int argc, char **argv) {
    long statements = 0;
    int errors = 0;
    for (int i = 1; i < argc; ++i) {
        // Read as `migsafe check` reads (src/cli/checker.cpp), so that only
        // the parse differs.
        std::ifstream file(argv[i], std::ios::binary | std::ios::ate);
        std::string sql(static_cast<std::size_t>(std::max<std::streamoff>(file.tellg(), 0)), '\0');
        file.seekg(0);
        file.read(sql.data(), static_cast<std::streamsize>(sql.size()));
        MemoryContext context = pg_query_enter_memory_context();
        PgQueryInternalParsetreeAndError parsed = migsafe::libpg_query_raw_parse(sql.c_str());
        if (parsed.error != nullptr) {
            ++errors;
            pg_query_free_error(parsed.error);
        } else {
            statements += list_length(parsed.tree);
        }
        free(parsed.stderr_buffer);
        pg_query_exit_memory_context(context);
    }
    std::printf("%d file(s), %ld statement(s), %d error(s)\n", argc - 1, statements, errors);
    return 0;
}
