// Byte offsets in a script to 1-based line and character column.
#pragma once

#include <string_view>
#include <vector>

namespace migsafe {

struct LineCol {
    int line;
    int col;
};

class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    // Line and column (in characters of the script's encoding) of a byte offset.
    LineCol at_byte(int offset) const;
    // Line and column of a 1-based character position, as PostgreSQL reports
    // syntax errors (ErrorData.cursorpos).
    LineCol at_char(int position) const;

private:
    std::string_view text_;
    std::vector<int> line_starts_;
};

}  // namespace migsafe
