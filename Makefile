# migsafe — PGXS build of the extension.
#   make && make install          build and install for the pg_config on PATH
#   make installcheck             pg_regress of the SQL functions against a running
#                                 server (PGHOST, PGPORT, PGUSER: a superuser)
#   make installcheck-guard       pg_regress of the guard; the server must have
#                                 shared_preload_libraries including migsafe
# The CLI and the unit tests are built with CMake (see CMakeLists.txt).

EXTENSION = migsafe
MODULE_big = migsafe
# Every install script (migsafe--X.sql) and upgrade script (migsafe--X--Y.sql):
# CREATE EXTENSION ... VERSION and ALTER EXTENSION ... UPDATE need them all.
DATA = $(wildcard migsafe--*.sql)
PGFILEDESC = "migsafe - stops unsafe schema migrations"

CLASSIFIER_SRCS = $(wildcard src/classifier/*.cpp src/classifier/rules/*.cpp)
PARSER_SRCS = $(wildcard src/parser/*.cpp)
EXTENSION_SRCS = $(wildcard src/extension/*.cpp)
OBJS = $(patsubst %.cpp,%.o,$(CLASSIFIER_SRCS) $(PARSER_SRCS) $(EXTENSION_SRCS))

REGRESS = $(shell sed -n 's/^test: *//p' test/regress/schedule)
REGRESS_OPTS = --inputdir=test/regress --outputdir=test/regress/out --load-extension=migsafe
GUARD_TESTS = $(shell sed -n 's/^test: *//p' test/guard/schedule)
GUARD_DB = migsafe_guard_regression

PG_CONFIG ?= pg_config
# COPT (PGXS's knob for extra C flags, e.g. make COPT=-O1) comes last for C++ too.
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-register -Wno-missing-field-initializers -fno-omit-frame-pointer $(COPT)
PG_CPPFLAGS = -I$(srcdir)/src
SHLIB_LINK = -lstdc++

# No LLVM bitcode: Debian's PGXS would compile every .cpp again with clang for
# JIT inlining, and inlining C++ code with exception handling into JIT-compiled
# expressions buys nothing for functions that parse whole scripts.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The server headers are not warning-clean C++: include them as system headers.
override CPPFLAGS := $(patsubst -I$(includedir_server),-isystem $(includedir_server),$(CPPFLAGS))

# The unit of a rule is its check; rebuild everything when a header changes.
$(OBJS): $(wildcard src/*/*.hpp src/classifier/rules/*.hpp)

# The function tests do not test the guard: where the server preloads
# migsafe, switch it off for them (pg_regress itself drops its database).
# Their tables stand for tables that existed before the script, though each
# test creates them in its own session: the session's script memory is off
# (migsafe.session_script_window = 0) but where a test sets it.
installcheck: export PGOPTIONS += -c migsafe.mode=off -c migsafe.session_script_window=0

# The guard tests run in a database of their own, made here with the guard
# off so that an earlier run's database can be dropped; the tests themselves
# run with the server's settings (enforce by default) and set what they test.
# Their fixtures stand for tables that existed before the migration, though
# each test creates them in its own session: the database switches the
# session's script memory off (migsafe.session_script_window = 0, the one
# override of a migsafe setting the tests expect), and guard_session_script
# sets it back to test it.
.PHONY: installcheck-guard
installcheck-guard:
	PGOPTIONS="$(PGOPTIONS) -c migsafe.mode=off" $(bindir)/psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c 'DROP DATABASE IF EXISTS $(GUARD_DB)' -c 'CREATE DATABASE $(GUARD_DB)' \
		-c 'ALTER DATABASE $(GUARD_DB) SET migsafe.session_script_window = 0'
	$(bindir)/psql -X -q -v ON_ERROR_STOP=1 -d $(GUARD_DB) -c 'CREATE EXTENSION migsafe'
	$(pg_regress_installcheck) --use-existing --dbname=$(GUARD_DB) --inputdir=test/guard \
		--outputdir=test/guard/out $(GUARD_TESTS)
