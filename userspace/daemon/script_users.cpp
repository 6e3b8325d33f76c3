// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/script_users.hpp"

#include <stdexcept>

namespace xvrrp::daemon {

bool apply_default_script_user(config::Global& g, bool (*user_exists)(const std::string&)) {
  if (!g.script_user.empty() || !user_exists(kDefaultScriptUser)) return false;
  g.script_user = kDefaultScriptUser;
  g.script_group.clear();
  return true;
}

ScriptCredentialMap resolve_script_users(config::Config& cfg) {
  apply_default_script_user(cfg.global, notify::script_user_exists);
  ScriptCredentialMap known;
  const ScriptUserKey global{cfg.global.script_user, cfg.global.script_group};
  if (!global.first.empty()) {
    try {
      known.emplace(global, notify::resolve_script_user(global.first, global.second));
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("global_defs: ") + e.what());
    }
  }
  for (config::VrrpScript& script : cfg.scripts) {
    if (script.user.empty()) {
      script.user = global.first;
      script.group = global.second;
    }
    const ScriptUserKey who{script.user, script.group};
    if (who.first.empty() || known.count(who)) continue;
    try {
      known.emplace(who, notify::resolve_script_user(who.first, who.second));
    } catch (const std::exception& e) {
      throw std::runtime_error(script.where + ": vrrp_script " + script.name + ": " + e.what());
    }
  }
  return known;
}

void set_script_user(notify::ScriptSettings& settings, const ScriptUserKey& who,
                     const ScriptCredentialMap& known) {
  settings.user = who.first;
  settings.group = who.second;
  if (auto it = known.find(who); it != known.end()) settings.credentials = it->second;
}

}  // namespace xvrrp::daemon
