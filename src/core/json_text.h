// JSON text in and out, for text from peers: parsing never throws, and printing turns invalid UTF-8
// inside strings into U+FFFD instead of throwing, so that a bad byte can never end the program.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace s2j {

// Parses untrusted JSON text. On failure the result is discarded and `error`, if given, says why
// (nlohmann's parser may throw out_of_range even when told not to throw, hence the try).
template <typename Json = nlohmann::json>
Json parse_json(std::string_view text, std::string* error = nullptr) {
  try {
    return Json::parse(text);
  } catch (const typename Json::exception& e) {
    if (error != nullptr) {
      const std::string what = e.what();
      const size_t cut = what.find("] ");  // drop "[json.exception.parse_error.101] "
      *error = cut == std::string::npos ? what : what.substr(cut + 2);
    }
    return Json(Json::value_t::discarded);
  }
}

inline std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::string json_text(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace s2j
