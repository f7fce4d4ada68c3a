#include "source_position.hpp"

#include "pg_nodes.hpp"

#include <algorithm>
#include <cstring>

namespace migsafe {

LineIndex::LineIndex(std::string_view text, LineCol start) : text_(text), start_(start) {}

LineCol LineIndex::at_byte(int offset) const {
    offset = std::clamp(offset, 0, static_cast<int>(text_.size()));
    const char *text = text_.data();
    if (offset < last_offset_) {
        // Back: uncount the line breaks, then find the start of the line.
        for (const char *at = text + offset, *end = text + last_offset_;
             (at = static_cast<const char *>(memchr(at, '\n', end - at))) != nullptr; ++at)
            --last_line_;
        last_offset_ = offset;
        while (last_offset_ > 0 && text[last_offset_ - 1] != '\n') --last_offset_;
        last_chars_ = 0;
    }
    const char *line_break = nullptr;
    for (const char *at = text + last_offset_, *end = text + offset;
         (at = static_cast<const char *>(memchr(at, '\n', end - at))) != nullptr; ++at) {
        ++last_line_;
        line_break = at;
    }
    if (line_break != nullptr) {
        last_offset_ = static_cast<int>(line_break - text) + 1;
        last_chars_ = 0;
    }
    last_chars_ += pg_mbstrlen_with_len(text + last_offset_, offset - last_offset_);
    last_offset_ = offset;
    return in_script(last_line_, last_chars_ + 1);
}

LineCol LineIndex::at_char(int position) const {
    int offset = 0;
    int size = static_cast<int>(text_.size());
    for (int chars = 1; chars < position && offset < size; ++chars)
        offset += std::max(1, character_length(text_.data() + offset, text_.data() + size));
    return at_byte(offset);
}

std::string line_around(std::string_view text, std::size_t offset, int col) {
    std::size_t at = std::min(offset, text.size());
    std::size_t previous = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
    std::size_t begin = previous == std::string_view::npos ? 0 : previous + 1;
    std::string line;
    if (previous == std::string_view::npos) {
        int chars = 0;  // UTF-8 characters before the offset: no continuation bytes
        for (std::size_t i = 0; i < at; ++i) chars += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        line.assign(static_cast<std::size_t>(std::max(col - 1 - chars, 0)), ' ');
    }
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view rest = text.substr(begin, end - begin);
    if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
    line.append(rest);
    return line;
}

}  // namespace migsafe
