// The bridge's message layer, free of I/O: bytes from Spectrum and from the child go in; frames for
// Spectrum, JSON lines for the child, log lines and trace records come out, and each input reports
// the events the lifecycle (core/lifecycle.h) acts on. core/bridge_session.h joins the two.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include "core/frame_codec.h"
#include "core/ini.h"
#include "core/line_decoder.h"
#include "core/log.h"
#include "core/trace.h"

namespace s2j {

struct MemoryStats {
  int64_t res_kib = 0;
  int64_t shared_kib = 0;
};

struct BridgeSettings {
  std::string backend_id;
  std::string jid;
  std::string config_path;       // absolute, or "" without a config file
  std::vector<IniEntry> config;  // the whole transport config, for bridge.hello
  std::string backend_config;    // BACKEND_CONFIG text sent before the first PONG; "" = none
  size_t max_message_size = 64u << 20;
  int64_t init_res_kib = 0;  // Stats.init_res
  std::string pid;           // Stats.id: the bridge's own PID
};

// The first line the child reads.
std::string make_hello_line(const BridgeSettings& settings);

class Bridge {
 public:
  using MemoryProbe = std::function<MemoryStats()>;

  // What a chunk of Spectrum's bytes held that the lifecycle needs to know.
  struct SpectrumEvents {
    uint32_t pings = 0;
    bool exit = false;  // EXIT: everything after it is ignored
  };
  // What a chunk of the child's bytes held that the lifecycle needs to know.
  struct ChildEvents {
    std::vector<std::string> pongs;  // ids of bridge.pong lines
  };

  Bridge(BridgeSettings settings, const Logger& log, Tracer* tracer, MemoryProbe memory);

  // Queues bridge.hello for the child and BACKEND_CONFIG (if configured) for Spectrum.
  void start();
  SpectrumEvents on_spectrum_data(std::string_view data);
  void on_spectrum_eof();
  ChildEvents on_child_data(std::string_view data);
  ChildEvents on_child_eof();
  // Queues {"type":"bridge.ping","id":"<id>"} for the child (not traced: it is the bridge's own).
  void send_child_ping(uint64_t id);

  // Bytes to write; the shell takes them (e.g. by swap) after each call above.
  std::string& spectrum_output() { return to_spectrum_; }
  std::string& child_output() { return to_child_; }
  // Bytes held in the decoders (partial frames and lines).
  size_t buffered() const { return frames_.buffered() + lines_.buffered(); }

 private:
  void handle_frame(std::string_view body, SpectrumEvents& events);
  void handle_ping();
  void drain_lines(ChildEvents& events);
  void handle_line(std::string_view line, ChildEvents& events);
  void handle_bridge_line(const std::string& type, const nlohmann::json& object);
  void send_child_line(std::string_view json);
  void send_spectrum(int type, const std::string* payload);
  void reject_line(std::string_view line, const std::string& error);
  void trace(TraceDir dir, std::string_view json);

  BridgeSettings settings_;
  const Logger& log_;
  Tracer* tracer_;
  TraceRedactor redactor_;
  MemoryProbe memory_;
  FrameDecoder frames_;
  LineDecoder lines_;
  std::string to_spectrum_;
  std::string to_child_;
  uint64_t line_number_ = 0;
  bool exit_seen_ = false;
};

}  // namespace s2j
