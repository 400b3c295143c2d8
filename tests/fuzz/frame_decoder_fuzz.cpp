// The frame decoder fed an arbitrary byte stream, whole and in chunks, against a reference reading
// of the stream written here. Invariants: the events (each frame's body, each oversized frame's
// length) are exactly the reference's, whatever the chunking; at the end the decoder holds exactly
// the unfinished frame's bytes (mid_frame() when a frame has started, skipped bytes included); and
// append_frame writes the 4-byte big-endian length before the body.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/frame_codec.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

struct Event {
  bool oversized;
  std::string body;  // a frame's
  uint64_t length;
  bool operator==(const Event& o) const { return oversized == o.oversized && body == o.body && length == o.length; }
};

struct Reading {
  std::vector<Event> events;
  size_t buffered = 0;  // bytes of the unfinished frame (its header included)
  bool mid_frame = false;
};

Reading reference_read(const std::string& stream, size_t max) {
  Reading out;
  size_t at = 0;
  while (stream.size() - at >= 4) {
    const auto* p = reinterpret_cast<const unsigned char*>(stream.data() + at);
    const uint64_t length = uint64_t{p[0]} << 24 | uint64_t{p[1]} << 16 | uint64_t{p[2]} << 8 | p[3];
    if (length > max) {
      out.events.push_back({true, {}, length});
      if (stream.size() - at - 4 < length) {  // still skipping at the end
        out.mid_frame = true;
        return out;
      }
      at += 4 + length;
      continue;
    }
    if (stream.size() - at - 4 < length) break;
    out.events.push_back({false, stream.substr(at + 4, length), length});
    at += 4 + length;
  }
  out.buffered = stream.size() - at;
  out.mid_frame = out.buffered > 0;
  return out;
}

Reading decode(const std::string& stream, size_t chunk, size_t max) {
  s2j::FrameDecoder decoder(max);
  Reading out;
  for (size_t at = 0; at < stream.size(); at += chunk) {
    decoder.feed(std::string_view(stream).substr(at, chunk));
    s2j::FrameEvent e;
    while (decoder.next(e)) {
      const bool oversized = e.kind == s2j::FrameEvent::Kind::kOversized;
      if (!oversized) require(e.length == e.body.size());
      out.events.push_back({oversized, std::string(e.body), e.length});
    }
    require(decoder.buffered() < 4 + max);  // what is left is less than a whole frame
  }
  out.buffered = decoder.buffered();
  out.mid_frame = decoder.mid_frame();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t max = 1 + data[0] * 4;  // small limits exercise the oversized path
  const size_t chunk = 1 + data[1] % 17;
  const std::string stream(reinterpret_cast<const char*>(data + 2), size - 2);
  const Reading expected = reference_read(stream, max);
  for (const size_t c : {chunk, stream.size() + 1}) {
    const Reading got = decode(stream, c, max);
    require(got.events == expected.events && got.buffered == expected.buffered && got.mid_frame == expected.mid_frame);
  }
  // The encoder: every frame the reference read re-encodes to the bytes it was read from.
  std::string encoded;
  for (const Event& e : expected.events) {
    if (e.oversized) break;
    s2j::append_frame(encoded, e.body);
  }
  require(stream.compare(0, encoded.size(), encoded) == 0);
  return 0;
}
