#include "sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace migsafe::cli {

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed (OpenSSL)");
    static const char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
    }
    return hex;
}

namespace {

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find(from, start)) != std::string_view::npos; start = at + from.size()) {
        out.append(text.substr(start, at - start));
        out.append(to);
    }
    out.append(text.substr(start));
    return out;
}

}  // namespace

bool matches_prisma_checksum(std::string_view text, std::string_view checksum) {
    if (sha256_hex(text) == checksum) return true;
    std::string unix_text = replaced(text, "\r\n", "\n");
    return sha256_hex(unix_text) == checksum || sha256_hex(replaced(unix_text, "\n", "\r\n")) == checksum;
}

}  // namespace migsafe::cli
