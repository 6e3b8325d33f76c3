// SPDX-License-Identifier: GPL-2.0-or-later
// The config tests' way of parsing a text: as the file "t.conf", returning the Config, or the
// ConfigError's text. Header-only, for tests/unit/config alone.
#pragma once

#include <string>

#include "config/config.hpp"

namespace xvrrp::config::test {

/// Options that also accept the keywords the daemon does not apply yet
/// (ParseOptions::accept_unapplied) when `unapplied` is true.
inline ParseOptions options(bool unapplied) {
  ParseOptions o;
  o.accept_unapplied = unapplied;
  return o;
}

/// `text` parsed as the file "t.conf"; throws ConfigError.
inline Config parse_text(const std::string& text, const ParseOptions& o = {}) {
  return parse_string(text, "t.conf", o);
}

/// The ConfigError text for `text` parsed as "t.conf", or "" when it parses.
inline std::string parse_error(const std::string& text, const ParseOptions& o = {}) {
  try {
    parse_text(text, o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace xvrrp::config::test
