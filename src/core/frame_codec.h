// Spectrum 2 framing: a 4-byte big-endian length, then that many bytes of a serialized WrapperMessage.
// The decoder is sans-I/O: feed() it bytes as they arrive, then pull events with next().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace s2j {

constexpr size_t kFrameHeaderSize = 4;

// Appends the 4-byte big-endian length header for a body of `body_size` bytes.
void append_frame_header(std::string& out, size_t body_size);
// Appends header + body.
void append_frame(std::string& out, std::string_view body);

struct FrameEvent {
  enum class Kind {
    kFrame,      // `body` holds one complete frame body (valid until the next feed())
    kOversized,  // a frame of `length` bytes exceeds the limit; its bytes are being skipped
  };
  Kind kind = Kind::kFrame;
  std::string_view body;
  uint64_t length = 0;
};

class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_size) : max_frame_size_(max_frame_size) {}

  void feed(std::string_view data);
  // Returns the next event, or false when more bytes are needed.
  bool next(FrameEvent& event);

  // True when a frame has started but not finished (bytes buffered or still being skipped).
  bool mid_frame() const { return skip_ > 0 || pos_ < buffer_.size(); }
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  size_t max_frame_size_;
  std::string buffer_;
  size_t pos_ = 0;     // start of unread bytes in buffer_
  uint64_t skip_ = 0;  // bytes of an oversized frame still to discard
};

}  // namespace s2j
