// The bridge's reading of ConversationMessage.timestamp against Boost's own from_iso_string, the call
// Spectrum makes: every expectation here is computed by Boost in this run, not written down.
#include <gtest/gtest.h>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <random>
#include <string>

#include "core/spectrum_timestamp.h"

namespace {

using s2j::SpectrumTimestamp;

// What Spectrum ends up with: Boost's parse, then Swift's delay-stamp formatting.
SpectrumTimestamp boost_reading(const std::string& text) {
  namespace pt = boost::posix_time;
  SpectrumTimestamp r;
  if (text.empty()) return r;
  pt::ptime time;
  try {
    time = pt::from_iso_string(text);
    (void)pt::to_iso_extended_string(time);
  } catch (const std::exception& e) {
    r.kind = SpectrumTimestamp::Kind::kThrows;
    return r;
  }
  if (time.is_special()) {
    r.kind = SpectrumTimestamp::Kind::kSpecial;
    r.special = pt::to_simple_string(time);
    return r;
  }
  r.kind = SpectrumTimestamp::Kind::kTime;
  r.micros = (time - pt::ptime(boost::gregorian::date(1970, 1, 1))).total_microseconds();
  return r;
}

const char* kind_name(SpectrumTimestamp::Kind kind) {
  switch (kind) {
    case SpectrumTimestamp::Kind::kEmpty:
      return "empty";
    case SpectrumTimestamp::Kind::kTime:
      return "time";
    case SpectrumTimestamp::Kind::kSpecial:
      return "special";
    case SpectrumTimestamp::Kind::kThrows:
      return "throws";
  }
  return "?";
}

void expect_same_as_boost(const std::string& text) {
  const SpectrumTimestamp ours = s2j::read_spectrum_timestamp(text);
  const SpectrumTimestamp boost = boost_reading(text);
  ASSERT_STREQ(kind_name(ours.kind), kind_name(boost.kind)) << "timestamp '" << text << "': " << ours.error;
  if (ours.kind == SpectrumTimestamp::Kind::kTime) {
    EXPECT_EQ(ours.micros, boost.micros) << "timestamp '" << text << "'";
  } else if (ours.kind == SpectrumTimestamp::Kind::kSpecial) {
    EXPECT_EQ(ours.special, boost.special) << "'" << text << "'";
  } else if (ours.kind == SpectrumTimestamp::Kind::kThrows) {
    EXPECT_FALSE(ours.error.empty());
  }
}

// Forms backends write, forms Boost reads in surprising ways, and forms it throws on.
const char* const kCases[] = {
    "20240131T120000Z",
    "20240131T1200",
    "20240131T120000,",
    "20240131T120000.123",
    "20240131T246000",
    "20240131T120060",
    "2024-01-31T12:00:00",
    "20241331T120000",
    "20240230T120000",
    "20240131",
    "garbage",
    "20240131T120000+0100",
    "20240131T120000-0500",
    "20240131T120000",
    "20240229T120000",
    "20230229T120000",
    "21000229T000000",
    "20000229T000000",
    "14000101T000000",
    "13991231T235959",
    "99991231T235959",
    "99991231T240000",
    "14000101T-000001",
    "20240131T",
    "T120000",
    "20240131t120000",
    "20240131T1",
    "20240131T12",
    "20240131T12000",
    "20240131T120000.1234567",
    "20240131T120000.12345678",
    "20240131T120000.12a",
    "20240131T120000Z1",
    "20240131T-1200",
    "20240131T12-5",
    "20240131T+1",
    "20240131T12+5",
    "20240131T12 5",
    "20240131T1 2",
    "20240131T99",
    "2024013T1",
    "+2024013T1",
    "-0240131T1",
    "20240131 T1200",
    "2024+1+1T12",
    "20240131TT",
    "20240131T-",
    "20240131T--",
    "not-a-date-time",
    "NOT-A-DATE-TIME",
    "Not-a-date-time",
    "nOT-A-DATE-TIMEx",
    "+infinity",
    "-infinity",
    "+infinityXYZ",
    "+inf",
    "-inf",
    "min_date_time",
    "max_date_time",
    "20240131T120000.-1",
    "20240131T120000.+1",
    "20240131T120000. ",
    "00000000T000000",
    "20240100T000000",
    "20240132T000000",
    "2024010T000000",
    "202401T000000",
    "20240101X0000T000000",
    "20240131T000000.000000",
    "19700101T000000",
    "19691231T235959.999999",
    " 20240131T120000",
    "20240131T120000 ",
    "20240131T1200\n00",
    "20240131T120000\xc3\xa9",
};

TEST(TimestampVsBoost, EveryTableCaseReadsAsBoostReadsIt) {
  static_assert(sizeof kCases / sizeof kCases[0] >= 40, "at least 40 cases");
  for (const char* text : kCases) expect_same_as_boost(text);
}

// The forms named in the documentation, with the verdict spelled out, so that the table above cannot
// silently agree with a Boost that changed.
TEST(TimestampVsBoost, DocumentedVerdicts) {
  for (const char* accepted : {"20240131T120000Z", "20240131T1200", "20240131T120000,", "20240131T120000.123",
                               "20240131T246000", "20240131T120060", "20240131T120000+0100"})
    EXPECT_EQ(boost_reading(accepted).kind, SpectrumTimestamp::Kind::kTime) << accepted;
  for (const char* thrown : {"2024-01-31T12:00:00", "20241331T120000", "20240230T120000", "20240131", "garbage"})
    EXPECT_EQ(boost_reading(thrown).kind, SpectrumTimestamp::Kind::kThrows) << thrown;
  // "+0100" is read as a fraction: 12:00:00.010000, and the bridge warns about it.
  const SpectrumTimestamp offset = s2j::read_spectrum_timestamp("20240131T120000+0100");
  EXPECT_EQ(offset.micros % 1000000, 10000);
  EXPECT_NE(offset.warning.find("UTC offset"), std::string::npos);
  EXPECT_TRUE(s2j::read_spectrum_timestamp("20240131T120000Z").warning.empty());
  EXPECT_TRUE(s2j::read_spectrum_timestamp("20240131T120000.5").warning.empty());
}

// Random strings over the characters that matter, many near valid forms.
TEST(TimestampVsBoost, RandomStringsReadAsBoostReadsThem) {
  std::mt19937 random(20240131);
  const std::string alphabet = "0123456789T+-.,Z :nNoOtTaAdDeEiIfFmMxX";
  const std::string seeds[] = {"20240131T120000", "99991231T235959", "14000101T000000",       "not-a-date-time",
                               "+infinity",       "-infinity",       "20000229T000000.000001"};
  for (int i = 0; i < 60000; ++i) {
    std::string text;
    if (random() % 2) {
      text = seeds[random() % (sizeof seeds / sizeof seeds[0])];
      const int edits = 1 + static_cast<int>(random() % 3);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const size_t at = random() % (text.size() + 1);
        const char c = alphabet[random() % alphabet.size()];
        switch (random() % 3) {
          case 0:
            text.insert(text.begin() + static_cast<long>(at), c);
            break;
          case 1:
            if (at < text.size()) text.erase(at, 1);
            break;
          default:
            if (at < text.size()) text[at] = c;
        }
      }
    } else {
      const size_t length = random() % 24;
      for (size_t j = 0; j < length; ++j) text.push_back(alphabet[random() % alphabet.size()]);
    }
    expect_same_as_boost(text);
    if (HasFailure()) return;
  }
}

}  // namespace
