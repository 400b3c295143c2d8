// The frame decoder fed an arbitrary byte stream in arbitrary chunks. Invariants: the result does
// not depend on the chunking, and the frames it accepts re-encode to exactly the bytes consumed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/frame_codec.h"

namespace {

struct Decoded {
  std::string reencoded;  // headers + bodies of whole frames, in order
  std::vector<uint64_t> oversized;
};

Decoded decode(const std::string& stream, const std::vector<size_t>& cuts, size_t max) {
  s2j::FrameDecoder decoder(max);
  Decoded out;
  size_t at = 0;
  auto drain = [&] {
    s2j::FrameEvent e;
    while (decoder.next(e)) {
      if (e.kind == s2j::FrameEvent::Kind::kFrame)
        s2j::append_frame(out.reencoded, e.body);
      else
        out.oversized.push_back(e.length);
      if (decoder.buffered() > max + 4 + stream.size()) std::abort();  // never more than what arrived
    }
  };
  for (size_t cut : cuts) {
    decoder.feed(std::string_view(stream).substr(at, cut - at));
    drain();
    at = cut;
  }
  decoder.feed(std::string_view(stream).substr(at));
  drain();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t max = 1 + data[0] * 4;  // small limits exercise the oversized path
  const size_t chunk = 1 + data[1] % 17;
  const std::string stream(reinterpret_cast<const char*>(data + 2), size - 2);
  std::vector<size_t> cuts;
  for (size_t at = chunk; at < stream.size(); at += chunk) cuts.push_back(at);
  const Decoded whole = decode(stream, {}, max);
  const Decoded pieces = decode(stream, cuts, max);
  if (whole.reencoded != pieces.reencoded || whole.oversized != pieces.oversized) std::abort();
  // Without oversized frames, what was accepted is a byte-identical prefix of the stream.
  if (whole.oversized.empty() && stream.compare(0, whole.reencoded.size(), whole.reencoded) != 0) std::abort();
  return 0;
}
