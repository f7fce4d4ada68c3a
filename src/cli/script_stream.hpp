// Reading a script piece by piece. `migsafe check` holds a block of the
// input and the parse trees of one piece at a time, never a whole file: its
// memory follows the largest statement, not the size of the file.
//
// A piece ends just after a semicolon that ends a statement, as PostgreSQL's
// own lexer and parser see it (never a hand-written tokenizer): the lexer
// proposes the last semicolon of what has been read, the raw parser parses
// the text up to it, and the piece is cut after the last statement the
// parser ended with a semicolon. When that parse fails, the semicolon may be
// inside a BEGIN ATOMIC body or a CREATE RULE action list: more is read and
// the parse is tried again on the longer text. At the end of the input what
// is left is parsed as it is, so a syntax error is the one a parse of the
// whole input reports, at the same line and column.
#pragma once

#include "../classifier/pg_nodes.hpp"
#include "../classifier/source_position.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe::cli {

// Where the bytes of a script come from.
class Input {
public:
    virtual ~Input() = default;
    // Reads up to size bytes into to; returns how many, 0 at the end.
    // Throws std::runtime_error when the input cannot be read.
    virtual std::size_t read(char *to, std::size_t size) = 0;
};

// A file, or standard input for "-", read with read(2).
class FileInput final : public Input {
public:
    // Throws std::runtime_error ("is a directory", "cannot read file").
    explicit FileInput(const std::string &path);
    ~FileInput() override;
    FileInput(const FileInput &) = delete;
    FileInput &operator=(const FileInput &) = delete;
    std::size_t read(char *to, std::size_t size) override;

private:
    int fd_ = -1;
    bool owned_ = false;
};

// Text already in memory.
class TextInput final : public Input {
public:
    explicit TextInput(std::string_view text) : text_(text) {}
    std::size_t read(char *to, std::size_t size) override;

private:
    std::string_view text_;
};

struct StreamOptions {
    std::size_t block_size = 1 << 20;  // bytes read at a time (the unit tests use tiny ones)
    // Refuse NUL bytes and invalid UTF-8, as `migsafe check` does (the
    // parser reads a C string; the classifier assumes UTF-8).
    bool validate = true;
};

// A piece of a script: a run of whole statements.
struct Piece {
    std::string_view text;               // from just after the previous piece's last semicolon
    const List *statements = nullptr;    // its RawStmt list: locations are offsets in text
    std::size_t offset = 0;              // byte offset of text in the input
    LineCol start{1, 1};                 // line and column (in characters) of text's first byte
    int statements_before = 0;           // statements in the pieces before it
    bool several_statements = false;     // the whole input has more than one statement
};

class ScriptStream {
public:
    // Parse trees are made in memory contexts under the current one (a
    // libpg_query memory context).
    ScriptStream(Input &input, StreamOptions options);
    ~ScriptStream();
    ScriptStream(const ScriptStream &) = delete;
    ScriptStream &operator=(const ScriptStream &) = delete;

    // The next piece, or false after the last one; the piece's text and
    // parse trees last until the next call. Throws what a check of the
    // whole input at once would report, in the same order: a NUL byte
    // anywhere, then invalid UTF-8 anywhere (std::runtime_error), then the
    // first syntax error (ParseError; error_line() is the line it is on).
    bool next(Piece &piece);

    // The text of the line holding the input's byte at offset (without its
    // line break), once all of that line has been read: a line of the last
    // piece, or nullopt while its end is still to come.
    std::optional<std::string_view> line_at(std::size_t offset) const;

    // The offsets in the last piece's text where its lines after the first
    // start (found on the first call for a piece).
    const std::vector<int> &line_starts();

    // The line a ParseError from next() points at.
    const std::string &error_line() const { return error_line_; }

private:
    struct Parse;
    enum class Cut { taken, wait, none };

    void advance();
    void compact();
    bool read_block();
    void validate();
    bool try_cut(Piece &piece);
    std::size_t last_semicolon(std::size_t from);
    bool parse(std::size_t end, Parse &parse);
    Cut take(Parse &parse, bool exact, Piece &piece);
    [[noreturn]] void fail(const Parse &parse);
    [[noreturn]] void fail_validation();
    void deliver(Piece &piece, std::size_t end, const List *statements);
    std::string line_from(std::size_t index) const;

    Input &input_;
    StreamOptions options_;
    // The text read and not yet dropped: input bytes [base_, base_ + size_),
    // NUL-terminated; it keeps the line of the next piece's start whole.
    char *data_ = nullptr;
    std::size_t size_ = 0, capacity_ = 0, base_ = 0;
    std::size_t start_ = 0;       // the next piece's start in data_
    std::size_t cut_ = 0;         // the end of the piece last returned
    std::size_t line_start_ = 0;  // the start of the line holding start_
    LineCol position_{1, 1};      // of start_
    std::size_t validated_ = 0;   // data_[0, validated_) is free of NUL bytes and valid UTF-8
    bool end_of_input_ = false, done_ = false;
    std::size_t retry_size_ = 0;  // parse again once this much is unparsed
    int guesses_ = 0, wrong_guesses_ = 0;
    int statements_ = 0;          // in the pieces returned so far
    std::vector<int> line_starts_;  // the last piece's, once asked for
    bool line_starts_found_ = false;
    std::string first_line_;      // line 1, for an error without a position
    std::string error_line_;
    MemoryContext piece_memory_ = nullptr, lexer_memory_ = nullptr;
};

}  // namespace migsafe::cli
