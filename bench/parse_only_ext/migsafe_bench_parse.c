/*
 * migsafe_bench_parse(sql text) returns int: the server's raw parser alone,
 * the baseline that migsafe_check() is measured against (bench/classifier).
 * It parses the text as migsafe_check() does (raw_parser, RAW_PARSE_DEFAULT)
 * and returns the number of statements; a syntax error is raised as usual.
 * Installed only for the benchmark, never with migsafe.
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/pg_list.h"
#include "parser/parser.h"
#include "utils/builtins.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(migsafe_bench_parse);

Datum
migsafe_bench_parse(PG_FUNCTION_ARGS)
{
	/* The same conversion migsafe_check() makes before parsing. */
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	List	   *statements = raw_parser(sql, RAW_PARSE_DEFAULT);

	/* The tree lives in the caller's per-row memory context: no free. */
	PG_RETURN_INT32(list_length(statements));
}
