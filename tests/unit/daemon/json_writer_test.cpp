// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace xvrrp::daemon {
namespace {

TEST(JsonWriter, NestedObjectsAndArraysHaveCommasOnlyBetweenMembers) {
  JsonWriter w;
  w.begin_object();
  w.field("a", 1);
  w.key("list").begin_array();
  w.value(1).value(2);
  w.begin_object().field("x", true).end_object();
  w.begin_array().end_array();
  w.end_array();
  w.key("empty").begin_object().end_object();
  w.field("s", "t");
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"list":[1,2,{"x":true},[]],"empty":{},"s":"t"})");
}

TEST(JsonWriter, StringsAndKeysAreEscaped) {
  JsonWriter w;
  w.begin_object().field("k\"ey", "a\\b\n\t\x01").end_object();
  EXPECT_EQ(w.str(), R"({"k\"ey":"a\\b\n\t\u0001"})");
}

TEST(JsonWriter, IntegersAtTheirLimits) {
  JsonWriter w;
  w.begin_array();
  w.value(std::numeric_limits<std::int64_t>::min());
  w.value(std::numeric_limits<std::uint64_t>::max());
  w.value(-1).value(0u);
  w.end_array();
  EXPECT_EQ(w.str(), "[-9223372036854775808,18446744073709551615,-1,0]");
}

TEST(JsonWriter, DoublesHaveThreeDecimalsAndNonFiniteIsNull) {
  JsonWriter w;
  w.begin_array();
  w.value(1.5).value(-0.0004);
  w.value(std::numeric_limits<double>::infinity());
  w.value(std::nan(""));
  w.end_array();
  EXPECT_EQ(w.str(), "[1.500,-0.000,null,null]");
}

TEST(JsonWriter, OptionalFieldsAreNullWhenEmpty) {
  JsonWriter w;
  w.begin_object();
  w.field("set", std::optional<int>(7));
  w.field("unset", std::optional<int>());
  w.key("n").null();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"set":7,"unset":null,"n":null})");
}

TEST(JsonWriter, InvalidUtf8InAStringStillGivesValidJson) {
  JsonWriter w;
  w.value(
      std::string_view("a\xff"
                       "b",
                       3));
  EXPECT_EQ(w.str(),
            "\"a\xef\xbf\xbd"
            "b\"");  // U+FFFD
}

}  // namespace
}  // namespace xvrrp::daemon
