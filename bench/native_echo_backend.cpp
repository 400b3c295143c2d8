// Baseline (a): a minimal native Spectrum 2 echo backend linked directly against protobuf.
// Blocking socket, one read at a time, all replies to a read written at once. It answers PING with
// PONG + STATS and echoes every CONV_MESSAGE; EXIT or EOF ends it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "core/frame_codec.h"
#include "protocol.pb.h"

namespace {

long statm_kib(int field) {
  long values[3] = {};
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld %ld", &values[0], &values[1], &values[2]) != 3) values[field] = 0;
    std::fclose(f);
  }
  return values[field] * (sysconf(_SC_PAGESIZE) / 1024);
}

void append(std::string& out, pbnetwork::WrapperMessage::Type type, const google::protobuf::Message* payload) {
  pbnetwork::WrapperMessage w;
  w.set_type(type);
  if (payload != nullptr) w.set_payload(payload->SerializeAsString());
  s2j::append_frame(out, w.SerializeAsString());
}

}  // namespace

int main(int argc, char** argv) {
  const long init_res = statm_kib(1);
  std::string host = "127.0.0.1";
  int port = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--host")) host = argv[i + 1];
    if (!std::strcmp(argv[i], "--port")) port = std::atoi(argv[i + 1]);
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 111;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  s2j::FrameDecoder decoder(1u << 30);
  std::string out;
  static char buffer[1 << 16];
  pbnetwork::WrapperMessage w;
  pbnetwork::ConversationMessage m;
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return 0;
    decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
    s2j::FrameEvent e;
    while (decoder.next(e)) {
      if (e.kind != s2j::FrameEvent::Kind::kFrame || !w.ParseFromArray(e.body.data(), static_cast<int>(e.body.size())))
        continue;
      if (w.type() == pbnetwork::WrapperMessage::TYPE_PING) {
        append(out, pbnetwork::WrapperMessage::TYPE_PONG, nullptr);
        pbnetwork::Stats stats;
        stats.set_res(static_cast<int32_t>(statm_kib(1)));
        stats.set_init_res(static_cast<int32_t>(init_res));
        stats.set_shared(static_cast<int32_t>(statm_kib(2)));
        stats.set_id(std::to_string(getpid()));
        append(out, pbnetwork::WrapperMessage::TYPE_STATS, &stats);
      } else if (w.type() == pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE && m.ParseFromString(w.payload())) {
        append(out, pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE, &m);
      } else if (w.type() == pbnetwork::WrapperMessage::TYPE_EXIT) {
        return 0;
      }
    }
    for (size_t sent = 0; sent < out.size();) {
      const ssize_t k = write(fd, out.data() + sent, out.size() - sent);
      if (k <= 0) return 0;
      sent += static_cast<size_t>(k);
    }
    out.clear();
  }
}
