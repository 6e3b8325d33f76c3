// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/sysctl.hpp"

#include <fstream>

#include "common/log.hpp"

namespace xvrrp::net {

std::string read_sysctl(const std::string& path) {
  std::ifstream in(path);
  std::string v;
  in >> v;
  return v;
}

bool write_sysctl(const std::string& path, const std::string& value, const char* who) {
  std::ofstream out(path);
  out << value << '\n';
  out.flush();
  if (!out) {
    XLOG_WARN("%s: cannot write %s to %s", who, value.c_str(), path.c_str());
    return false;
  }
  return true;
}

}  // namespace xvrrp::net
