// The whole bridge state machine, both sides fed arbitrary chunks. A reference reader in this file
// splits both inputs itself and checks, after every call, that nothing is lost, doubled or made up:
//  * every complete child line becomes exactly one frame to Spectrum, of the type the line names, or
//    one bridge.error line back, with that line's number; or it is one of the documented drops:
//    blank lines, "bridge.*" lines (bridge.pong, bridge.log, any other), pong and stats (those two
//    may also be rejected). A line longer than max_message_size is rejected once, when too long;
//  * every complete frame from Spectrum becomes exactly one line to the child, of its type, except
//    PING (answered with PONG then STATS to Spectrum), PONG and STATS (not forwarded), a body that is
//    not a WrapperMessage or has no type, an oversized frame, and everything after EXIT (dropped);
//  * nothing else is written, and the bridge holds exactly the bytes of unfinished frames and lines.
// Input: one settings byte, then chunks: a byte (0x80: from Spectrum, else from the child; low six
// bits: length - 1) and the chunk's bytes.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bridge.h"
#include "protocol.pb.h"
#include "reference.h"

namespace {

using pbnetwork::WrapperMessage;

constexpr size_t kErrorLinePrefix = 1024;  // bridge.error quotes at most this much of a line
const char kBackendConfig[] = "[features]\nmuc=1\n";

void require(bool condition) {
  if (!condition) std::abort();
}

// ---- the child's side ------------------------------------------------------------------------------

struct ChildLine {
  uint64_t number = 0;
  std::string text;  // without "\n" or "\r\n"; an oversized line's first bytes
  bool oversized = false;
};

class ReferenceLines {
 public:
  explicit ReferenceLines(size_t max) : max_(max) {}

  // The lines these bytes complete; an oversized one as soon as it is too long.
  std::vector<ChildLine> feed(std::string_view data) {
    std::vector<ChildLine> out;
    for (char c : data) {
      if (c == '\n') {
        if (!discarding_) out.push_back(take(false, true));
        discarding_ = false;
      } else if (discarding_) {
        // The bridge may quote bytes that arrived with the ones that made the line too long.
        if (!out.empty() && out.back().oversized && out.back().text.size() < kErrorLinePrefix) out.back().text += c;
      } else {
        current_ += c;
        if (current_.size() > max_) {
          out.push_back(take(true, false));
          discarding_ = true;
        }
      }
    }
    return out;
  }
  std::vector<ChildLine> finish() {
    std::vector<ChildLine> out;
    if (!discarding_ && !current_.empty()) out.push_back(take(false, false));
    discarding_ = false;
    return out;
  }
  size_t buffered() const { return current_.size(); }

 private:
  // `newline`: the line ended in "\n", so "\r\n" ends it too (an unterminated last line keeps its "\r").
  ChildLine take(bool oversized, bool newline) {
    ChildLine line{++number_, std::move(current_), oversized};
    current_.clear();
    if (newline && !line.text.empty() && line.text.back() == '\r') line.text.pop_back();
    return line;
  }

  size_t max_;
  std::string current_;
  bool discarding_ = false;
  uint64_t number_ = 0;
};

enum class Fate {
  kError,    // must come back as bridge.error
  kDrop,     // must vanish
  kNoFrame,  // pong, stats: vanish or come back as bridge.error
  kOne,      // one frame or one bridge.error
};

Fate fate_of(const ChildLine& line, std::optional<int>& type) {
  if (line.oversized) return Fate::kError;
  if (line.text.find_first_not_of(" \t\r") == std::string::npos) return Fate::kDrop;
  const nlohmann::json j = reference::parse(line.text);
  if (!j.is_object() || !j.contains("type")) return Fate::kOne;
  const nlohmann::json& t = j["type"];
  if (t.is_string() && t.get_ref<const std::string&>().rfind("bridge.", 0) == 0) return Fate::kDrop;
  type = reference::named_type(t);
  if (type == WrapperMessage::TYPE_PONG || type == WrapperMessage::TYPE_STATS) return Fate::kNoFrame;
  return Fate::kOne;
}

// The quoted line: the text cut to 1 KiB on a character boundary (an oversized line's: a prefix).
bool quotes(const std::string& quoted, const ChildLine& line) {
  std::string cut = line.text;
  if (cut.size() > kErrorLinePrefix) {
    size_t end = kErrorLinePrefix;
    while (end > 0 && (static_cast<unsigned char>(cut[end]) & 0xC0) == 0x80) --end;
    cut.resize(end);
  }
  if (!reference::valid_utf8(cut)) return true;  // the bridge replaces what is not UTF-8
  return line.oversized ? cut.compare(0, quoted.size(), quoted) == 0 && !quoted.empty() : quoted == cut;
}

// After the child's bytes: only bridge.error lines to the child, only the lines' frames to Spectrum.
void check_child_call(const std::vector<ChildLine>& lines, s2j::Bridge& bridge) {
  std::vector<std::string> to_child, to_spectrum;
  require(reference::split_lines(std::exchange(bridge.child_output(), {}), to_child));
  require(reference::split_frames(std::exchange(bridge.spectrum_output(), {}), to_spectrum));
  size_t next_error = 0, next_frame = 0;
  for (const ChildLine& line : lines) {
    std::optional<int> type;
    const Fate fate = fate_of(line, type);
    if (next_error < to_child.size()) {
      nlohmann::json error = reference::parse(to_child[next_error]);
      require(error.is_object() && error["type"] == "bridge.error" && error["line_number"].is_number_unsigned());
      if (error["line_number"].get<uint64_t>() == line.number) {
        require(fate != Fate::kDrop);
        require(error["error"].is_string() && !error["error"].get<std::string>().empty());
        require(error["line"].is_string() && quotes(error["line"].get<std::string>(), line));
        ++next_error;
        continue;
      }
    }
    require(fate != Fate::kError);
    if (fate != Fate::kOne) continue;
    require(next_frame < to_spectrum.size() && type.has_value());
    WrapperMessage w;
    require(w.ParseFromString(to_spectrum[next_frame++]) && static_cast<int>(w.type()) == *type);
    require(reference::handled_from_backend(*type));
  }
  require(next_error == to_child.size() && next_frame == to_spectrum.size());
}

// ---- Spectrum's side -------------------------------------------------------------------------------

struct SpectrumFrame {
  enum class Fate { kLine, kPing, kDrop } fate;
  int type;
};

class ReferenceFrames {
 public:
  explicit ReferenceFrames(size_t max) : max_(max) {}

  std::vector<SpectrumFrame> feed(std::string_view data) {
    std::vector<SpectrumFrame> out;
    if (exit_) return out;
    buffer_.append(data);
    for (;;) {
      const size_t skipped = std::min<uint64_t>(skip_, buffer_.size());
      buffer_.erase(0, skipped);
      skip_ -= skipped;
      if (skip_ > 0 || buffer_.size() < 4) break;
      const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data());
      const uint64_t length = uint64_t{p[0]} << 24 | uint64_t{p[1]} << 16 | uint64_t{p[2]} << 8 | p[3];
      if (length > max_) {
        buffer_.erase(0, 4);
        skip_ = length;
        continue;
      }
      if (buffer_.size() < 4 + length) break;
      out.push_back(classify(buffer_.substr(4, length)));
      buffer_.erase(0, 4 + length);
      if (out.back().fate == SpectrumFrame::Fate::kLine && out.back().type == WrapperMessage::TYPE_EXIT) {
        exit_ = true;  // what follows EXIT is never read
        break;
      }
    }
    return out;
  }
  size_t buffered() const { return buffer_.size(); }

 private:
  static SpectrumFrame classify(const std::string& body) {
    WrapperMessage w;
    const std::optional<int> type = reference::frame_type(body, w);
    if (!type) return {SpectrumFrame::Fate::kDrop, 0};
    if (*type == WrapperMessage::TYPE_PING) return {SpectrumFrame::Fate::kPing, *type};
    if (*type == WrapperMessage::TYPE_PONG || *type == WrapperMessage::TYPE_STATS)
      return {SpectrumFrame::Fate::kDrop, *type};
    return {SpectrumFrame::Fate::kLine, *type};
  }

  size_t max_;
  std::string buffer_;
  uint64_t skip_ = 0;
  bool exit_ = false;
};

// After Spectrum's bytes: one line per forwarded frame to the child, PONG + STATS per PING back.
void check_spectrum_call(const std::vector<SpectrumFrame>& frames, s2j::Bridge& bridge) {
  std::vector<std::string> to_child, to_spectrum;
  require(reference::split_lines(std::exchange(bridge.child_output(), {}), to_child));
  require(reference::split_frames(std::exchange(bridge.spectrum_output(), {}), to_spectrum));
  size_t next_line = 0, next_frame = 0;
  for (const SpectrumFrame& frame : frames) {
    if (frame.fate == SpectrumFrame::Fate::kLine) {
      require(next_line < to_child.size());
      const nlohmann::ordered_json line = nlohmann::ordered_json::parse(to_child[next_line++], nullptr, false);
      require(line.is_object() && !line.empty() && line.begin().key() == "type");
      const std::string name = reference::json_name(frame.type);
      require(name.empty() ? line["type"] == frame.type : line["type"] == name);
    } else if (frame.fate == SpectrumFrame::Fate::kPing) {
      require(next_frame + 2 <= to_spectrum.size());
      WrapperMessage pong, stats;
      require(pong.ParseFromString(to_spectrum[next_frame++]) && pong.type() == WrapperMessage::TYPE_PONG &&
              !pong.has_payload());
      require(stats.ParseFromString(to_spectrum[next_frame++]) && stats.type() == WrapperMessage::TYPE_STATS);
      pbnetwork::Stats payload;
      require(payload.ParseFromString(stats.payload()) && payload.id() == "1");
    }
  }
  require(next_line == to_child.size() && next_frame == to_spectrum.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const s2j::Logger quiet(s2j::LogLevel::kError, nullptr);
  s2j::BridgeSettings settings;
  settings.max_message_size = 64 + (data[0] & 0x7F) * 16;
  settings.pid = "1";
  if (data[0] & 0x80) settings.backend_config = kBackendConfig;
  s2j::Bridge bridge(settings, quiet, nullptr, [] { return s2j::MemoryStats{1, 1}; });
  ReferenceLines lines(settings.max_message_size);
  ReferenceFrames frames(settings.max_message_size);

  // First bridge.hello to the child, and BACKEND_CONFIG to Spectrum if configured.
  bridge.start();
  {
    const nlohmann::ordered_json hello = nlohmann::ordered_json::parse(bridge.child_output(), nullptr, false);
    require(hello.is_object() && hello.begin().key() == "type" && hello["type"] == "bridge.hello");
    require(bridge.child_output().find('\n') == bridge.child_output().size() - 1);
    std::vector<std::string> sent;
    require(reference::split_frames(bridge.spectrum_output(), sent) && sent.size() == (data[0] & 0x80 ? 1 : 0));
    for (const std::string& body : sent) {
      WrapperMessage w;
      pbnetwork::BackendConfig config;
      require(w.ParseFromString(body) && w.type() == WrapperMessage::TYPE_BACKEND_CONFIG);
      require(config.ParseFromString(w.payload()) && config.config() == kBackendConfig);
    }
    bridge.child_output().clear();
    bridge.spectrum_output().clear();
  }

  for (size_t at = 1; at < size;) {
    const size_t n = 1 + (data[at] & 0x3F);
    const std::string_view chunk(reinterpret_cast<const char*>(data + at + 1), std::min(n, size - at - 1));
    if (data[at] & 0x80) {
      bridge.on_spectrum_data(chunk);
      check_spectrum_call(frames.feed(chunk), bridge);
    } else {
      bridge.on_child_data(chunk);
      check_child_call(lines.feed(chunk), bridge);
    }
    require(bridge.buffered() == frames.buffered() + lines.buffered());
    at += 1 + chunk.size();
  }
  bridge.on_child_eof();
  check_child_call(lines.finish(), bridge);
  bridge.on_spectrum_eof();
  check_spectrum_call({}, bridge);
  require(bridge.buffered() == frames.buffered());
  return 0;
}
