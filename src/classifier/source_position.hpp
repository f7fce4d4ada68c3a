// Byte offsets in a script to 1-based line and character column.
#pragma once

#include <string_view>
#include <vector>

namespace migsafe {

struct LineCol {
    int line;
    int col;
};

// Built on first use: the server classifies statements of long scripts one
// at a time and needs positions only when it reports something.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    // Line and column (in characters of the script's encoding) of a byte offset.
    LineCol at_byte(int offset) const;
    // Line and column of a 1-based character position, as PostgreSQL reports
    // syntax errors (ErrorData.cursorpos).
    LineCol at_char(int position) const;

private:
    const std::vector<int> &line_starts() const;

    std::string_view text_;
    mutable std::vector<int> line_starts_;
    // The last position asked for: findings come in script order, so the
    // next one on the same line counts characters from there, not from the
    // line's start (a script on one line would otherwise be quadratic).
    mutable int last_line_ = 0, last_offset_ = 0, last_chars_ = 0;
};

}  // namespace migsafe
