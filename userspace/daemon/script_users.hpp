// SPDX-License-Identifier: GPL-2.0-or-later
// Who a configuration's scripts run as, resolved before the event loop needs it.
//
// keepalived.conf(5): a vrrp_script's `user USER [GROUP]`, else global_defs'
// `script_user USER [GROUP]`, else the daemon's own user (root). Resolving a
// name goes through NSS, which can stall for seconds (an LDAP-backed passwd);
// on the event loop that would stop the adverts. So the daemon resolves every
// name at start-up, before the loop runs, and on the reload worker
// (config_loader.hpp), and hands the result to the script runners it makes
// (notify::ScriptSettings::credentials), which then look nothing up.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "config/config.hpp"
#include "notify/script_runner.hpp"

namespace xvrrp::daemon {

/// keepalived's default script user: global_defs without script_user runs scripts as
/// this user when it exists, else as root.
inline constexpr const char* kDefaultScriptUser = "keepalived_script";

/// global_defs without script_user: script_user becomes kDefaultScriptUser when
/// `user_exists` says it exists (keepalived.conf(5), script_user). Returns whether it did.
bool apply_default_script_user(config::Global& g, bool (*user_exists)(const std::string&));

/// (USER, GROUP) as configured; GROUP empty = USER's primary group.
using ScriptUserKey = std::pair<std::string, std::string>;
using ScriptCredentialMap = std::map<ScriptUserKey, notify::ScriptCredentials>;

/// Applies the default script user (apply_default_script_user with
/// notify::script_user_exists), gives every vrrp_script of `cfg` without a `user` line
/// global_defs' script_user and script_group, then resolves each user that global_defs and
/// the vrrp_scripts name (the daemon's own user, an empty name, needs nothing).
/// Throws std::runtime_error "FILE:LINE: vrrp_script NAME: script_user USER: no
/// such user" for a script's user, "global_defs: script_user USER: ..." for the
/// global one. Safe on any thread; touches only `cfg`.
ScriptCredentialMap resolve_script_users(config::Config& cfg);

/// Fills `settings.user`, `.group` and, when `known` holds them, `.credentials`.
void set_script_user(notify::ScriptSettings& settings, const ScriptUserKey& who,
                     const ScriptCredentialMap& known);

}  // namespace xvrrp::daemon
