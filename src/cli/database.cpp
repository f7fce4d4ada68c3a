#include "database.hpp"

#include <cctype>
#include <stdexcept>

namespace migsafe::cli {

namespace {

bool is_uri(const std::string &url) {
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// A URI component with its %XX escapes decoded.
std::string percent_decoded(const std::string &text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string trimmed(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
}

// A URI's query parameters, each "key=value" as written.
std::vector<std::string> split_parameters(const std::string &query) {
    std::vector<std::string> parameters;
    std::size_t start = 0;
    for (std::size_t at; (at = query.find('&', start)) != std::string::npos; start = at + 1)
        parameters.push_back(query.substr(start, at - start));
    parameters.push_back(query.substr(start));
    return parameters;
}

std::string key_of(const std::string &parameter) { return parameter.substr(0, parameter.find('=')); }

}  // namespace

DatabaseUrl parse_database_url(const std::string &url) {
    DatabaseUrl result;
    std::size_t question = url.find('?');
    if (!is_uri(url) || question == std::string::npos) {
        result.conninfo = url;
        return result;
    }
    std::string kept;
    for (const std::string &parameter : split_parameters(url.substr(question + 1))) {
        if (key_of(parameter) == "schema") {
            std::size_t equals = parameter.find('=');
            std::string schema = equals == std::string::npos ? "" : percent_decoded(parameter.substr(equals + 1));
            if (!schema.empty()) result.schema = schema;
            continue;
        }
        if (parameter.empty()) continue;
        kept += kept.empty() ? "" : "&";
        kept += parameter;
    }
    result.conninfo = url.substr(0, question) + (kept.empty() ? "" : "?" + kept);
    return result;
}

std::string redacted_url(const std::string &url) {
    if (!is_uri(url)) {
        // key=value pairs: rebuilt without the password.
        char *error = nullptr;
        PQconninfoOption *options = PQconninfoParse(url.c_str(), &error);
        if (options == nullptr) {
            PQfreemem(error);
            return "(the connection string)";
        }
        std::string out;
        for (PQconninfoOption *option = options; option->keyword != nullptr; ++option) {
            if (option->val == nullptr) continue;
            out += out.empty() ? "" : " ";
            out += option->keyword;
            out += "=";
            out += std::string(option->keyword) == "password" ? "***" : option->val;
        }
        PQconninfoFree(options);
        return out;
    }
    std::string out = url;
    std::size_t authority = out.find("://") + 3;
    std::size_t authority_end = out.find_first_of("/?", authority);
    std::size_t at = out.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
    if (at != std::string::npos && at >= authority) {
        std::size_t colon = out.find(':', authority);
        if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    std::size_t question = out.find('?');
    if (question == std::string::npos) return out;
    std::string query;
    for (std::string parameter : split_parameters(out.substr(question + 1))) {
        if (key_of(parameter) == "password") parameter = "password=***";
        query += query.empty() ? "" : "&";
        query += parameter;
    }
    return out.substr(0, question + 1) + query;
}

Database::Database(const std::string &url) {
    DatabaseUrl parsed = parse_database_url(url);
    schema_ = parsed.schema;
    connection_ = PQconnectdb(parsed.conninfo.c_str());
    if (connection_ == nullptr) throw std::runtime_error("cannot connect to the database: out of memory");
    if (PQstatus(connection_) != CONNECTION_OK) {
        std::string message = trimmed(PQerrorMessage(connection_));
        PQfinish(connection_);
        connection_ = nullptr;
        throw std::runtime_error("cannot connect to " + redacted_url(url) + ": " + message);
    }
    // Nothing this check does may write: the whole check is one read-only
    // transaction, which the server enforces.
    query("BEGIN TRANSACTION READ ONLY");
    // As Prisma does: the URL's schema is the search_path (pg_catalog stays
    // first, implicitly).
    query("SELECT set_config('search_path', quote_ident($1), true)", {schema_});
}

Database::~Database() {
    if (connection_ == nullptr) return;
    PQclear(PQexec(connection_, "ROLLBACK"));
    PQfinish(connection_);
}

Rows Database::query(const char *sql, const std::vector<Param> &params) const {
    std::vector<const char *> values;
    for (const Param &param : params) values.push_back(param ? param->c_str() : nullptr);
    PGresult *result = PQexecParams(connection_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                    nullptr, 0);
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(result);
    std::string message = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection_));
    PQclear(result);
    throw std::runtime_error(message);
}

std::optional<Rows> Database::try_query(const char *sql, const std::vector<Param> &params,
                                        const char *statement_timeout) const {
    query("SAVEPOINT migsafe_fact");
    std::optional<Rows> rows;
    try {
        if (statement_timeout != nullptr)
            query("SELECT set_config('statement_timeout', $1, true)", {std::string(statement_timeout)});
        rows = query(sql, params);
    } catch (const std::runtime_error &) {
        rows.reset();
    }
    // Rolling back to the savepoint also undoes the SET LOCAL.
    query("ROLLBACK TO SAVEPOINT migsafe_fact");
    query("RELEASE SAVEPOINT migsafe_fact");
    return rows;
}

}  // namespace migsafe::cli
