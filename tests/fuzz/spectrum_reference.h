// How Spectrum itself reads what a backend sends, with the Boost libraries it reads it with.
#pragma once

#include <boost/date_time/posix_time/posix_time.hpp>
#include <boost/program_options.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace reference {

// Spectrum's Config::updateBackendConfig: its backend options registered, others allowed, stored
// and notified (without the store it keeps across messages). False when that throws.
inline bool spectrum_takes_backend_config(const std::string& text) {
  namespace po = boost::program_options;
  po::options_description options("Backend options");
  options.add_options()                                                                     //
      ("registration.needPassword", po::value<bool>()->default_value(true), "")             //
      ("registration.needRegistration", po::value<bool>()->default_value(false), "")        //
      ("registration.extraField", po::value<std::vector<std::string>>()->multitoken(), "")  //
      ("features.receipts", po::value<bool>()->default_value(false), "")                    //
      ("features.muc", po::value<bool>()->default_value(false), "")                         //
      ("features.rawxml", po::value<bool>()->default_value(false), "")                      //
      ("features.disable_jid_escaping", po::value<bool>()->default_value(false), "")        //
      ("features.send_buddies_on_login", po::value<bool>()->default_value(false), "");
  std::istringstream in(text);
  po::variables_map values;
  try {
    po::store(po::parse_config_file(in, options, true), values);
    po::notify(values);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// Whether a line is "[]" or "[.]", which the bridge refuses though Boost reads on: past the start of
// the empty name, and to a lone "." prefix the bridge's sections cannot express.
inline bool has_refused_section(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    const size_t begin = line.find_first_not_of(" \t\r\n"), end = line.find_last_not_of(" \t\r\n");
    if (begin != std::string::npos &&
        (line.substr(begin, end - begin + 1) == "[]" || line.substr(begin, end - begin + 1) == "[.]"))
      return true;
  }
  return false;
}

// Spectrum reads a message's timestamp with from_iso_string and prints it again; false if that throws.
inline bool spectrum_takes_timestamp(const std::string& stamp) {
  if (stamp.empty()) return true;  // no timestamp: not read
  try {
    (void)boost::posix_time::to_iso_extended_string(boost::posix_time::from_iso_string(stamp));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace reference
