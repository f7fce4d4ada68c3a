#include "script_stream.hpp"

#include "../parser/pg_call.hpp"
#include "../parser/script_parser.hpp"
#include "libpg_query.hpp"

extern "C" {
#include "parser/parser.h"
#include "parser/scanner.h"
}

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <stdexcept>

namespace migsafe::cli {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// The lexer's first guess at where a piece may end looks at the last bytes
// read only: this many (a quarter of a small block), growing fourfold while
// they hold no semicolon.
constexpr std::size_t kGuessWindow = 4096;

// Bytes at the end of text that begin a UTF-8 character without finishing
// it: the block ended inside the character, whose rest comes next.
std::size_t incomplete_character(const char *text, std::size_t size) {
    for (std::size_t back = 1; back <= 3 && back <= size; ++back) {
        auto byte = static_cast<unsigned char>(text[size - back]);
        if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: its lead comes before
        if (byte < 0x80) return 0;
        int length = pg_utf_mblen(reinterpret_cast<const unsigned char *>(text + size - back));
        return static_cast<std::size_t>(length) > back ? back : 0;
    }
    return 0;
}

// The length of text's ASCII prefix, read 32 bytes at a time: SQL is mostly
// ASCII, and only the rest needs PostgreSQL's UTF-8 check.
std::size_t ascii_prefix(const char *text, std::size_t size) {
    std::size_t at = 0;
    for (std::uint64_t word[4]; at + sizeof word <= size; at += sizeof word) {
        memcpy(word, text + at, sizeof word);
        if (((word[0] | word[1] | word[2] | word[3]) & 0x8080808080808080ULL) != 0) break;
    }
    while (at < size && (static_cast<unsigned char>(text[at]) & 0x80) == 0) ++at;
    return at;
}

// The byte offset of a 1-based character position in text.
std::size_t byte_of_character(std::string_view text, int position) {
    std::size_t offset = 0;
    for (int chars = 1; chars < position && offset < text.size(); ++chars)
        offset += static_cast<std::size_t>(
            std::max(1, character_length(text.data() + offset, text.data() + text.size())));
    return std::min(offset, text.size());
}

}  // namespace

// ---- inputs -------------------------------------------------------------------

FileInput::FileInput(const std::string &path) {
    if (path == "-") {
        fd_ = STDIN_FILENO;
        return;
    }
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
        std::error_code ignored;
        throw std::runtime_error(std::filesystem::is_directory(path, ignored) ? "is a directory" : "cannot read file");
    }
    owned_ = true;
    struct stat status;
    bool readable = fstat(fd_, &status) == 0 && S_ISREG(status.st_mode);
    if (!readable) {
        bool directory = S_ISDIR(status.st_mode);
        close(fd_);
        throw std::runtime_error(directory ? "is a directory" : "cannot read file");
    }
}

FileInput::~FileInput() {
    if (owned_) close(fd_);
}

std::size_t FileInput::read(char *to, std::size_t size) {
    while (true) {
        ssize_t got = ::read(fd_, to, size);
        if (got >= 0) return static_cast<std::size_t>(got);
        if (errno != EINTR) throw std::runtime_error("cannot read file");
    }
}

std::size_t TextInput::read(char *to, std::size_t size) {
    std::size_t count = std::min(size, text_.size());
    memcpy(to, text_.data(), count);
    text_.remove_prefix(count);
    return count;
}

// ---- the stream ---------------------------------------------------------------

// A parse of data_[start_, end): the statements, or the error.
struct ScriptStream::Parse {
    std::size_t end = 0;
    List *statements = nullptr;
    bool ok = false;
    std::string message;
    int cursorpos = 0;        // 1-based character position in the parsed text, 0 when unknown
    bool before_end = false;  // the error lies before the end of the parsed text
};

ScriptStream::ScriptStream(Input &input, StreamOptions options) : input_(input), options_(options) {
    options_.block_size = std::max<std::size_t>(options_.block_size, 1);
    piece_memory_ = pg_call([] { return parse_memory_context(); });
    lexer_memory_ = pg_call([] { return scratch_memory_context(); });
}

ScriptStream::~ScriptStream() {
    MemoryContextDelete(lexer_memory_);
    MemoryContextDelete(piece_memory_);
    free(data_);
}

bool ScriptStream::next(Piece &piece) {
    if (done_) return false;
    advance();
    while (true) {
        std::size_t unparsed = size_ - start_;
        if (!end_of_input_ && (unparsed < options_.block_size || unparsed < retry_size_)) {
            read_block();
            continue;
        }
        if (end_of_input_) {
            // What is left, as it is: at the end of the input every syntax
            // error is one.
            Parse last;
            if (!parse(size_, last)) fail(last);
            done_ = true;
            deliver(piece, size_, last.statements);
            return true;
        }
        if (try_cut(piece)) {
            retry_size_ = 0;
            return true;
        }
        // No piece yet: parse again once twice as much is there (a piece
        // is parsed O(1) times on average however long it grows).
        retry_size_ = 2 * unparsed;
    }
}

// Moves past the piece last returned: its end is the next one's start.
void ScriptStream::advance() {
    if (cut_ <= start_) return;
    std::size_t line_break = kNone;
    if (line_starts_found_) {
        position_.line += static_cast<int>(line_starts_.size());
        if (!line_starts_.empty()) line_break = start_ + static_cast<std::size_t>(line_starts_.back()) - 1;
    } else {
        for (const char *at = data_ + start_, *end = data_ + cut_;
             (at = static_cast<const char *>(memchr(at, '\n', end - at))) != nullptr; ++at) {
            ++position_.line;
            line_break = static_cast<std::size_t>(at - data_);
        }
    }
    if (line_break != kNone) {
        line_start_ = line_break + 1;
        position_.col = 1 + pg_mbstrlen_with_len(data_ + line_start_, static_cast<int>(cut_ - line_start_));
    } else {
        position_.col += pg_mbstrlen_with_len(data_ + start_, static_cast<int>(cut_ - start_));
    }
    start_ = cut_;
    line_starts_found_ = false;
}

const std::vector<int> &ScriptStream::line_starts() {
    if (!line_starts_found_) {
        line_starts_.clear();
        for (const char *begin = data_ + start_, *at = begin, *end = data_ + cut_;
             (at = static_cast<const char *>(memchr(at, '\n', end - at))) != nullptr; ++at)
            line_starts_.push_back(static_cast<int>(at - begin) + 1);
        line_starts_found_ = true;
    }
    return line_starts_;
}

// Drops the text before the line of the next piece's start.
void ScriptStream::compact() {
    if (line_start_ == 0) return;
    if (base_ == 0) first_line_ = line_from(0);
    memmove(data_, data_ + line_start_, size_ - line_start_ + 1);
    base_ += line_start_;
    size_ -= line_start_;
    start_ -= line_start_;
    cut_ -= line_start_;
    validated_ -= line_start_;
    line_start_ = 0;
}

// Reads the next block (up to block_size bytes; fewer only at the end of
// the input) and checks it.
bool ScriptStream::read_block() {
    compact();
    std::size_t want = options_.block_size;
    if (size_ + want + 1 > capacity_) {
        std::size_t capacity = std::max(size_ + want + 1, 2 * capacity_);
        char *grown = static_cast<char *>(realloc(data_, capacity));
        if (grown == nullptr) throw std::bad_alloc();
        data_ = grown;
        capacity_ = capacity;
    }
    std::size_t got = 0;
    while (got < want) {
        std::size_t count = input_.read(data_ + size_ + got, want - got);
        if (count == 0) {
            end_of_input_ = true;
            break;
        }
        got += count;
    }
    size_ += got;
    data_[size_] = '\0';
    validate();
    return got > 0;
}

// Checks what was read since the last call for NUL bytes and invalid UTF-8;
// a character the block cut is checked with the next block.
void ScriptStream::validate() {
    if (!options_.validate) {
        validated_ = size_;
        return;
    }
    const char *text = data_ + validated_;
    std::size_t size = size_ - validated_;
    if (memchr(text, '\0', size) != nullptr) throw std::runtime_error("file contains a NUL byte");
    std::size_t whole = end_of_input_ ? size : size - incomplete_character(text, size);
    // Only the runs of non-ASCII bytes go through PostgreSQL's check: an
    // ASCII byte is always a character's end (or shows a cut character).
    for (std::size_t at = 0; at < whole;) {
        at += ascii_prefix(text + at, whole - at);
        std::size_t run = at;
        while (run < whole && (static_cast<unsigned char>(text[run]) & 0x80) != 0) ++run;
        if (!pg_verify_mbstr(PG_UTF8, text + at, static_cast<int>(run - at), true)) fail_validation();
        at = run;
    }
    validated_ += whole;
}

// Invalid UTF-8: what a check of the whole input reports, unless a NUL byte
// comes later (that is reported first).
void ScriptStream::fail_validation() {
    while (!end_of_input_) {
        size_ = start_ = cut_ = line_start_ = validated_ = 0;
        std::size_t count = input_.read(data_, capacity_ - 1);
        if (count == 0) end_of_input_ = true;
        if (memchr(data_, '\0', count) != nullptr) throw std::runtime_error("file contains a NUL byte");
    }
    throw std::runtime_error("file is not valid UTF-8");
}

// Finds the end of the next piece and returns the piece; false when there
// is none yet (more must be read).
bool ScriptStream::try_cut(Piece &piece) {
    // A guess first: the lexer reads only the last bytes, from a line start
    // among them, not knowing whether that line starts inside a string, a
    // comment or a function body. That costs little, and take() keeps only
    // what the parse of the piece, which lexes it from its start, confirms.
    // A wrong guess costs a parse of the piece: in an input where they keep
    // failing (one in four, say in function bodies line after line), the
    // lexer reads from the piece's start instead.
    bool exact = 4 * wrong_guesses_ > guesses_ + 4;
    std::size_t end = exact ? last_semicolon(start_) : kNone;
    std::size_t first_window = std::clamp<std::size_t>(options_.block_size / 4, 16, kGuessWindow);
    for (std::size_t window = first_window; end == kNone && !exact; window *= 4) {
        std::size_t from = start_;
        if (size_ - start_ > window) {
            const char *tail = data_ + size_ - window;
            const auto *line_break = static_cast<const char *>(memchr(tail, '\n', window));
            from = line_break != nullptr ? static_cast<std::size_t>(line_break - data_) + 1 : size_ - window;
        }
        exact = from == start_;
        end = last_semicolon(from);
    }
    if (end == kNone) return false;
    Parse parsed;
    parse(end, parsed);
    Cut cut = take(parsed, exact, piece);
    if (exact) return cut == Cut::taken;
    ++guesses_;
    if (cut != Cut::none) return cut == Cut::taken;
    ++wrong_guesses_;
    // The guess was wrong (it began inside a string or a body): the lexer
    // reads what is unparsed from its start, where it knows its state.
    end = last_semicolon(start_);
    if (end == kNone) return false;
    parse(end, parsed);
    return take(parsed, true, piece) == Cut::taken;
}

// The end of the last ';' token the lexer finds in data_[from, size_), or
// kNone. An unterminated quote, comment or dollar quote at the end of what
// was read is a lexer error: no semicolon after it yet.
std::size_t ScriptStream::last_semicolon(std::size_t from) {
    std::size_t found = kNone;
    const char *text = data_ + from;
    MemoryContext caller = switch_memory_context(lexer_memory_);
    try {
        pg_call([&] {
            LexerState lexer;
            core_YYSTYPE value;
            YYLTYPE location = 0;
            core_yyscan_t scanner = scanner_init(text, &lexer.extra, &ScanKeywords, ScanKeywordTokens);
            int token;
            while ((token = core_yylex(&value, &location, scanner)) != 0)
                if (token == ';') found = from + static_cast<std::size_t>(location) + 1;
            scanner_finish(scanner);
        });
    } catch (const PgError &) {
        // found: the last semicolon before the error
    }
    switch_memory_context(caller);
    MemoryContextReset(lexer_memory_);
    return found;
}

// Parses data_[start_, end) with libpg_query's raw parser into piece_memory_.
bool ScriptStream::parse(std::size_t end, Parse &parsed) {
    parsed = Parse{};
    parsed.end = end;
    MemoryContextReset(piece_memory_);
    char saved = data_[end];
    data_[end] = '\0';
    MemoryContext caller = switch_memory_context(piece_memory_);
    PgQueryInternalParsetreeAndError result = migsafe::libpg_query_raw_parse(data_ + start_);
    switch_memory_context(caller);
    data_[end] = saved;
    free(result.stderr_buffer);
    if (result.error == nullptr) {
        parsed.ok = true;
        parsed.statements = result.tree;
        return true;
    }
    parsed.message = result.error->message;
    parsed.cursorpos = result.error->cursorpos;
    pg_query_free_error(result.error);
    // "at end of input" points just past the text: anything before its end
    // stays an error whatever follows (the text before it is the input's).
    parsed.before_end =
        parsed.cursorpos <= 0 ||
        parsed.cursorpos - 1 < pg_mbstrlen_with_len(data_ + start_, static_cast<int>(end - start_));
    return false;
}

// Returns the piece a parse of data_[start_, parsed.end) gives: taken, or
// wait (for more of the input), or none (the guess gives no piece).
ScriptStream::Cut ScriptStream::take(Parse &parsed, bool exact, Piece &piece) {
    if (!parsed.ok) {
        if (!exact) return Cut::none;
        // An error before the end of text cut after a semicolon the lexer
        // found from the piece's start is the input's first syntax error.
        // An error at its end may come from a cut inside BEGIN ATOMIC ...
        // END or CREATE RULE ... DO (...; ...): more is read.
        if (parsed.before_end) fail(parsed);
        return Cut::wait;
    }
    // The piece ends after the last statement the parser ended with a
    // semicolon (that semicolon sets RawStmt.stmt_len): a token the parser
    // read from the piece's start, wherever the guess began.
    int count = 0, kept = 0;
    std::size_t end = exact ? parsed.end : kNone;
    const ListCell *cell;
    foreach (cell, parsed.statements) {
        const auto *raw = lfirst_node(RawStmt, cell);
        ++count;
        if (raw->stmt_len > 0) {
            kept = count;
            end = start_ + static_cast<std::size_t>(raw->stmt_location + raw->stmt_len) + 1;
        }
    }
    if (end == kNone) return Cut::none;
    // Whether the input has more than one statement must be known when a
    // piece is classified: a first piece of one statement waits for the
    // next statement, or the end of the input.
    if (statements_ == 0 && kept == 1) return Cut::wait;
    deliver(piece, end, list_truncate(parsed.statements, kept));
    return Cut::taken;
}

void ScriptStream::deliver(Piece &piece, std::size_t end, const List *statements) {
    piece.text = std::string_view(data_ + start_, end - start_);
    piece.statements = statements;
    piece.offset = base_ + start_;
    piece.start = position_;
    piece.statements_before = statements_;
    statements_ += list_length(statements);
    piece.several_statements = statements_ > 1;
    cut_ = end;
}

// A syntax error: its position in the whole input, its line, then what the
// rest of the input holds that a check of the whole input reports first.
void ScriptStream::fail(const Parse &parsed) {
    LineCol at{1, 1};
    std::size_t offset = 0;  // of the error in the input
    if (parsed.cursorpos > 0) {
        std::string_view text(data_ + start_, parsed.end - start_);
        at = LineIndex(text, position_).at_char(parsed.cursorpos);
        offset = base_ + start_ + byte_of_character(text, parsed.cursorpos);
    }
    if (offset < base_) {
        error_line_ = first_line_;
    } else {
        while (!end_of_input_ && memchr(data_ + (offset - base_), '\n', size_ - (offset - base_)) == nullptr)
            read_block();
        error_line_ = line_from(offset - base_);
    }
    // The rest is only checked: each block is dropped once read, but for a
    // character it cuts.
    while (!end_of_input_) {
        start_ = cut_ = line_start_ = validated_;
        read_block();
    }
    throw ParseError(parsed.message, at.line, at.col);
}

std::string ScriptStream::line_from(std::size_t index) const {
    std::size_t begin = index;
    while (begin > 0 && data_[begin - 1] != '\n') --begin;
    const auto *line_break = static_cast<const char *>(memchr(data_ + index, '\n', size_ - index));
    std::size_t end = line_break != nullptr ? static_cast<std::size_t>(line_break - data_) : size_;
    return std::string(data_ + begin, end - begin);
}

std::optional<std::string_view> ScriptStream::line_at(std::size_t offset) const {
    if (offset < base_ || offset - base_ > size_) return std::nullopt;
    std::size_t index = offset - base_;
    std::size_t begin = index;
    while (begin > 0 && data_[begin - 1] != '\n') --begin;
    const auto *line_break = static_cast<const char *>(memchr(data_ + index, '\n', size_ - index));
    if (line_break == nullptr && !end_of_input_) return std::nullopt;
    std::size_t end = line_break != nullptr ? static_cast<std::size_t>(line_break - data_) : size_;
    return std::string_view(data_ + begin, end - begin);
}

}  // namespace migsafe::cli
