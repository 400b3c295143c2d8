#include "core/options.h"

#include <gtest/gtest.h>

namespace s2j {
namespace {

CommandLine parse(std::vector<const char*> args) {
  args.insert(args.begin(), "spectrum2_json_backend");
  CommandLine cli;
  std::string help;
  EXPECT_EQ(parse_command_line(static_cast<int>(args.size()), args.data(), cli, help), "");
  return cli;
}

TEST(CommandLine, DescribeTakesAnOptionalType) {
  EXPECT_FALSE(parse({"--host", "h", "--port", "1"}).describe);
  EXPECT_EQ(parse({"--describe"}).describe, "all");
  EXPECT_EQ(parse({"--describe=attention"}).describe, "attention");
  EXPECT_EQ(parse({"--describe", "attention"}).describe, "attention");
}

TEST(CommandLine, ParsesWhatSpectrumPasses) {
  const CommandLine cli = parse({"--host", "127.0.0.1", "--port", "31640", "--service.backend_id=1", "-j",
                                 "icq.example.org", "/etc/spectrum2/transports/icq.cfg"});
  EXPECT_EQ(cli.host, "127.0.0.1");
  EXPECT_EQ(cli.port, "31640");
  EXPECT_EQ(cli.backend_id, "1");
  EXPECT_EQ(cli.jid, "icq.example.org");
  EXPECT_EQ(cli.config_path, "/etc/spectrum2/transports/icq.cfg");
}

TEST(CommandLine, ConfigFromOptionOrLastPositionalAndUnknownOptionsIgnored) {
  EXPECT_EQ(parse({"-h", "::1", "-p", "1", "--config", "a.cfg", "-n"}).config_path, "a.cfg");
  EXPECT_EQ(parse({"--port=1", "-n", "--no-debug", "--service.more=3", "b.cfg"}).config_path, "b.cfg");
  EXPECT_EQ(parse({"-h", "::1", "-p", "1", "--config", "a.cfg"}).host, "::1");
}

TEST(CommandLine, CollectsOverridesInOrder) {
  const CommandLine cli = parse({"--port", "1", "--child", "cat", "--json_backend.ping_timeout=5", "--trace", "/tmp/t",
                                 "--json_backend.custom=x=y"});
  ASSERT_EQ(cli.overrides.size(), 4u);
  EXPECT_EQ(cli.overrides[0], (std::pair<std::string, std::string>{"child", "cat"}));
  EXPECT_EQ(cli.overrides[1], (std::pair<std::string, std::string>{"trace", "/tmp/t"}));
  EXPECT_EQ(cli.overrides[2], (std::pair<std::string, std::string>{"ping_timeout", "5"}));
  EXPECT_EQ(cli.overrides[3], (std::pair<std::string, std::string>{"custom", "x=y"}));
}

TEST(CommandLine, HelpAndVersion) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
  EXPECT_FALSE(parse({"-h", "x"}).help) << "-h is --host, as in Spectrum";
}

std::string resolve(std::vector<const char*> args, const std::string& config, BridgeOptions& out) {
  CommandLine cli = parse(std::move(args));
  auto entries = parse_ini(config).entries;
  apply_overrides(cli, entries);
  return resolve_options(cli, entries, "/etc/t.cfg", "777", out);
}

TEST(ResolveOptions, ReadsTheJsonBackendSection) {
  BridgeOptions o;
  ASSERT_EQ(resolve({"--port", "5", "--service.backend_id=3", "-j", "j.example"},
                    "[service]\nbackend=x\n[json_backend]\nchild = /usr/bin/python3 '/etc/my backend.py' -v\n"
                    "trace=/var/log/{jid}/trace-{backend_id}-{pid}.jsonl\nfeatures = muc, receipts\n"
                    "shutdown_timeout=1.5\nping_timeout=30\nmax_message_size=1000\nbuffer_limit=2000\nirc_server=x\n",
                    o),
            "");
  EXPECT_EQ(o.port, 5);
  EXPECT_EQ(o.child, (std::vector<std::string>{"/usr/bin/python3", "/etc/my backend.py", "-v"}));
  EXPECT_EQ(o.trace_path, "/var/log/j.example/trace-3-777.jsonl");
  EXPECT_EQ(o.backend_config.features, (std::vector<std::string>{"muc", "receipts"}));
  EXPECT_DOUBLE_EQ(o.lifecycle.shutdown_timeout, 1.5);
  EXPECT_DOUBLE_EQ(o.lifecycle.ping_timeout, 30);
  EXPECT_EQ(o.bridge.max_message_size, 1000u);
  EXPECT_EQ(o.lifecycle.buffer_limit, 2000u);
  EXPECT_EQ(backend_config_text(o.backend_config),
            "[registration]\nneedPassword=1\nneedRegistration=1\n[features]\nmuc=1\nreceipts=1\n");
}

// Without a BACKEND_CONFIG Spectrum requires registration in gateway mode only, and reads the
// registration keys from the transport file: the bridge's BACKEND_CONFIG says exactly that.
TEST(ResolveOptions, RegistrationDefaultsAreWhatSpectrumDoesWithoutABackendConfig) {
  BridgeOptions o;
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat"}, "[service]\nserver_mode = 1\n", o), "");
  EXPECT_EQ(backend_config_text(o.backend_config), "[registration]\nneedPassword=1\nneedRegistration=0\n");
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat"}, "[service]\nserver_mode = false\n", o), "");
  EXPECT_EQ(backend_config_text(o.backend_config), "[registration]\nneedPassword=1\nneedRegistration=1\n");
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat"}, "", o), "");
  EXPECT_TRUE(o.backend_config.need_registration) << "gateway mode is Spectrum's default";
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat"},
                    "[service]\nserver_mode=1\n[registration]\nneedRegistration=yes\nneedPassword=0\n", o),
            "");
  EXPECT_EQ(backend_config_text(o.backend_config), "[registration]\nneedPassword=0\nneedRegistration=1\n");
}

TEST(ResolveOptions, RegistrationKeysOfTheJsonBackendSectionWin) {
  BridgeOptions o;
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat"},
                    "[service]\nserver_mode=1\n[registration]\nneedRegistration=0\n[json_backend]\n"
                    "need_registration = on\nneed_password = FALSE\nextra_fields = token, server\nfeatures = muc\n",
                    o),
            "");
  EXPECT_EQ(backend_config_text(o.backend_config),
            "[registration]\nneedPassword=0\nneedRegistration=1\nextraField=token\nextraField=server\n"
            "[features]\nmuc=1\n");
  EXPECT_NE(
      resolve({"--port", "5", "--child", "cat"}, "[json_backend]\nneed_password=maybe\n", o).find("need_password"),
      std::string::npos);
  EXPECT_NE(resolve({"--port", "5", "--child", "cat"}, "[service]\nserver_mode=2\n", o).find("server_mode"),
            std::string::npos);
}

TEST(ResolveOptions, JidFallsBackToTheConfigWhenSpectrumPassesNoJ) {
  BridgeOptions o;
  ASSERT_EQ(
      resolve({"--port", "5", "--child", "cat", "--json_backend.trace=/t/{jid}"}, "[service]\njid = irc.example\n", o),
      "");
  EXPECT_EQ(o.bridge.jid, "irc.example");
  EXPECT_EQ(o.trace_path, "/t/irc.example");
  ASSERT_EQ(resolve({"--port", "5", "-j", "cli.example", "--child", "cat"}, "[service]\njid = irc.example\n", o), "");
  EXPECT_EQ(o.bridge.jid, "cli.example") << "-j wins";
}

TEST(ResolveOptions, CommandLineWins) {
  BridgeOptions o;
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat -u", "--json_backend.ping_timeout=2"},
                    "[json_backend]\nchild=python3 x.py\nping_timeout=9\n", o),
            "");
  EXPECT_EQ(o.child, (std::vector<std::string>{"cat", "-u"}));
  EXPECT_DOUBLE_EQ(o.lifecycle.ping_timeout, 2);
}

TEST(ResolveOptions, SaysWhatToFix) {
  BridgeOptions o;
  EXPECT_NE(resolve({"--port", "5"}, "", o).find("no child command"), std::string::npos);
  EXPECT_NE(resolve({"--child", "cat"}, "", o).find("--port"), std::string::npos);
  EXPECT_NE(resolve({"--port", "99999", "--child", "cat"}, "", o).find("port"), std::string::npos);
  EXPECT_NE(resolve({"--port", "5"}, "[json_backend]\nchild=cat\nfeatures=muc,typing\n", o).find("typing"),
            std::string::npos);
  EXPECT_NE(resolve({"--port", "5"}, "[json_backend]\nchild=cat\nping_timeout=soon\n", o).find("ping_timeout"),
            std::string::npos);
  EXPECT_NE(resolve({"--port", "5"}, "[json_backend]\nchild=cat\nbuffer_limit=-1\n", o).find("buffer_limit"),
            std::string::npos);
  EXPECT_NE(resolve({"--port", "5"}, "[json_backend]\nchild='cat\n", o).find("quote"), std::string::npos);
  EXPECT_NE(resolve({"--port", "5", "--log-level", "loud", "--child", "cat"}, "", o).find("log-level"),
            std::string::npos);
}

TEST(ResolveOptions, TapModeRunsANativeBackendInsteadOfAChild) {
  BridgeOptions o;
  ASSERT_EQ(resolve({"--port", "5"},
                    "[json_backend]\ntap = /usr/bin/spectrum2_libcommuni_backend --debug\ntap_log = yes\n"
                    "findings = 1\ntap_connect_timeout = 2.5\n",
                    o),
            "");
  EXPECT_TRUE(o.child.empty());
  EXPECT_EQ(o.tap, (std::vector<std::string>{"/usr/bin/spectrum2_libcommuni_backend", "--debug"}));
  EXPECT_TRUE(o.tap_log);
  EXPECT_TRUE(o.findings);
  EXPECT_DOUBLE_EQ(o.tap_connect_timeout, 2.5);
  EXPECT_TRUE(o.warnings.empty()) << o.warnings[0];

  ASSERT_EQ(resolve({"--port", "5", "--tap", "native", "--tap-log"}, "[json_backend]\nchild = python3 x.py\n", o), "")
      << "--tap on the command line replaces the config's child";
  EXPECT_EQ(o.tap, std::vector<std::string>{"native"});
  EXPECT_TRUE(o.tap_log);
  BridgeOptions back;
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat"}, "[json_backend]\ntap = native\n", back), "");
  EXPECT_EQ(back.child, std::vector<std::string>{"cat"});
  EXPECT_TRUE(back.tap.empty()) << "and --child the config's tap";
}

TEST(ResolveOptions, ChildAndTapExcludeEachOther) {
  BridgeOptions o;
  EXPECT_NE(resolve({"--port", "5"}, "[json_backend]\nchild = cat\ntap = native\n", o).find("keep one"),
            std::string::npos);
  CommandLine cli;
  std::string help;
  const char* both[] = {"spectrum2_json_backend", "--port", "5", "--child", "cat", "--tap", "native"};
  EXPECT_NE(parse_command_line(7, both, cli, help).find("--child and --tap"), std::string::npos);
  EXPECT_NE(resolve({"--port", "5"}, "[json_backend]\ntap = native\ntap_connect_timeout = 0\n", o)
                .find("tap_connect_timeout"),
            std::string::npos);
  BridgeOptions bridge;
  ASSERT_EQ(resolve({"--port", "5", "--child", "cat"}, "[json_backend]\nfindings = 1\n", bridge), "");
  ASSERT_EQ(bridge.warnings.size(), 1u);
  EXPECT_NE(bridge.warnings[0].find("for tap mode"), std::string::npos);
}

}  // namespace
}  // namespace s2j
