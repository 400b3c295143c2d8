// ConversationMessage.timestamp as Spectrum reads it: boost::posix_time::from_iso_string (Boost 1.74,
// as on Debian 12), unguarded, inside its event loop, and later formatted as the XMPP delay stamp.
// The rule is written out in docs/spectrum-protocol.md#timestamps and checked against Boost itself
// in tests/boost/timestamp_vs_boost_test.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace s2j {

struct SpectrumTimestamp {
  enum class Kind {
    kEmpty,    // no timestamp: Spectrum adds no delay stamp
    kTime,     // a time: `micros` since 1970-01-01T00:00:00 UTC
    kSpecial,  // "not-a-date-time", "+infinity", "-infinity" (any case, anything after them ignored)
    kThrows,   // Spectrum throws (parsing, or formatting a date outside 1400..9999)
  };
  Kind kind = Kind::kEmpty;
  int64_t micros = 0;
  std::string special;  // kSpecial: "not-a-date-time", "+infinity" or "-infinity"
  std::string error;    // kThrows: why, in words
  std::string warning;  // set when Spectrum accepts it but reads something else than was probably meant
};

SpectrumTimestamp read_spectrum_timestamp(std::string_view text);

}  // namespace s2j
