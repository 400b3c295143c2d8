// Reading traces into turns: both the bridge's directions and a tap's, what is left to the live
// session, what cannot be used (with its line), and passwords the trace masked.
#include "sim/trace_reader.h"

#include <gtest/gtest.h>

#include "core/json_translator.h"
#include "protocol.pb.h"

namespace s2j {
namespace {

using Json = nlohmann::ordered_json;
using pbnetwork::WrapperMessage;

// A trace line at second `s` of a session.
std::string at(int s, const std::string& dir, const std::string& msg) {
  return "{\"ts\":\"2026-11-25T04:25:" + std::string(s < 10 ? "0" : "") + std::to_string(s) + ".5Z\",\"dir\":\"" + dir +
         "\",\"msg\":" + msg + "}\n";
}

const std::string kLogin = R"({"type":"login","user":"alice@localhost","legacyName":"alice","password":"***"})";

Recording read(const std::string& text) {
  Recording r;
  TraceError error;
  EXPECT_TRUE(read_trace(text, r, error)) << error.line << ": " << error.text;
  return r;
}

TraceError error_of(const std::string& text) {
  Recording r;
  TraceError error;
  EXPECT_FALSE(read_trace(text, r, error));
  return error;
}

TEST(TraceTime, ReadsUtcFractionsAndOffsets) {
  const double base = *parse_trace_time("2026-11-25T04:25:24Z");
  EXPECT_DOUBLE_EQ(base, 1795580724);
  EXPECT_NEAR(*parse_trace_time("2026-11-25T04:25:24.929745Z") - base, 0.929745, 1e-6);
  EXPECT_DOUBLE_EQ(*parse_trace_time("2026-11-25T05:25:24+01:00"), base);
  EXPECT_DOUBLE_EQ(*parse_trace_time("2026-11-25T03:55:24-00:30"), base);
  EXPECT_DOUBLE_EQ(*parse_trace_time("2027-01-01T00:00:00Z") - *parse_trace_time("2026-12-31T23:59:59Z"), 1);
  for (const char* bad : {"", "2026-11-25", "2026-11-25 04:25:24", "2026-13-25T04:25:24Z", "2026-11-25T04:25:24.Z",
                          "2026-11-25T04:25:24Zjunk", "yesterday"})
    EXPECT_FALSE(parse_trace_time(bad)) << bad;
}

TEST(TraceReader, CutsABridgeTraceIntoTurnsAndLeavesTheLiveSessionOut) {
  const Recording r =
      read(at(0, "bridge>child", R"({"type":"bridge.hello","version":1})") +
           at(0, "bridge>spectrum", R"({"type":"backend_config","config":"[registration]\nneedPassword=1\n"})") +
           at(1, "spectrum>bridge", R"({"type":"ping"})") + at(1, "bridge>spectrum", R"({"type":"pong"})") +
           at(1, "child>bridge", R"({"type":"backend_config","config":"[features]\nmuc=1\n"})") +  // the session's
           at(2, "spectrum>bridge", kLogin) +                                                      // 6
           at(2, "child>bridge", R"({"type":"bridge.log","level":"info","message":"hi"})") +
           at(2, "child>bridge", "\"not JSON at all\"") +
           at(3, "child>bridge", R"({"type":"login","user":"x"})") +  // 9: rejected by the bridge
           at(3, "bridge>child", R"({"type":"bridge.error","error":"…"})") +
           at(3, "child>bridge", R"({"type":"connected","user":"alice@localhost"})") +  // 11
           at(3, "child>bridge", R"({"type":"pong"})") +
           at(4, "spectrum>bridge",
              R"({"type":"conv_message","userName":"alice@localhost","buddyName":"b","message":"hi"})") +  // 13
           at(4, "child>bridge",
              R"({"type":"TYPE_CONV_MESSAGE","buddyName":"b","userName":"alice@localhost","message":"re"})") +  // 14
           at(5, "spectrum>bridge", R"({"type":"exit"})") +                                                     // 15
           at(5, "child>bridge", R"({"type":"disconnected","user":"alice@localhost","error":0})"));
  ASSERT_EQ(r.turns.size(), 3u);
  EXPECT_FALSE(r.turns[0].sent);
  EXPECT_TRUE(r.turns[0].answers.empty()) << "BACKEND_CONFIG is the live session's, whoever sends it";
  ASSERT_TRUE(r.turns[1].sent);
  EXPECT_EQ(r.turns[1].sent->line, 6);
  EXPECT_DOUBLE_EQ(r.turns[1].sent->at - r.start, 2);
  Wrapper w;
  ASSERT_EQ(parse_wrapper(r.turns[1].sent->frame_body, w), "");
  EXPECT_EQ(w.number, WrapperMessage::TYPE_LOGIN);
  ASSERT_EQ(r.turns[1].answers.size(), 1u);
  EXPECT_EQ(r.turns[1].answers[0].line, 11);
  ASSERT_EQ(r.turns[2].answers.size(), 1u);
  EXPECT_EQ(r.turns[2].answers[0].message,
            Json::parse(R"({"type":"conv_message","userName":"alice@localhost","buddyName":"b","message":"re"})"))
      << "answers are kept in canonical form";
  EXPECT_EQ(r.turns[2].answers[0].recorded["type"], "TYPE_CONV_MESSAGE") << "and as recorded";
  EXPECT_EQ(r.exit_line, 15);
  EXPECT_EQ(r.answers_after_exit, 1);
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("trace line 9: the bridge did not forward"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[1].find("1 answer(s) recorded after Spectrum's EXIT (line 15) are not compared"), std::string::npos)
      << r.notes[1];
}

TEST(TraceReader, ReadsATapTraceWithFramesThatDidNotDecode) {
  const Recording r =
      read(at(0, "spectrum>backend", R"({"type":"ping"})") +
           at(0, "backend>spectrum", R"({"type":"backend_config","config":"[features]\nreceipts=1\n"})") +
           at(0, "backend>spectrum", R"({"type":"pong"})") +
           at(0, "backend>spectrum", R"({"type":"stats","res":1,"init_res":1,"shared":1,"id":"7"})") +
           R"({"ts":"2026-11-25T04:25:00.6Z","dir":"spectrum>backend","error":"no type","frame_hex":"1200"})"
           "\n" +
           at(1, "spectrum>backend", kLogin) +
           at(1, "backend>spectrum", R"({"type":"connected","user":"alice@localhost"})") +
           R"({"ts":"2026-11-25T04:25:01.6Z","dir":"backend>spectrum","error":"not a WrapperMessage","frame_hex":"ff"})"
           "\n");
  ASSERT_EQ(r.turns.size(), 2u);
  EXPECT_TRUE(r.turns[0].answers.empty());
  EXPECT_EQ(r.turns[1].answers.size(), 1u);
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("trace line 5: a frame that could not be decoded (\"no type\") from Spectrum is not sent"),
            std::string::npos)
      << r.notes[0];
  EXPECT_NE(r.notes[1].find("trace line 8: a frame that could not be decoded"), std::string::npos) << r.notes[1];
  EXPECT_EQ(r.exit_line, 0);
}

TEST(TraceReader, SendsAnOpaqueFrameFromSpectrumAsItCame) {
  const Recording r = read(at(0, "spectrum>bridge", R"({"type":37,"payload":"CAE="})") +
                           at(1, "spectrum>bridge", R"({"type":"ft_start","payload":"CAE="})"));
  ASSERT_EQ(r.turns.size(), 3u);
  Wrapper w;
  ASSERT_EQ(parse_wrapper(r.turns[1].sent->frame_body, w), "");
  EXPECT_EQ(w.number, 37);
  EXPECT_EQ(w.payload, std::string("\x08\x01", 2));
  ASSERT_EQ(parse_wrapper(r.turns[2].sent->frame_body, w), "");
  EXPECT_EQ(w.number, WrapperMessage::TYPE_FT_START);
}

TEST(TraceReader, SaysWhichLineCannotBeUsed) {
  const std::string login = at(0, "spectrum>bridge", kLogin);
  EXPECT_EQ(error_of(login + "{\"ts\":\n").line, 2);
  EXPECT_NE(error_of(login + "{\"ts\":\n").text.find("not JSON"), std::string::npos);
  EXPECT_EQ(error_of("[1]\n").text, "not a trace line (a JSON object with \"ts\" and \"dir\")");
  EXPECT_EQ(error_of(R"({"ts":"2026-11-25T04:25:24Z","msg":{}})").text, "no \"dir\"");
  EXPECT_EQ(error_of(R"({"dir":"child>bridge","msg":{}})").text, "no \"ts\"");
  EXPECT_NE(error_of(R"({"ts":"today","dir":"child>bridge","msg":{}})").text.find("\"ts\" is not a time"),
            std::string::npos);
  const TraceError unknown = error_of("\n" + at(0, "spectrum>child", kLogin));
  EXPECT_EQ(unknown.line, 2);
  EXPECT_NE(unknown.text.find("unknown \"dir\" \"spectrum>child\""), std::string::npos);
  EXPECT_NE(error_of(at(0, "spectrum>bridge", R"({"type":"connected","user":"a"})"))
                .text.find("cannot send this message from Spectrum again: Spectrum never sends type \"connected\""),
            std::string::npos);
  const TraceError two = error_of(at(0, "bridge>child", R"({"type":"bridge.hello"})") + login +
                                  at(9, "bridge>child", R"({"type":"bridge.hello"})"));
  EXPECT_EQ(two.line, 3);
  EXPECT_NE(two.text.find("more than one session"), std::string::npos);
  const TraceError after_exit = error_of(at(0, "spectrum>backend", R"({"type":"exit"})") + login);
  EXPECT_EQ(after_exit.line, 2);
  EXPECT_NE(after_exit.text.find("after its EXIT on line 1"), std::string::npos);
  EXPECT_EQ(error_of("\n\n").text, "the trace is empty");
}

TEST(TraceReader, FillsInMaskedPasswordsInTheFrameOnly) {
  Recording r =
      read(at(0, "spectrum>bridge", kLogin) +
           at(1, "spectrum>bridge", R"({"type":"login","user":"bob@localhost","legacyName":"bob","password":"***"})") +
           at(2, "spectrum>bridge", R"({"type":"login","user":"bob@localhost","legacyName":"bob","password":"***"})") +
           at(3, "spectrum>bridge",
              R"({"type":"join_room","userName":"alice@localhost","nickname":"a","room":"r","password":"***"})"));
  const MaskedPasswords left = fill_in_passwords(r, {{"alice@localhost", "s3cret,with=comma"}});
  pbnetwork::Login login;
  Wrapper w;
  ASSERT_EQ(parse_wrapper(r.turns[1].sent->frame_body, w), "");
  ASSERT_TRUE(login.ParseFromString(w.payload));
  EXPECT_EQ(login.password(), "s3cret,with=comma");
  EXPECT_EQ(r.turns[1].sent->message["password"], "***") << "what is shown keeps the mask";
  ASSERT_EQ(parse_wrapper(r.turns[2].sent->frame_body, w), "");
  ASSERT_TRUE(login.ParseFromString(w.payload));
  EXPECT_EQ(login.password(), "***");
  EXPECT_EQ(left.users, std::vector<std::string>{"bob@localhost"});
  ASSERT_EQ(left.notes.size(), 2u) << "one note per user, one per room";
  EXPECT_EQ(left.notes[0],
            "trace line 2: the trace masks the password of bob@localhost; it is sent as \"***\" (--password "
            "bob@localhost=PASSWORD sends the real one)");
  EXPECT_NE(left.notes[1].find("trace line 4: the trace masks this room's password"), std::string::npos);
}

}  // namespace
}  // namespace s2j
