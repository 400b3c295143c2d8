#include "core/tap_relay.h"

#include "core/json_text.h"
#include "core/json_translator.h"
#include "core/utf8.h"
#include "protocol.pb.h"

namespace s2j {

using pbnetwork::WrapperMessage;

namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// The type of a WrapperMessage as Spectrum writes it (field 1 first: 0x08, then a varint), without
// parsing the rest; -1 when the body does not start that way.
int64_t leading_type(std::string_view body) {
  if (body.size() < 2 || static_cast<unsigned char>(body[0]) != 0x08) return -1;
  int64_t value = 0;
  for (size_t i = 1, shift = 0; i < body.size() && shift < 35; ++i, shift += 7) {
    const auto byte = static_cast<unsigned char>(body[i]);
    value |= static_cast<int64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return value;
  }
  return -1;
}

std::string_view side_name(TraceDir dir) {
  return dir == TraceDir::kSpectrumToBackend ? "from Spectrum" : "from the backend";
}

}  // namespace

TapRelay::TapRelay(TapSettings settings, const Logger& log, Tracer* tracer, ConversationChecks* checks)
    : settings_(settings),
      log_(log),
      tracer_(tracer),
      checks_(checks),
      from_spectrum_(settings.max_message_size),
      from_backend_(settings.max_message_size) {}

TapRelay::SpectrumEvents TapRelay::on_spectrum_data(std::string_view data) {
  to_backend_.append(data);
  SpectrumEvents events;
  observe(TraceDir::kSpectrumToBackend, from_spectrum_, data, &events);
  return events;
}

void TapRelay::on_backend_data(std::string_view data) {
  to_spectrum_.append(data);
  observe(TraceDir::kBackendToSpectrum, from_backend_, data, nullptr);
}

void TapRelay::on_spectrum_eof() {
  if (from_spectrum_.mid_frame())
    note(TraceDir::kSpectrumToBackend, "the connection closed in the middle of a frame", std::string_view());
}

void TapRelay::on_backend_eof() {
  if (from_backend_.mid_frame())
    note(TraceDir::kBackendToSpectrum, "the connection closed in the middle of a frame", std::string_view());
}

void TapRelay::on_backend_started(int pid) {
  if (checks_ != nullptr) checks_->set_backend_pid(std::to_string(pid));
}

void TapRelay::observe(TraceDir dir, FrameDecoder& decoder, std::string_view data, SpectrumEvents* events) {
  if (!read_along() && events == nullptr) return;
  decoder.feed(data);
  FrameEvent event;
  while (decoder.next(event)) {
    if (event.kind == FrameEvent::Kind::kOversized) {
      note(dir,
           "a frame of " + std::to_string(event.length) + " bytes, over max_message_size (" +
               std::to_string(settings_.max_message_size) + "): relayed, not decoded",
           std::string_view());
      continue;
    }
    read_frame(dir, event.body, events);
  }
}

void TapRelay::read_frame(TraceDir dir, std::string_view body, SpectrumEvents* events) {
  const bool from_spectrum = dir == TraceDir::kSpectrumToBackend;
  if (!read_along()) {
    // Nobody reads along: only EXIT matters, and Spectrum writes the type first.
    const int64_t type = leading_type(body);
    if (type >= 0) {
      if (from_spectrum && type == WrapperMessage::TYPE_EXIT) events->exit = true;
      return;
    }
  }
  if (!from_spectrum && checks_ != nullptr) {
    nlohmann::ordered_json ignored;
    for (const std::string& finding : checks_->on_backend_frame(body, ignored))
      log_.warn("finding: " + redactor_.mask_secrets(finding));
  }
  Wrapper w;
  const std::string error = parse_wrapper(body, w);
  if (!error.empty()) {
    note(dir, error + " (" + std::to_string(body.size()) + " bytes): relayed as it is", body);
    return;
  }
  if (from_spectrum) {
    if (w.number == WrapperMessage::TYPE_EXIT) events->exit = true;
    // A password is masked wherever it shows up later, e.g. in a backend's error text.
    redactor_.add_secrets_of_frame(w.number, w.payload);
  }
  const std::string json = wrapper_to_json(w, Partial::kShow).json;
  if (from_spectrum && checks_ != nullptr) {
    if (w.number == WrapperMessage::TYPE_PING) {
      bool unanswered = false;
      if (pinged_)
        for (const std::string& finding : checks_->on_tick(unanswered)) log_.warn("finding: " + finding);
      pinged_ = true;
      checks_->on_ping_sent();
    } else {
      const auto message = parse_json<nlohmann::ordered_json>(json);
      if (message.is_object()) checks_->on_sent(message);
    }
  }
  show(dir, json);
}

void TapRelay::show(TraceDir dir, const std::string& json) {
  if (tracer_ == nullptr && !settings_.log_frames) return;
  const std::string masked = redactor_.redact(json);
  if (tracer_ != nullptr) tracer_->record(dir, masked);
  if (!settings_.log_frames) return;
  std::string line(trace_dir_name(dir));
  line.push_back(' ');
  if (masked.size() <= kLogLineBytes) {
    line.append(masked);
  } else {
    line.append(cut_utf8(masked, kLogLineBytes)).append("… (" + std::to_string(masked.size()) + " bytes)");
  }
  log_.info(line);
}

void TapRelay::note(TraceDir dir, const std::string& error, std::string_view bytes) {
  log_.warn(std::string(side_name(dir)) + ": " + error);
  if (tracer_ != nullptr) tracer_->note_unreadable(dir, error, hex(bytes.substr(0, kHexBytes)));
}

}  // namespace s2j
