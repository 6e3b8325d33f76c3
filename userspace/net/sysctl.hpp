// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/sys values, as the calling thread's network namespace sees them (proxy NDP, use_vmac).
#pragma once

#include <string>

namespace xvrrp::net {

/// The value's first word; "" when it cannot be read.
std::string read_sysctl(const std::string& path);
/// Writes `value`; false, logged as "WHO: cannot write VALUE to PATH", when refused.
bool write_sysctl(const std::string& path, const std::string& value, const char* who);

}  // namespace xvrrp::net
