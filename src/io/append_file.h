// A file that takes whole lines: each is appended with one write, so that `tail -f` sees it at once
// and a crash loses nothing written. The descriptor is close-on-exec: children never inherit it.
#pragma once

#include <string>
#include <string_view>

namespace s2j {

class AppendFile {
 public:
  AppendFile() = default;
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Returns 0 or an errno value.
  int open(const std::string& path);
  bool is_open() const { return fd_ >= 0; }
  // Returns 0, or the errno value of a failed write (what did not fit is lost).
  int append(std::string_view line);

 private:
  int fd_ = -1;
};

}  // namespace s2j
