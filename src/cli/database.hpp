// The connection of `migsafe check --database`: libpq, one read-only
// transaction for the whole check, queries with parameters only.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

namespace migsafe::cli {

// A connection string as given, split into what libpq is given and Prisma's
// own `schema` parameter, which libpq does not know (it refuses unknown URI
// parameters): the schema of _prisma_migrations and the search_path.
struct DatabaseUrl {
    std::string conninfo;          // for PQconnectdb
    std::string schema = "public";
};

DatabaseUrl parse_database_url(const std::string &url);

// The URL with its password replaced by "***", for messages.
std::string redacted_url(const std::string &url);

// A query's result; null values read as "".
class Rows {
public:
    explicit Rows(PGresult *result) : result_(result, PQclear) {}
    int size() const { return PQntuples(result_.get()); }
    bool null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
    std::string text(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
    bool boolean(int row, int column) const { return text(row, column) == "t"; }
    long long integer(int row, int column) const { return std::stoll(text(row, column)); }
    double number(int row, int column) const { return std::stod(text(row, column)); }

private:
    std::shared_ptr<PGresult> result_;
};

// A parameter: a value, or SQL NULL.
using Param = std::optional<std::string>;

class Database {
public:
    // Connects and begins a READ ONLY transaction with the search_path set to
    // the URL's schema. Throws std::runtime_error with libpq's message.
    explicit Database(const std::string &url);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const std::string &schema() const { return schema_; }

    // Runs a query (PQexecParams: values never go into the SQL text).
    // Throws std::runtime_error with the server's message.
    Rows query(const char *sql, const std::vector<Param> &params = {}) const;
    // The same inside a savepoint: an error (a privilege missing, a
    // statement_timeout) is given back as nullopt, and the transaction goes
    // on. statement_timeout (e.g. "2s"): a limit for this query only.
    std::optional<Rows> try_query(const char *sql, const std::vector<Param> &params = {},
                                  const char *statement_timeout = nullptr) const;

private:
    PGconn *connection_ = nullptr;
    std::string schema_;
};

}  // namespace migsafe::cli
