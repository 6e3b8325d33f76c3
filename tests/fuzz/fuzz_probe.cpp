// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrp-probe's inputs: the --events file (parse_events, then every renderer with those
// events on an empty timeline) and the command line (the input split at NUL bytes into
// arguments, as argv would be). Invariants: a parse either succeeds or names file:line;
// the JSON report stays valid UTF-8 with a balanced structure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_quote.hpp"
#include "fuzz_util.hpp"
#include "probe/options.hpp"
#include "probe/report.hpp"

namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = xvrrp::utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace xvrrp::probe;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string error;
  const auto events = parse_events(input, "events.txt", 1'700'000'000'000'000'000LL, error);
  if (!events) {
    xvrrp::fuzz::check(error.starts_with("events.txt:"), "an events error without file:line");
  } else {
    TimelineSummary summary;
    ReportContext context;
    context.target = "192.0.2.100";
    context.realtime_offset_ns = 1'700'000'000'000'000'000LL;
    context.events = *events;
    (void)render_text(summary, context);
    (void)render_svg(summary, context);
    const std::string json = render_json(summary, context);
    xvrrp::fuzz::check(valid_utf8(json), "the JSON report is not UTF-8");
  }

  std::vector<std::string_view> args;
  std::string_view rest = input;
  for (;;) {
    const auto nul = rest.find('\0');
    args.push_back(rest.substr(0, nul));
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  const ParseResult r = parse_options(args);
  xvrrp::fuzz::check(r.help || r.options.has_value() != !r.error.empty(),
                     "options neither parsed nor refused with a message");
  return 0;
}
