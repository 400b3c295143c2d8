#include "core/line_decoder.h"

#include "core/input_buffer.h"
#include "core/utf8.h"

#include <cstring>

namespace s2j {

void LineDecoder::feed(std::string_view data) { append_compacting(buffer_, pos_, data); }

bool LineDecoder::next(LineEvent& event) {
  for (;;) {
    const char* start = buffer_.data() + pos_;
    const size_t available = buffer_.size() - pos_;
    const void* nl = scanned_ < available ? std::memchr(start + scanned_, '\n', available - scanned_) : nullptr;
    if (discarding_) {
      if (nl == nullptr) {
        pos_ = buffer_.size();
        scanned_ = 0;
        return false;
      }
      pos_ += static_cast<const char*>(nl) - start + 1;
      scanned_ = 0;
      discarding_ = false;
      continue;
    }
    if (nl == nullptr) {
      scanned_ = available;
      if (available > max_line_size_) {
        // Report now, then drop bytes up to the newline as they arrive.
        prefix_ = cut_utf8(std::string_view(start, available), keep_prefix_);
        discarding_ = true;
        pos_ = buffer_.size();
        scanned_ = 0;
        event = LineEvent{LineEvent::Kind::kOversized, prefix_};
        return true;
      }
      if (finished_ && available > 0) {
        event = LineEvent{LineEvent::Kind::kLine, std::string_view(start, available)};
        pos_ = buffer_.size();
        scanned_ = 0;
        return true;
      }
      return false;
    }
    size_t length = static_cast<const char*>(nl) - start;
    pos_ += length + 1;
    scanned_ = 0;
    if (length > max_line_size_) {
      prefix_ = cut_utf8(std::string_view(start, length), keep_prefix_);
      event = LineEvent{LineEvent::Kind::kOversized, prefix_};
      return true;
    }
    if (length > 0 && start[length - 1] == '\r') --length;
    event = LineEvent{LineEvent::Kind::kLine, std::string_view(start, length)};
    return true;
  }
}

void LineDecoder::finish() {
  finished_ = true;
  if (discarding_) {
    discarding_ = false;
    pos_ = buffer_.size();
  }
}

}  // namespace s2j
