// The decoders' input: bytes before `pos` are consumed. Appending first drops them, so the buffer
// holds only what is not decoded yet.
#pragma once

#include <string>
#include <string_view>

namespace s2j {

inline void append_compacting(std::string& buffer, size_t& pos, std::string_view data) {
  if (pos == buffer.size()) {
    buffer.clear();
  } else if (pos > 0) {
    buffer.erase(0, pos);
  }
  pos = 0;
  buffer.append(data);
}

}  // namespace s2j
