// A recording written as a scenario (sim/scenario.h), to edit and keep as a test: each message from
// Spectrum becomes a send line, each answer recorded after it an expect line holding the whole
// answer as the backend's frame shows it (an expectation matches a subset: trimming loosens it).
#pragma once

#include <string>

#include "sim/message_diff.h"
#include "sim/trace_reader.h"

namespace s2j {

// `source` names the trace and `notes` go into the header as comments; `rules.ignore` leaves those
// fields out of the expect lines; `expect_timeout` goes into each one unless it is the default.
std::string scenario_from_recording(const Recording& recording, const std::string& source,
                                    const std::vector<std::string>& notes, const CompareRules& rules,
                                    double expect_timeout);

}  // namespace s2j
