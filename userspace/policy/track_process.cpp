// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/track_process.hpp"

#include <string>

namespace xvrrp::policy {

namespace {

using ParamMatch = config::TrackProcess::ParamMatch;

bool params_match(const config::TrackProcess& t, std::string_view rest) {
  std::string want;
  for (const auto& p : t.params) {
    want += p;
    want.push_back('\0');
  }
  if (t.param_match == ParamMatch::kExact) return rest == want;
  if (rest.size() < want.size()) return false;
  if (t.param_match == ParamMatch::kPartial) return rest.substr(0, want.size()) == want;
  // Initial: the last parameter's terminating NUL is not compared.
  if (want.empty()) return true;
  return rest.substr(0, want.size() - 1) == std::string_view(want).substr(0, want.size() - 1);
}

}  // namespace

bool process_matches(const config::TrackProcess& t, std::string_view comm,
                     std::string_view cmdline) {
  std::string_view name = comm;
  std::string_view rest;
  if (t.full_command) {
    const size_t end = cmdline.find('\0');
    name = cmdline.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : cmdline.substr(end + 1);
  }
  if (name != t.process) return false;
  if (t.param_match == ParamMatch::kNone) return true;
  return params_match(t, rest);
}

core::ProcessQuorumParams quorum_params(const config::TrackProcess& t) {
  core::ProcessQuorumParams p;
  p.quorum = t.quorum;
  p.quorum_max = t.quorum_max;
  p.fork_delay = static_cast<core::Nanos>(t.fork_delay_ms) * 1'000'000;
  p.terminate_delay = static_cast<core::Nanos>(t.terminate_delay_ms) * 1'000'000;
  return p;
}

}  // namespace xvrrp::policy
