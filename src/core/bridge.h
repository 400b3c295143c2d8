// The bridge state machine, free of I/O: bytes from Spectrum and from the child go in; frames for
// Spectrum, JSON lines for the child, log lines and trace records come out. The shell (src/io) moves
// the output buffers to the sockets and acts on exit_requested().
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

  Bridge(BridgeSettings settings, const Logger& log, Tracer* tracer, MemoryProbe memory);

  // Queues bridge.hello for the child and BACKEND_CONFIG (if configured) for Spectrum.
  void start();
  void on_spectrum_data(std::string_view data);
  void on_spectrum_eof();
  void on_child_data(std::string_view data);
  void on_child_eof();

  // Bytes to write; the shell takes them (e.g. by swap) after each call above.
  std::string& spectrum_output() { return to_spectrum_; }
  std::string& child_output() { return to_child_; }

  // EXIT arrived from Spectrum: everything after it is ignored.
  bool exit_requested() const { return exit_requested_; }
  uint64_t pings() const { return pings_; }
  // Bytes held in the decoders (partial frames and lines).
  size_t buffered() const { return frames_.buffered() + lines_.buffered(); }

 private:
  void handle_frame(std::string_view body);
  void handle_ping();
  void handle_line(std::string_view line);
  void handle_bridge_line(const std::string& type, const nlohmann::json& object);
  void send_child_line(std::string_view json);
  void send_spectrum(int type, const std::string* payload);
  void reject_line(std::string_view line, const std::string& error);
  void trace(TraceDir dir, std::string_view json);

  BridgeSettings settings_;
  const Logger& log_;
  Tracer* tracer_;
  MemoryProbe memory_;
  FrameDecoder frames_;
  LineDecoder lines_;
  std::string to_spectrum_;
  std::string to_child_;
  uint64_t line_number_ = 0;
  uint64_t pings_ = 0;
  bool exit_requested_ = false;
};

}  // namespace s2j
