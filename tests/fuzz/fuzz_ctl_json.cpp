// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpctl's JSON reader and what it does with a status reply: parse, both dump forms, every
// accessor on every value, and the status and metrics renderers. Invariants: dump() output
// parses again to the same document; only JsonError escapes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "json.hpp"
#include "render.hpp"

namespace {

using xvrrp::ctl::Json;
using xvrrp::ctl::JsonError;

void visit(const Json& j, int depth) {
  try {
    switch (j.type()) {
      case Json::Type::Number:
        (void)j.as_double();
        (void)j.as_int();
        break;
      case Json::Type::Bool:
        (void)j.as_bool();
        break;
      case Json::Type::String:
        (void)j.as_string();
        break;
      case Json::Type::Array:
        for (const Json& item : j.items()) visit(item, depth + 1);
        break;
      case Json::Type::Object:
        for (const auto& [key, value] : j.members()) {
          xvrrp::fuzz::check(j.find(key) != nullptr, "a member is not found by its key");
          visit(value, depth + 1);
        }
        break;
      case Json::Type::Null:
        break;
    }
  } catch (const JsonError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Json doc;
  try {
    doc = Json::parse(input);
  } catch (const JsonError&) {
    return 0;
  }
  visit(doc, 0);
  const std::string compact = doc.dump(-1);
  const std::string pretty = doc.dump(2);
  try {
    xvrrp::fuzz::check(Json::parse(compact).dump(-1) == compact,
                       "compact dump does not round-trip");
    xvrrp::fuzz::check(Json::parse(pretty).dump(-1) == compact, "pretty dump does not round-trip");
  } catch (const JsonError&) {
    xvrrp::fuzz::check(false, "dump() wrote JSON that does not parse");
  }
  try {
    (void)xvrrp::ctl::render_status_text(doc);
  } catch (const JsonError&) {
  }
  try {
    (void)xvrrp::ctl::render_metrics("fuzz", &doc, nullptr);
  } catch (const JsonError&) {
  }
  return 0;
}
