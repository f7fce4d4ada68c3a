// Byte offsets in a script to 1-based line and character column.
#pragma once

#include <string>
#include <string_view>

namespace migsafe {

struct LineCol {
    int line;
    int col;
};

// Positions in a script's text. text may be a piece of a longer script (the
// CLI reads long scripts piece by piece): start is where its first byte lies
// in the whole script, and positions are the whole script's.
class LineIndex {
public:
    explicit LineIndex(std::string_view text, LineCol start = {1, 1});
    // Line and column (in characters of the script's encoding) of a byte offset.
    LineCol at_byte(int offset) const;
    // Line and column of a 1-based character position, as PostgreSQL reports
    // syntax errors (ErrorData.cursorpos).
    LineCol at_char(int position) const;

private:
    // A position in text as one in the whole script.
    LineCol in_script(int line, int col) const {
        return {line + start_.line - 1, line == 1 ? col + start_.col - 1 : col};
    }

    std::string_view text_;
    LineCol start_;
    // The last position asked for, its line and its column - 1. Positions
    // come mostly in script order: the next one is found from there,
    // counting the line breaks and, on the same line, the characters in
    // between (nothing is read twice, and a script on one line is not
    // quadratic in its findings).
    mutable int last_offset_ = 0, last_line_ = 1, last_chars_ = 0;
};

// The text of the line holding text's byte at offset, without its line
// break, for showing a finding whose column is col. text may be a piece of
// a longer script that starts in the middle of a line: the columns before
// the piece are blanks then (a piece may also end before its line does).
std::string line_around(std::string_view text, std::size_t offset, int col);

}  // namespace migsafe
