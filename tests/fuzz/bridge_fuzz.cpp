// The whole bridge state machine, both sides fed arbitrary bytes. Invariants: everything it writes
// to Spectrum is well-framed, strictly parseable, of a type Spectrum handles; everything it writes
// to the child is whole lines of JSON objects.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/bridge.h"
#include "core/message_types.h"
#include "protocol.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const s2j::Logger quiet(s2j::LogLevel::kError, nullptr);
  s2j::BridgeSettings settings;
  settings.max_message_size = 64 + data[0] * 16;
  settings.pid = "1";
  s2j::Bridge bridge(settings, quiet, nullptr, [] { return s2j::MemoryStats{1, 1}; });
  bridge.start();
  // Alternate chunks between the two sides; each chunk's first byte says its length and side.
  for (size_t at = 1; at < size;) {
    const size_t n = 1 + (data[at] & 0x3F);
    const std::string_view chunk(reinterpret_cast<const char*>(data + at + 1), std::min(n, size - at - 1));
    if (data[at] & 0x80)
      bridge.on_spectrum_data(chunk);
    else
      bridge.on_child_data(chunk);
    at += 1 + chunk.size();
  }
  bridge.on_child_eof();

  s2j::FrameDecoder frames(1u << 30);
  frames.feed(bridge.spectrum_output());
  s2j::FrameEvent e;
  while (frames.next(e)) {
    pbnetwork::WrapperMessage w;
    if (!w.ParseFromArray(e.body.data(), static_cast<int>(e.body.size()))) std::abort();
    const s2j::MessageType* type = s2j::find_message_type(w.type());
    if (type == nullptr || !type->to_spectrum) std::abort();
  }
  if (frames.mid_frame()) std::abort();
  const std::string& lines = bridge.child_output();
  if (!lines.empty() && lines.back() != '\n') std::abort();
  for (size_t start = 0, nl; (nl = lines.find('\n', start)) != std::string::npos; start = nl + 1)
    if (!nlohmann::json::parse(lines.substr(start, nl - start), nullptr, false).is_object()) std::abort();
  return 0;
}
