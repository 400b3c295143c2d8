// How log lines and reports name durations and signals, in one place for every state machine.
#pragma once

#include <string>

namespace s2j {

// "2.5 s"
std::string describe_seconds(double seconds);
// "signal 15 (Terminated)"
std::string describe_signal(int signal);

}  // namespace s2j
