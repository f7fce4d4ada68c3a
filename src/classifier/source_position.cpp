#include "source_position.hpp"

#include "pg_nodes.hpp"

#include <algorithm>
#include <cstring>

namespace migsafe {

LineIndex::LineIndex(std::string_view text, LineCol start) : text_(text), start_(start) {}

const std::vector<int> &LineIndex::line_starts() const {
    if (line_starts_.empty()) {
        line_starts_.push_back(0);
        const char *begin = text_.data(), *end = begin + text_.size();
        for (const char *at = begin; (at = static_cast<const char *>(memchr(at, '\n', end - at))) != nullptr; ++at)
            line_starts_.push_back(static_cast<int>(at - begin + 1));
    }
    return line_starts_;
}

LineCol LineIndex::at_byte(int offset) const {
    offset = std::clamp(offset, 0, static_cast<int>(text_.size()));
    const std::vector<int> &starts = line_starts();
    auto next_line = std::upper_bound(starts.begin(), starts.end(), offset);
    int line = static_cast<int>(next_line - starts.begin());
    int start = starts[line - 1];
    if (line != last_line_ || offset < last_offset_) {
        last_line_ = line;
        last_offset_ = start;
        last_chars_ = 0;
    }
    last_chars_ += pg_mbstrlen_with_len(text_.data() + last_offset_, offset - last_offset_);
    last_offset_ = offset;
    return in_script(line, last_chars_ + 1);
}

LineCol LineIndex::at_char(int position) const {
    int offset = 0;
    int size = static_cast<int>(text_.size());
    for (int chars = 1; chars < position && offset < size; ++chars)
        offset += std::max(1, pg_mblen(text_.data() + offset));
    return at_byte(offset);
}

}  // namespace migsafe
