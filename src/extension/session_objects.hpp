// The objects this session created: in the database the session, not only
// the transaction, is the script. A client that sends a migration statement
// by statement, each in its own transaction (Prisma's driver adapters,
// psql -f without -1, autocommitting ORMs), gets the verdicts the same file
// gets as one transaction: the table it created a statement ago holds no
// production data, the column it added a statement ago is backfilled, not
// overwritten.
//
// Limits, so that this cannot become a way around the guard (docs/bypasses.md):
// - objects created in the current transaction always count (relcache for
//   relations, this list for columns); from an earlier transaction of the
//   session only for migsafe.session_script_window after its commit;
// - an object is identified by OID (and column number), never by name: a
//   rename keeps it, a drop (by anyone) ends it, an object of the same name
//   created by someone else is not it;
// - a table counts as the session's only while every row in it (and in its
//   partitions or children) was written by the session's own transactions:
//   a row another session wrote, even uncommitted, ends it (a bounded scan,
//   run only when a rule asks);
// - a rolled-back transaction or savepoint forgets what it created.
#pragma once

extern "C" {
#include "postgres.h"
#include "access/attnum.h"
#include "storage/lockdefs.h"
}

namespace migsafe::session_objects {

// Installs the object-access hook (chained) and the transaction callbacks
// (_PG_init calls this).
void register_hooks();

// Created by this session: in this transaction, or in a committed one of the
// session's script (see above). A relation is a table, index, view, sequence,
// materialized view; relation_is_own() adds the row check for tables.
bool relation_created(Oid relation);
bool column_added(Oid relation, AttrNumber column);
bool type_created(Oid type);
bool schema_created(Oid schema);

// relation_created(), and every row of it and of its partitions or children
// was written by this session (the test for statements that lose rows or
// lock a table others could use). lock: taken on the family and kept to the
// end of the transaction when the statement is about to run, so that no
// other session writes a row between this answer and the statement; NoLock
// to ask without (AccessShareLock while scanning). May raise: call through
// pg_call.
bool relation_is_own(Oid relation, LOCKMODE lock);

}  // namespace migsafe::session_objects
