// Newline-delimited input with a maximum line length. Sans-I/O: feed() bytes, pull lines with next().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace s2j {

struct LineEvent {
  enum class Kind {
    kLine,       // `text` is one line without its "\n" (or "\r\n"); valid until the next feed()
    kOversized,  // a line longer than the limit: `text` holds its first bytes (whole UTF-8 characters),
                 // the rest is discarded
  };
  Kind kind = Kind::kLine;
  std::string_view text;
};

class LineDecoder {
 public:
  // `keep_prefix` bytes of an oversized line are reported in its event.
  LineDecoder(size_t max_line_size, size_t keep_prefix = 1024)
      : max_line_size_(max_line_size), keep_prefix_(keep_prefix) {}

  void feed(std::string_view data);
  bool next(LineEvent& event);
  // At end of input: turns an unterminated last line into a line. Call next() afterwards.
  void finish();
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  size_t max_line_size_;
  size_t keep_prefix_;
  std::string buffer_;
  size_t pos_ = 0;      // start of the current line
  size_t scanned_ = 0;  // bytes after pos_ known to hold no newline
  bool discarding_ = false;
  bool finished_ = false;
  std::string prefix_;  // first bytes of the oversized line being discarded
};

}  // namespace s2j
