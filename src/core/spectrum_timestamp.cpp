#include "core/spectrum_timestamp.h"

#include <array>

namespace s2j {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr int kFractionDigits = 6;  // posix_time's resolution: microseconds

// A number as boost::lexical_cast reads one into an integer type: an optional '+' or '-', then one
// or more decimal digits, nothing else. For an unsigned type a '-' wraps around (modulo 2^16 for the
// unsigned short of the date fields). The tokens are at most 7 characters, so nothing overflows.
bool lexical_integer(std::string_view text, bool wraps_unsigned, int64_t& out) {
  size_t at = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    at = 1;
  }
  if (at == text.size()) return false;
  int64_t value = 0;
  for (; at < text.size(); ++at) {
    if (text[at] < '0' || text[at] > '9') return false;
    value = value * 10 + (text[at] - '0');
  }
  if (negative) value = wraps_unsigned ? (65536 - value % 65536) % 65536 : -value;
  out = value;
  return true;
}

// Cuts `text` into pieces of the given widths, as Boost's offset_separator does without wrapping:
// the last piece may be shorter; with `partial_last` false a piece shorter than width-1 ends it.
template <size_t N>
size_t cut(std::string_view text, const std::array<size_t, N>& widths, bool partial_last,
           std::array<std::string_view, N>& pieces) {
  size_t count = 0, at = 0;
  for (size_t width : widths) {
    if (at == text.size()) break;
    const size_t taken = std::min(width, text.size() - at);
    if (!partial_last && taken + 1 < width) break;
    pieces[count++] = text.substr(at, taken);
    at += taken;
  }
  return count;
}

bool is_leap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int64_t days_in_month(int64_t year, int64_t month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
}

// Days from 1970-01-01 to year-month-day (proleptic Gregorian, year >= 1).
int64_t days_since_epoch(int64_t year, int64_t month, int64_t day) {
  const auto days_before_year = [](int64_t y) {
    const int64_t n = y - 1;
    return n * 365 + n / 4 - n / 100 + n / 400;
  };
  int64_t days = days_before_year(year) - days_before_year(1970);
  for (int64_t m = 1; m < month; ++m) days += days_in_month(year, m);
  return days + day - 1;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

SpectrumTimestamp throws(std::string_view text, const std::string& why) {
  SpectrumTimestamp t;
  t.kind = SpectrumTimestamp::Kind::kThrows;
  t.error = "timestamp '" + std::string(text) + "' " + why;
  return t;
}

}  // namespace

SpectrumTimestamp read_spectrum_timestamp(std::string_view text) {
  SpectrumTimestamp result;
  if (text.empty()) return result;

  // Boost first tries the names of its special values, for text starting with one of these.
  if (std::string_view("+-nm").find(text[0]) != std::string_view::npos) {
    const std::string folded = lower(text.substr(0, 15));
    for (const char* name : {"not-a-date-time", "+infinity", "-infinity"}) {
      if (folded.rfind(name, 0) == 0) {
        result.kind = SpectrumTimestamp::Kind::kSpecial;
        result.special = name;
        result.warning = "timestamp '" + std::string(text) + "' is Boost's special value " + name +
                         ", not a time: Spectrum sends it as the delay stamp \"" + name + "Z\"";
        return result;
      }
    }
  }

  const size_t t = text.find('T');
  if (t == std::string_view::npos) return throws(text, "has no 'T' between date and time");
  const std::string_view date = text.substr(0, t), time = text.substr(t + 1);
  if (time.empty()) return throws(text, "has no time after the 'T'");

  // Date: YYYYMMDD; anything after the eighth character is ignored.
  std::array<std::string_view, 3> ymd_text;
  const size_t ymd_count = cut(date, std::array<size_t, 3>{4, 2, 2}, false, ymd_text);
  int64_t ymd[3] = {0, 0, 0};
  for (size_t i = 0; i < ymd_count; ++i)
    if (!lexical_integer(ymd_text[i], true, ymd[i]))
      return throws(text, "has '" + std::string(ymd_text[i]) + "' where a number belongs in the date YYYYMMDD");
  const int64_t year = ymd[0], month = ymd[1], day = ymd[2];
  if (year < 1400 || year > 9999) return throws(text, "has a year outside 1400..9999 (date YYYYMMDD)");
  if (month < 1 || month > 12) return throws(text, "has a month outside 1..12 (date YYYYMMDD)");
  if (day < 1 || day > days_in_month(year, month)) return throws(text, "has a day that is not in its month");

  // Time: [-]HHMMSS, each part optional from the right, then one separator character and up to six
  // digits of fraction; anything after that is ignored. Out-of-range parts roll over.
  const bool minus = time[0] == '-';
  std::array<std::string_view, 4> parts;
  const size_t part_count =
      cut(time.substr(minus ? 1 : 0), std::array<size_t, 4>{2, 2, 2, 1 + kFractionDigits}, true, parts);
  int64_t hms[3] = {0, 0, 0}, fraction = 0;
  for (size_t i = 0; i < part_count && i < 3; ++i)
    if (!lexical_integer(parts[i], false, hms[i]))
      return throws(text, "has '" + std::string(parts[i]) + "' where a number belongs in the time HHMMSS");
  if (part_count == 4) {
    const std::string_view digits = parts[3].substr(1);
    if (!digits.empty()) {
      if (!lexical_integer(digits, false, fraction))
        return throws(text, "has '" + std::string(digits) + "' where the fraction of a second belongs");
      for (size_t i = digits.size(); i < kFractionDigits; ++i) fraction *= 10;
      const char separator = parts[3][0];
      if (separator != '.' && separator != ',')
        result.warning = "timestamp '" + std::string(text) + "': Spectrum reads '" + std::string(parts[3]) +
                         "' after the seconds as a fraction of a second (" +
                         (separator == '+' || separator == '-' ? "not as a UTC offset; " : "") +
                         "send UTC as YYYYMMDDTHHMMSS[.ffffff])";
    }
  }
  // Boost: any negative part makes the whole duration negative, built from the absolute values.
  const bool negative_part = hms[0] < 0 || hms[1] < 0 || hms[2] < 0 || fraction < 0;
  const auto magnitude = [](int64_t v) { return v < 0 ? -v : v; };
  int64_t offset =
      ((magnitude(hms[0]) * 60 + magnitude(hms[1])) * 60 + magnitude(hms[2])) * kMicrosPerSecond + magnitude(fraction);
  if (negative_part) offset = -offset;
  if (minus) offset = -offset;

  const int64_t micros = days_since_epoch(year, month, day) * kMicrosPerDay + offset;
  // Swift formats the delay stamp with to_iso_extended_string, which throws outside 1400..9999.
  if (micros < days_since_epoch(1400, 1, 1) * kMicrosPerDay || micros >= days_since_epoch(10000, 1, 1) * kMicrosPerDay)
    return throws(text, "lands outside the years 1400..9999, which Spectrum cannot write as a delay stamp");
  result.kind = SpectrumTimestamp::Kind::kTime;
  result.micros = micros;
  return result;
}

}  // namespace s2j
