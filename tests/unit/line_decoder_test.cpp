#include "core/line_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace s2j {
namespace {

struct Got {
  std::vector<std::string> lines;
  std::vector<std::string> oversized;
};

void drain(LineDecoder& d, Got& got) {
  LineEvent e;
  while (d.next(e)) (e.kind == LineEvent::Kind::kLine ? got.lines : got.oversized).emplace_back(e.text);
}

TEST(LineDecoder, SplitsAtEveryByteBoundary) {
  const std::string input = "{\"a\":1}\n\n{\"b\":2}\r\nlast\n";
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    LineDecoder d(100);
    Got got;
    d.feed(input.substr(0, cut));
    drain(d, got);
    d.feed(input.substr(cut));
    drain(d, got);
    EXPECT_EQ(got.lines, (std::vector<std::string>{"{\"a\":1}", "", "{\"b\":2}", "last"})) << cut;
  }
}

TEST(LineDecoder, FinishReturnsUnterminatedLastLine) {
  LineDecoder d(100);
  Got got;
  d.feed("one\ntwo");
  drain(d, got);
  EXPECT_EQ(got.lines, std::vector<std::string>{"one"});
  d.finish();
  drain(d, got);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"one", "two"}));
}

TEST(LineDecoder, OversizedLineIsReportedOnceAndDiscardedUpToItsNewline) {
  LineDecoder d(10, 4);
  Got got;
  d.feed("ok\n0123456789ABCDEF");
  drain(d, got);
  d.feed("GHIJKLMNOP");
  drain(d, got);
  EXPECT_LE(d.buffered(), 10u);
  d.feed("QRS\nnext\n");
  drain(d, got);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"ok", "next"}));
  EXPECT_EQ(got.oversized, std::vector<std::string>{"0123"});
}

TEST(LineDecoder, OversizedLineArrivingWholeIsReported) {
  LineDecoder d(5, 3);
  Got got;
  d.feed("abcdefgh\nxy\n");
  drain(d, got);
  EXPECT_EQ(got.oversized, std::vector<std::string>{"abc"});
  EXPECT_EQ(got.lines, std::vector<std::string>{"xy"});
}

TEST(LineDecoder, LineOfExactlyTheLimitPasses) {
  LineDecoder d(5);
  Got got;
  d.feed("12345\n");
  drain(d, got);
  EXPECT_EQ(got.lines, std::vector<std::string>{"12345"});
  EXPECT_TRUE(got.oversized.empty());
}

}  // namespace
}  // namespace s2j
