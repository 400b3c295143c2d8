// UTF-8 helpers around protobuf's validator: JSON must be valid UTF-8, protobuf strings need not be.
#pragma once

#include <string>
#include <string_view>

namespace s2j {

bool is_valid_utf8(std::string_view s);
// Replaces every invalid byte with U+FFFD.
std::string repair_utf8(std::string_view s);
// The longest prefix of at most `max_bytes` that does not end inside a multi-byte sequence.
std::string_view cut_utf8(std::string_view s, size_t max_bytes);

}  // namespace s2j
