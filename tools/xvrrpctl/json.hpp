// SPDX-License-Identifier: GPL-2.0-or-later
// Minimal JSON (RFC 8259) reader/writer for xvrrpctl: parses the daemon's status reply and
// writes xvrrpctl's own --json output. Numbers keep their source text so re-indenting the
// daemon's reply never changes a value. Objects keep member order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xvrrp::ctl {

class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Json {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json null() { return Json(); }
  static Json boolean(bool b);
  static Json number(double v);  ///< shortest round-trip text
  static Json number(std::int64_t v);
  static Json number_text(std::string text);  ///< caller guarantees valid JSON number text
  static Json string(std::string s);
  static Json array();
  static Json object();

  /// Parses a whole document; throws JsonError("line L column C: ...") on bad input.
  static Json parse(std::string_view text);

  [[nodiscard]] Type type() const { return type_; }
  [[nodiscard]] bool is_null() const { return type_ == Type::Null; }

  // Accessors throw JsonError naming the expected type.
  [[nodiscard]] bool as_bool() const;
  [[nodiscard]] double as_double() const;
  [[nodiscard]] std::int64_t as_int() const;
  [[nodiscard]] const std::string& as_string() const;
  [[nodiscard]] const std::string& number_text() const;
  [[nodiscard]] const std::vector<Json>& items() const;
  [[nodiscard]] const std::vector<Member>& members() const;

  /// Object member or nullptr.
  [[nodiscard]] const Json* find(std::string_view key) const;
  /// Object member; throws JsonError("missing field KEY") when absent.
  [[nodiscard]] const Json& at(std::string_view key) const;

  Json& push(Json v);                  ///< array append
  Json& set(std::string key, Json v);  ///< object append (no dedup)

  /// indent < 0: compact; otherwise pretty with that many spaces per level.
  [[nodiscard]] std::string dump(int indent = 2) const;

 private:
  void dump_to(std::string& out, int indent, int depth) const;

  Type type_ = Type::Null;
  bool bool_ = false;
  std::string text_;  // string value or number text
  std::vector<Json> items_;
  std::vector<Member> members_;
};

std::string json_escape(std::string_view s);

}  // namespace xvrrp::ctl
