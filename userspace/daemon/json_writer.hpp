// SPDX-License-Identifier: GPL-2.0-or-later
// JsonWriter: builds a compact JSON document into a string. The caller is
// responsible for well-formed nesting (begin/end pairs); keys and strings are
// escaped per RFC 8259.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xvrrp::daemon {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// Writes `"name":`; the next value call supplies its value.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<std::uint64_t>(n)); }
  JsonWriter& value(double d);
  JsonWriter& value(bool b);
  JsonWriter& null();
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }
  template <class T>
  JsonWriter& field(std::string_view name, const std::optional<T>& v) {
    key(name);
    return v ? value(*v) : null();
  }

  [[nodiscard]] const std::string& str() const { return out_; }

 private:
  void separator();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace xvrrp::daemon
