#include "core/utf8.h"

#include <google/protobuf/stubs/common.h>

namespace s2j {

bool is_valid_utf8(std::string_view s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  while (!s.empty()) {
    const size_t valid = static_cast<size_t>(
        google::protobuf::internal::UTF8SpnStructurallyValid(google::protobuf::StringPiece(s.data(), s.size())));
    out.append(s.data(), valid);
    s.remove_prefix(valid);
    if (!s.empty()) {
      out.append("\xEF\xBF\xBD");
      s.remove_prefix(1);
    }
  }
  return out;
}

std::string_view cut_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  // Step back over continuation bytes so that the cut lands on a character boundary.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace s2j
