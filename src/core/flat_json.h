// A one-level JSON object read without building a document, for the lines bindings write most:
// {"key":value,...} whose values are strings without escapes, integers, true or false. Anything
// else (an escape, a nested object or array, null, a fraction or exponent, a huge number, a string
// that is not UTF-8, a control character, more than kMaxMembers members) makes it decline, and the
// caller reads the line with a full parser. It never accepts text that JSON refuses.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace s2j {

struct FlatValue {
  enum class Kind { kString, kInteger, kBool };
  // Left uninitialised: a FlatObject lives on the stack per line; read_flat_json_object sets what `kind` needs.
  Kind kind;
  std::string_view text;  // kString: the characters between the quotes (no escapes in them)
  int64_t integer;        // kInteger: at most 18 digits
  bool boolean;           // kBool
};

struct FlatMember {
  std::string_view key;
  FlatValue value;
};

struct FlatObject {
  static constexpr size_t kMaxMembers = 32;
  std::array<FlatMember, kMaxMembers> members;
  size_t size = 0;
};

// Reads `text` (one object, whitespace around it allowed) into `out`; false when it declines.
bool read_flat_json_object(std::string_view text, FlatObject& out);

}  // namespace s2j
