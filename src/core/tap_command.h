// How the tap starts a native backend: exactly as Spectrum started the tap, with the tap's own
// address instead of Spectrum's. Spectrum runs `BACKEND --host H --port P --service.backend_id=N
// [-j JID] CONFIG` and may add arguments; the backend gets them all, except the tap's own options.
#pragma once

#include <string>
#include <vector>

namespace s2j {

// `tap` is the backend's command (already split), `tap_args` the tap's own arguments (argv without
// argv[0]). --host and --port (-h, -p, and the --x=y forms) are replaced with 127.0.0.1 and `port`
// (added in front when missing); --tap, --tap-log, --child, --trace, --log-level and
// --json_backend.KEY=VALUE are the tap's and are left out.
std::vector<std::string> native_backend_command(const std::vector<std::string>& tap,
                                                const std::vector<std::string>& tap_args, int port);

}  // namespace s2j
