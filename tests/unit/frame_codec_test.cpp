#include "core/frame_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace s2j {
namespace {

std::string frame(std::string_view body) {
  std::string out;
  append_frame(out, body);
  return out;
}

std::vector<std::string> drain(FrameDecoder& d, std::vector<uint64_t>* oversized = nullptr) {
  std::vector<std::string> out;
  FrameEvent e;
  while (d.next(e)) {
    if (e.kind == FrameEvent::Kind::kFrame)
      out.emplace_back(e.body);
    else if (oversized)
      oversized->push_back(e.length);
  }
  return out;
}

TEST(FrameCodec, HeaderIsBigEndianLength) {
  EXPECT_EQ(frame(std::string("\x08\x09", 2)), std::string("\x00\x00\x00\x02\x08\x09", 6));
  std::string big;
  append_frame_header(big, 0x01020304);
  EXPECT_EQ(big, std::string("\x01\x02\x03\x04", 4));
}

TEST(FrameCodec, DecodesFramesSplitAtEveryByteBoundary) {
  const std::vector<std::string> bodies = {std::string("\x08\x09", 2), "", std::string(300, 'x'), "abc"};
  std::string stream;
  for (const auto& b : bodies) stream += frame(b);
  for (size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 7) {
      FrameDecoder d(1 << 20);
      std::vector<std::string> got;
      for (auto part : {stream.substr(0, cut1), stream.substr(cut1, cut2 - cut1), stream.substr(cut2)}) {
        d.feed(part);
        for (auto& f : drain(d)) got.push_back(f);
      }
      ASSERT_EQ(got, bodies) << "cuts at " << cut1 << "," << cut2;
      EXPECT_FALSE(d.mid_frame());
    }
  }
}

TEST(FrameCodec, DecodesGluedFramesFromOneRead) {
  FrameDecoder d(1024);
  std::string stream;
  for (int i = 0; i < 100; ++i) stream += frame("frame" + std::to_string(i));
  d.feed(stream);
  auto got = drain(d);
  ASSERT_EQ(got.size(), 100u);
  EXPECT_EQ(got[0], "frame0");
  EXPECT_EQ(got[99], "frame99");
}

TEST(FrameCodec, SkipsOversizedFrameAndContinues) {
  FrameDecoder d(16);
  const std::string stream = frame("before") + frame(std::string(1000, 'z')) + frame("after");
  std::vector<uint64_t> oversized;
  std::vector<std::string> got;
  for (size_t i = 0; i < stream.size(); i += 3) {
    d.feed(stream.substr(i, 3));
    for (auto& f : drain(d, &oversized)) got.push_back(f);
    EXPECT_LE(d.buffered(), 20u) << "oversized bytes must not accumulate";
  }
  EXPECT_EQ(got, (std::vector<std::string>{"before", "after"}));
  EXPECT_EQ(oversized, std::vector<uint64_t>{1000});
}

TEST(FrameCodec, HugeLengthPrefixIsSkippedWithoutBuffering) {
  FrameDecoder d(1 << 20);
  d.feed(std::string("\xff\xff\xff\xff", 4));
  std::vector<uint64_t> oversized;
  EXPECT_TRUE(drain(d, &oversized).empty());
  EXPECT_EQ(oversized, std::vector<uint64_t>{0xFFFFFFFFu});
  d.feed(std::string(1 << 16, 'x'));
  EXPECT_TRUE(drain(d).empty());
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_TRUE(d.mid_frame());
}

TEST(FrameCodec, MidFrameReportsPartialInput) {
  FrameDecoder d(1024);
  d.feed(frame("hello").substr(0, 6));
  EXPECT_TRUE(drain(d).empty());
  EXPECT_TRUE(d.mid_frame());
  d.feed("llo");
  EXPECT_EQ(drain(d), std::vector<std::string>{"hello"});
  EXPECT_FALSE(d.mid_frame());
}

}  // namespace
}  // namespace s2j
