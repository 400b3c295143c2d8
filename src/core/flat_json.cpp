#include "core/flat_json.h"

#include "core/utf8.h"

namespace s2j {

namespace {

class FlatReader {
 public:
  explicit FlatReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool read(FlatObject& out) {
    out.size = 0;
    skip_space();
    if (!take('{')) return false;
    skip_space();
    if (take('}')) return at_end();
    for (;;) {
      if (out.size == FlatObject::kMaxMembers) return false;
      FlatMember& member = out.members[out.size++];
      if (!string(member.key)) return false;
      skip_space();
      if (!take(':')) return false;
      skip_space();
      if (!value(member.value)) return false;
      skip_space();
      if (take('}')) return at_end();
      if (!take(',')) return false;
      skip_space();
    }
  }

 private:
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool take(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool at_end() {
    skip_space();
    return p_ == end_;
  }
  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  // A string without escapes or control characters; its bytes must be UTF-8.
  bool string(std::string_view& out) {
    if (!take('"')) return false;
    const char* begin = p_;
    bool ascii = true;
    for (; p_ < end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c == '\\' || c < 0x20) return false;
      if (c >= 0x80) ascii = false;
    }
    if (p_ == end_) return false;
    out = std::string_view(begin, static_cast<size_t>(p_ - begin));
    ++p_;
    return ascii || is_valid_utf8(out);
  }

  bool value(FlatValue& out) {
    if (p_ == end_) return false;
    if (*p_ == '"') {
      out.kind = FlatValue::Kind::kString;
      return string(out.text);
    }
    if (*p_ == 't' || *p_ == 'f') {
      out.kind = FlatValue::Kind::kBool;
      out.boolean = *p_ == 't';
      return literal(out.boolean ? "true" : "false");
    }
    return integer(out);
  }

  // -?(0|[1-9][0-9]*), at most 18 digits, not followed by a fraction or an exponent.
  bool integer(FlatValue& out) {
    const bool negative = take('-');
    const char* digits = p_;
    int64_t n = 0;
    for (; p_ < end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
      if (p_ - digits == 18) return false;
      n = n * 10 + (*p_ - '0');
    }
    const ptrdiff_t count = p_ - digits;
    if (count == 0 || (count > 1 && *digits == '0')) return false;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    out.kind = FlatValue::Kind::kInteger;
    out.integer = negative ? -n : n;
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

bool read_flat_json_object(std::string_view text, FlatObject& out) { return FlatReader(text).read(out); }

}  // namespace s2j
