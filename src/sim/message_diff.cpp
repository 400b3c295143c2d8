#include "sim/message_diff.h"

#include <algorithm>

#include "core/json_text.h"
#include "core/trace.h"

namespace s2j {

using Json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kMask = "***";  // what the trace writes for a secret

bool ignored(const CompareRules& rules, const std::string& name, const std::string& path) {
  return std::any_of(rules.ignore.begin(), rules.ignore.end(), [&](const std::string& rule) {
    return rule.find('.') == std::string::npos ? rule == name : rule == path;
  });
}

void remove_ignored(Json& value, const CompareRules& rules, const std::string& path) {
  if (value.is_array()) {
    for (Json& item : value) remove_ignored(item, rules, path);
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      const std::string child = path.empty() ? it.key() : path + "." + it.key();
      if (ignored(rules, it.key(), child)) {
        it = value.erase(it);
      } else {
        remove_ignored(it.value(), rules, child);
        ++it;
      }
    }
  }
}

struct Walk {
  const CompareRules& rules;
  std::vector<FieldDifference>& out;

  std::string masked(std::string text) const {
    for (const std::string& secret : rules.secrets) {
      if (secret.size() < TraceRedactor::kShortestMaskedSecret) continue;  // the trace leaves those too
      for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kMask.size()))
        text.replace(at, secret.size(), kMask);
    }
    return text;
  }

  bool same_leaf(const Json& recorded, const Json& actual) const {
    if (recorded == actual) return true;
    if (!recorded.is_string() || !actual.is_string()) return false;
    const std::string& r = recorded.get_ref<const std::string&>();
    if (r == kMask) return true;
    return r.find(kMask) != std::string::npos && masked(actual.get<std::string>()) == r;
  }

  // `shown` is the field as reported (with array indices), `path` the one --ignore paths name.
  void compare(const Json& recorded, const Json& actual, const std::string& shown, const std::string& path) {
    if (recorded.is_object() && actual.is_object()) {
      for (auto it = recorded.begin(); it != recorded.end(); ++it) member(it.key(), &it.value(), actual, shown, path);
      for (auto it = actual.begin(); it != actual.end(); ++it)
        if (!recorded.contains(it.key())) member(it.key(), nullptr, actual, shown, path);
      return;
    }
    if (recorded.is_array() && actual.is_array() && recorded.size() == actual.size()) {
      for (size_t i = 0; i < recorded.size(); ++i)
        compare(recorded[i], actual[i], shown + "[" + std::to_string(i) + "]", path);
      return;
    }
    if (!same_leaf(recorded, actual)) out.push_back({shown, recorded, actual});
  }

  void member(const std::string& key, const Json* recorded, const Json& actual_parent, const std::string& shown,
              const std::string& path) {
    const std::string child_path = path.empty() ? key : path + "." + key;
    const std::string child_shown = shown.empty() ? key : shown + "." + key;
    if (ignored(rules, key, child_path)) return;
    const auto found = actual_parent.find(key);
    const Json* actual = found == actual_parent.end() ? nullptr : &*found;
    if (recorded == nullptr || actual == nullptr) {
      out.push_back({child_shown, recorded ? std::optional<Json>(*recorded) : std::nullopt,
                     actual ? std::optional<Json>(*actual) : std::nullopt});
      return;
    }
    compare(*recorded, *actual, child_shown, child_path);
  }
};

}  // namespace

std::string describe(const FieldDifference& d) {
  const auto value = [](const std::optional<Json>& v) { return v ? json_text(*v) : std::string("absent or default"); };
  return (d.field.empty() ? std::string("the message") : d.field) + ": recorded " + value(d.recorded) + ", actual " +
         value(d.actual);
}

Json without_ignored(const Json& message, const CompareRules& rules) {
  Json out = message;
  remove_ignored(out, rules, "");
  return out;
}

std::vector<FieldDifference> diff_messages(const Json& recorded, const Json& actual, const CompareRules& rules) {
  std::vector<FieldDifference> out;
  Walk{rules, out}.compare(recorded, actual, "", "");
  return out;
}

}  // namespace s2j
