// SPDX-License-Identifier: GPL-2.0-or-later
// track_file (keepalived.conf(5) "Track files"): what a tracked file's content
// means. Pure; the daemon reads the file (inotify, small reads) and passes the
// text here. keepalived 2.2.7's rules (trackers/track_file.c):
//  - the content is read as strtol(TEXT, NULL, 0) (decimal, 0x hex, 0 octal,
//    leading blanks and a sign allowed, trailing text ignored, no digits = 0);
//    an empty, missing, deleted or unreadable file is 0; a number outside
//    INT32_MIN..INT32_MAX+1 is ignored (the previous value stays);
//  - weight 0: a non-zero value is FAULT (reverse: a zero value is FAULT);
//  - otherwise status = value x weight (x -1 with reverse): <= -254 is FAULT,
//    else min(status, 253) is added to the priority.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/script_check.hpp"

namespace xvrrp::policy {

/// The value of a track file's content, or nullopt when it must be ignored.
std::optional<std::int64_t> parse_track_file_value(std::string_view content);

/// What a file whose value is `value` does to an instance tracking it with
/// `weight` (-254..254) and `reverse`.
core::CheckEffect file_effect(std::int64_t value, int weight, bool reverse);

}  // namespace xvrrp::policy
