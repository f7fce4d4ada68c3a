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
// at a time and needs positions only when it reports something. text may be
// a piece of a longer script (the CLI reads long scripts piece by piece):
// start is where its first byte lies in the whole script, and positions are
// the whole script's.
class LineIndex {
public:
    explicit LineIndex(std::string_view text, LineCol start = {1, 1});
    // Line and column (in characters of the script's encoding) of a byte offset.
    LineCol at_byte(int offset) const;
    // Line and column of a 1-based character position, as PostgreSQL reports
    // syntax errors (ErrorData.cursorpos).
    LineCol at_char(int position) const;

private:
    const std::vector<int> &line_starts() const;

    // A position in text as one in the whole script.
    LineCol in_script(int line, int col) const {
        return {line + start_.line - 1, line == 1 ? col + start_.col - 1 : col};
    }

    std::string_view text_;
    LineCol start_;
    mutable std::vector<int> line_starts_;
    // The last position asked for: findings come in script order, so the
    // next one on the same line counts characters from there, not from the
    // line's start (a script on one line would otherwise be quadratic).
    mutable int last_line_ = 0, last_offset_ = 0, last_chars_ = 0;
};

}  // namespace migsafe
