// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpctl output: status as text, counters as text/JSON, and both as Prometheus text
// exposition format (version 0.0.4) for node_exporter's textfile collector.
// All functions are pure (no I/O) so they are unit-tested on fixed inputs.
#pragma once

#include <string>

#include "json.hpp"
#include "pinned_maps.hpp"

namespace xvrrp::ctl {

/// The daemon's status document as a table per instance. Throws JsonError naming the field
/// when the document does not follow the schema (docs/man/xvrrpctl.8).
std::string render_status_text(const Json& status);

/// Numeric VRRP state for metrics: 0 init, 1 backup, 2 master, 3 fault; -1 unknown.
int state_number(const std::string& state);

/// Reject reason names in XVRRP_REJECT_* order ("too_short", ...).
const char* reject_name(int reason);

/// Jitter bucket b covers [lower, upper) µs: [0,2) for b = 0, else [2^b, 2^(b+1)).
uint64_t jitter_bucket_lower_us(int bucket);
uint64_t jitter_bucket_upper_us(int bucket);

std::string render_counters_text(const MapSnapshot& maps);
Json counters_json(const MapSnapshot& maps);

/// Either input may be null (daemon down / no pins); xvrrp_up says whether status answered.
std::string render_metrics(const std::string& router_id, const Json* status,
                           const MapSnapshot* maps);

}  // namespace xvrrp::ctl
