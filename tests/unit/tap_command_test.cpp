// How the tap starts a native backend: as Spectrum started the tap, pointed at the tap.
#include "core/tap_command.h"

#include <gtest/gtest.h>

namespace s2j {
namespace {

using Args = std::vector<std::string>;

TEST(TapCommand, SpectrumsArgumentsArePassedOnWithTheTapsAddress) {
  const Args spectrum = {"--host",
                         "10.0.0.5",
                         "--port",
                         "10001",
                         "--service.backend_id=3",
                         "-j",
                         "irc.example.org",
                         "/etc/spectrum2/transports/irc.cfg"};
  EXPECT_EQ(native_backend_command({"/usr/bin/spectrum2_libcommuni_backend"}, spectrum, 40000),
            (Args{"/usr/bin/spectrum2_libcommuni_backend", "--host", "127.0.0.1", "--port", "40000",
                  "--service.backend_id=3", "-j", "irc.example.org", "/etc/spectrum2/transports/irc.cfg"}));
}

TEST(TapCommand, EveryFormOfHostAndPortIsReplacedAndUnknownArgumentsKept) {
  const Args spectrum = {"-h", "spectrum", "-p", "1", "--extra", "x", "cfg"};
  EXPECT_EQ(native_backend_command({"b"}, spectrum, 7),
            (Args{"b", "--host", "127.0.0.1", "--port", "7", "--extra", "x", "cfg"}));
  EXPECT_EQ(native_backend_command({"b"}, {"--host=spectrum", "--port=1", "cfg"}, 7),
            (Args{"b", "--host=127.0.0.1", "--port=7", "cfg"}));
}

TEST(TapCommand, TheTapsOwnOptionsStayWithTheTap) {
  const Args args = {"--tap",
                     "backend -v",
                     "--tap-log",
                     "--trace=/tmp/t",
                     "--log-level",
                     "debug",
                     "--json_backend.findings=1",
                     "--child",
                     "x",
                     "--port",
                     "5",
                     "cfg"};
  EXPECT_EQ(native_backend_command({"backend", "-v"}, args, 9),
            (Args{"backend", "-v", "--host", "127.0.0.1", "--port", "9", "cfg"}))
      << "a missing --host comes first; the backend's own words (-v) stay in its command";
}

}  // namespace
}  // namespace s2j
