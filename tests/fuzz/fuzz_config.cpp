// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived.conf lexer and parser, includes included. The input is up to three files
// separated by lines "#@file": main.conf, inc1.conf and inc2.conf in one directory, so
// "include inc1.conf", "include *.conf" (which matches main.conf itself) and include loops
// are reachable. Every input must either load or throw ConfigError; anything else (another
// exception, a crash, a hang, a leak, undefined behaviour) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/lexer.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace xvrrp;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const char* const kNames[] = {"main.conf", "inc1.conf", "inc2.conf"};
  constexpr std::string_view kSeparator = "\n#@file\n";
  std::vector<std::string_view> parts;
  std::string_view rest = input;
  while (parts.size() < 2) {
    const auto at = rest.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.push_back(rest.substr(0, at));
    rest.remove_prefix(at + kSeparator.size());
  }
  parts.push_back(rest);
  const std::string& dir = fuzz::scratch_dir();
  for (std::size_t i = 0; i < 3; ++i)
    fuzz::write_file(dir + "/" + kNames[i], i < parts.size() ? parts[i] : std::string_view{});

  try {
    config::Config cfg = config::load(dir + "/main.conf", "fuzz");
    for (const auto& in : cfg.instances) {
      (void)config::describe_instance(in);
      fuzz::check(config::diff_instances(in, in).empty(), "an instance differs from itself");
    }
  } catch (const config::ConfigError&) {
  }
  try {
    (void)config::parse_string(input, dir + "/string.conf", "fuzz");
  } catch (const config::ConfigError&) {
  }
  return 0;
}
