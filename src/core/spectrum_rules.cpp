#include "core/spectrum_rules.h"

#include <set>

#include "core/ini.h"

namespace s2j {

namespace {

constexpr std::string_view kBoolKeys[] = {
    "registration.needPassword",
    "registration.needRegistration",
    "features.receipts",
    "features.muc",
    "features.rawxml",
    "features.disable_jid_escaping",
    "features.send_buddies_on_login",
};

bool is_bool_key(std::string_view key) {
  for (std::string_view k : kBoolKeys)
    if (k == key) return true;
  return false;
}

bool is_bool_value(std::string_view value) {
  if (value.empty()) return true;  // Boost reads an empty value as true
  std::string lower(value);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (std::string_view v : {"1", "0", "true", "false", "yes", "no", "on", "off"})
    if (lower == v) return true;
  return false;
}

bool digits(std::string_view s, size_t from, size_t count) {
  for (size_t i = from; i < from + count; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number(std::string_view s, size_t from, size_t count) {
  int n = 0;
  for (size_t i = from; i < from + count; ++i) n = n * 10 + (s[i] - '0');
  return n;
}

}  // namespace

std::string check_timestamp(std::string_view t) {
  if (t.empty()) return {};
  const std::string form = "timestamp '" + std::string(t) + "' is not in the form YYYYMMDDTHHMMSS";
  if (t.size() < 15 || t[8] != 'T' || !digits(t, 0, 8) || !digits(t, 9, 6)) return form;
  if (t.size() > 15) {
    if ((t[15] != ',' && t[15] != '.') || t.size() == 16 || !digits(t, 16, t.size() - 16)) return form;
  }
  const int year = number(t, 0, 4), month = number(t, 4, 2), day = number(t, 6, 2);
  const int hour = number(t, 9, 2), minute = number(t, 11, 2), second = number(t, 13, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1400 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap ? 1 : 0) ||
      hour > 23 || minute > 59 || second > 59)
    return "timestamp '" + std::string(t) + "' is not a real date and time";
  return {};
}

std::string check_backend_config(std::string_view config) {
  const IniParseResult parsed = parse_ini(config);
  if (!parsed.ok()) return "config line " + std::to_string(parsed.error_line) + ": " + parsed.error;
  std::set<std::string> seen;
  for (const IniEntry& e : parsed.entries) {
    const std::string key = e.section.empty() ? e.key : e.section + "." + e.key;
    if (!is_bool_key(key)) continue;
    if (!is_bool_value(e.value))
      return "config line " + std::to_string(e.line) + ": '" + key + "' needs a boolean (1/0, true/false, " +
             "yes/no, on/off), got '" + e.value + "'";
    if (!seen.insert(key).second) return "config line " + std::to_string(e.line) + ": '" + key + "' is given twice";
  }
  return {};
}

bool is_known_feature(std::string_view name) { return is_bool_key("features." + std::string(name)); }

}  // namespace s2j
