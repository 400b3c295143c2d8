// Where a command would be found, as execvp looks for it, so that "not found" and "not executable"
// are known before anything is started.
#pragma once

#include <string>

namespace s2j {

// `name` with a '/' is taken as it is; otherwise each PATH directory is tried. Returns 0 and sets
// `path`, or ENOENT (nowhere) or EACCES (found, but not an executable file).
int find_executable(const std::string& name, std::string& path);

}  // namespace s2j
