#include "core/bridge.h"

#include "core/json_text.h"
#include "core/json_translator.h"
#include "core/utf8.h"
#include "protocol.pb.h"

namespace s2j {

using pbnetwork::WrapperMessage;

namespace {
constexpr size_t kErrorLineBytes = 1024;
}

std::string make_hello_line(const BridgeSettings& s) {
  nlohmann::ordered_json config = nlohmann::ordered_json::object();
  for (const IniEntry& e : s.config) {
    nlohmann::ordered_json& section = config[e.section];
    if (!section.is_object()) section = nlohmann::ordered_json::object();
    auto it = section.find(e.key);
    if (it == section.end())
      section[e.key] = e.value;
    else if (it->is_array())
      it->push_back(e.value);
    else
      *it = nlohmann::ordered_json::array({*it, e.value});
  }
  return json_text(nlohmann::ordered_json{{"type", "bridge.hello"},
                                          {"version", 1},
                                          {"backend_id", s.backend_id},
                                          {"jid", s.jid},
                                          {"config_path", s.config_path},
                                          {"config", config}});
}

Bridge::Bridge(BridgeSettings settings, const Logger& log, Tracer* tracer, MemoryProbe memory)
    : settings_(std::move(settings)),
      log_(log),
      tracer_(tracer),
      memory_(std::move(memory)),
      frames_(settings_.max_message_size),
      lines_(settings_.max_message_size, kErrorLineBytes) {}

void Bridge::start() {
  send_child_line(make_hello_line(settings_));
  if (!settings_.backend_config.empty()) {
    pbnetwork::BackendConfig config;
    config.set_config(settings_.backend_config);
    const std::string payload = config.SerializeAsString();
    send_spectrum(WrapperMessage::TYPE_BACKEND_CONFIG, &payload);
  }
}

void Bridge::trace(TraceDir dir, std::string_view json) {
  if (tracer_ != nullptr) tracer_->record(dir, redactor_.redact(json));
}

void Bridge::send_child_line(std::string_view json) {
  trace(TraceDir::kBridgeToChild, json);
  to_child_.append(json).push_back('\n');
}

void Bridge::send_child_ping(uint64_t id) {
  to_child_.append("{\"type\":\"bridge.ping\",\"id\":\"").append(std::to_string(id)).append("\"}\n");
}

void Bridge::send_spectrum(int type, const std::string* payload) {
  const std::string body = make_wrapper(type, payload);
  if (tracer_ != nullptr) {
    Wrapper w;
    parse_wrapper(body, w);
    tracer_->record(TraceDir::kBridgeToSpectrum, wrapper_to_json(w).json);
  }
  append_frame(to_spectrum_, body);
}

// ---- Spectrum → child ----------------------------------------------------------------------------

Bridge::SpectrumEvents Bridge::on_spectrum_data(std::string_view data) {
  SpectrumEvents events;
  if (exit_seen_) return events;
  frames_.feed(data);
  FrameEvent event;
  while (!exit_seen_ && frames_.next(event)) {
    if (event.kind == FrameEvent::Kind::kOversized) {
      log_.error("frame of " + std::to_string(event.length) + " bytes from Spectrum exceeds max_message_size (" +
                 std::to_string(settings_.max_message_size) + "); skipped");
      continue;
    }
    handle_frame(event.body, events);
  }
  return events;
}

void Bridge::on_spectrum_eof() {
  if (frames_.mid_frame() && !exit_seen_)
    log_.warn("connection to Spectrum closed in the middle of a frame (" + std::to_string(frames_.buffered()) +
              " bytes of it received)");
}

void Bridge::handle_frame(std::string_view body, SpectrumEvents& events) {
  Wrapper w;
  const std::string error = parse_wrapper(body, w);
  if (!error.empty()) {
    log_.error("from Spectrum: " + error + "; skipped");
    return;
  }
  switch (w.number) {
    case WrapperMessage::TYPE_PING:
      trace(TraceDir::kSpectrumToBridge, "{\"type\":\"ping\"}");
      ++events.pings;
      handle_ping();
      return;
    case WrapperMessage::TYPE_PONG:
    case WrapperMessage::TYPE_STATS:
      trace(TraceDir::kSpectrumToBridge, wrapper_to_json(w).json);
      log_.debug("from Spectrum: " + w.type->json_name + " is the bridge's own business; not forwarded");
      return;
    case WrapperMessage::TYPE_EXIT:
      exit_seen_ = events.exit = true;
      break;
    default:
      break;
  }
  // The trace masks a LOGIN's or JOIN_ROOM's password wherever it shows up later, e.g. quoted by the child.
  redactor_.add_secrets_of_frame(w.number, w.payload);
  const size_t start = to_child_.size();
  const std::string note = append_wrapper_json(w, to_child_);
  if (!note.empty()) log_.warn("from Spectrum: " + note);
  trace(TraceDir::kSpectrumToBridge, std::string_view(to_child_).substr(start));
  to_child_.push_back('\n');
}

void Bridge::handle_ping() {
  send_spectrum(WrapperMessage::TYPE_PONG, nullptr);
  const MemoryStats memory = memory_ ? memory_() : MemoryStats{};
  pbnetwork::Stats stats;
  stats.set_res(static_cast<int32_t>(memory.res_kib));
  stats.set_init_res(static_cast<int32_t>(settings_.init_res_kib));
  stats.set_shared(static_cast<int32_t>(memory.shared_kib));
  stats.set_id(settings_.pid);
  const std::string payload = stats.SerializeAsString();
  send_spectrum(WrapperMessage::TYPE_STATS, &payload);
}

// ---- child → Spectrum ----------------------------------------------------------------------------

Bridge::ChildEvents Bridge::on_child_data(std::string_view data) {
  ChildEvents events;
  lines_.feed(data);
  drain_lines(events);
  return events;
}

Bridge::ChildEvents Bridge::on_child_eof() {
  ChildEvents events;
  lines_.finish();
  drain_lines(events);
  return events;
}

void Bridge::drain_lines(ChildEvents& events) {
  LineEvent event;
  while (lines_.next(event)) {
    ++line_number_;
    if (event.kind == LineEvent::Kind::kOversized) {
      reject_line(event.text, "line longer than max_message_size (" + std::to_string(settings_.max_message_size) +
                                  " bytes); discarded");
      continue;
    }
    handle_line(event.text, events);
  }
}

void Bridge::handle_line(std::string_view line, ChildEvents& events) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;  // blank
  FromChild in = json_to_wrapper(line);
  if (in.kind == FromChild::Kind::kBridge && in.bridge_type == "bridge.pong") {
    // The heartbeat is the bridge's own business: not traced.
    const auto id = in.object.find("id");
    if (id != in.object.end() && id->is_string()) events.pongs.push_back(id->get<std::string>());
    return;
  }
  if (tracer_ != nullptr) {
    if (in.kind != FromChild::Kind::kFrame && !in.object.is_object())  // not a JSON object: traced as a string
      trace(TraceDir::kChildToBridge, json_text(nlohmann::json(std::string(line))));
    else
      trace(TraceDir::kChildToBridge, line);
  }
  if (in.kind == FromChild::Kind::kBridge) {
    handle_bridge_line(in.bridge_type, in.object);
    return;
  }
  if (in.kind == FromChild::Kind::kRejected) {
    reject_line(line, in.error);
    return;
  }
  if (in.type->number == WrapperMessage::TYPE_PONG || in.type->number == WrapperMessage::TYPE_STATS) {
    log_.debug("from child line " + std::to_string(line_number_) + ": " + in.type->json_name +
               " dropped (the bridge answers PING itself)");
    return;
  }
  if (!in.warning.empty()) log_.warn("child line " + std::to_string(line_number_) + ": " + in.warning);
  append_frame(to_spectrum_, in.frame_body);
}

void Bridge::handle_bridge_line(const std::string& type, const nlohmann::json& object) {
  if (type != "bridge.log") {
    log_.debug("from child line " + std::to_string(line_number_) + ": " + type + " dropped");
    return;
  }
  const auto level_it = object.find("level");
  const auto message_it = object.find("message");
  std::optional<LogLevel> level = LogLevel::kInfo;
  if (level_it != object.end() && level_it->is_string()) level = parse_log_level(level_it->get<std::string>());
  const std::string message = message_it == object.end()
                                  ? ""
                                  : (message_it->is_string() ? message_it->get<std::string>() : json_text(*message_it));
  log_.log(level.value_or(LogLevel::kInfo), "child: " + redactor_.mask_secrets(message));
}

void Bridge::reject_line(std::string_view line, const std::string& error) {
  log_.error("child line " + std::to_string(line_number_) + " rejected: " + redactor_.mask_secrets(error));
  send_child_line(json_text(nlohmann::ordered_json{{"type", "bridge.error"},
                                                   {"error", error},
                                                   {"line_number", line_number_},
                                                   {"line", std::string(cut_utf8(line, kErrorLineBytes))}}));
}

}  // namespace s2j
