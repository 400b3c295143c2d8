#include "core/frame_codec.h"

#include "core/input_buffer.h"

namespace s2j {

void append_frame_header(std::string& out, size_t body_size) {
  const uint32_t n = static_cast<uint32_t>(body_size);
  const char header[kFrameHeaderSize] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                         static_cast<char>(n >> 8), static_cast<char>(n)};
  out.append(header, kFrameHeaderSize);
}

void append_frame(std::string& out, std::string_view body) {
  append_frame_header(out, body.size());
  out.append(body);
}

void FrameDecoder::feed(std::string_view data) {
  // Bytes of an oversized frame are dropped on arrival, so they never accumulate.
  if (skip_ > 0 && pos_ == buffer_.size()) {
    const size_t n = data.size() < skip_ ? data.size() : static_cast<size_t>(skip_);
    skip_ -= n;
    data.remove_prefix(n);
  }
  append_compacting(buffer_, pos_, data);
}

bool FrameDecoder::next(FrameEvent& event) {
  size_t available = buffer_.size() - pos_;
  if (skip_ > 0) {
    const size_t n = available < skip_ ? available : static_cast<size_t>(skip_);
    pos_ += n;
    skip_ -= n;
    available -= n;
    if (skip_ > 0) return false;
  }
  if (available < kFrameHeaderSize) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + pos_);
  const uint32_t length = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  if (length > max_frame_size_) {
    pos_ += kFrameHeaderSize;
    skip_ = length;
    event = FrameEvent{FrameEvent::Kind::kOversized, {}, length};
    // Discard what is already here so that the caller sees a consistent state.
    const size_t here = buffer_.size() - pos_;
    const size_t n = here < skip_ ? here : static_cast<size_t>(skip_);
    pos_ += n;
    skip_ -= n;
    return true;
  }
  if (available < kFrameHeaderSize + length) return false;
  event =
      FrameEvent{FrameEvent::Kind::kFrame, std::string_view(buffer_.data() + pos_ + kFrameHeaderSize, length), length};
  pos_ += kFrameHeaderSize + length;
  return true;
}

}  // namespace s2j
