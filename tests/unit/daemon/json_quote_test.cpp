// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/json_quote.hpp"

#include <gtest/gtest.h>

#include <string>

namespace xvrrp {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string q(std::string_view s) { return json_quoted(s); }

TEST(JsonQuote, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(q("a\"b\\c\n\r\t\x01\x1f"), R"("a\"b\\c\n\r\t\u0001\u001f")");
  EXPECT_EQ(q(std::string_view("a\0b", 3)), R"("a\u0000b")");
}

TEST(JsonQuote, WellFormedUtf8PassesThrough) {
  const std::string s = "dummy\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xED\x9F\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(q(s), "\"" + s + "\"");
}

// Non-UTF-8 bytes (an interface or script name is bytes) used to be copied into the JSON
// document, which made the daemon's status invalid JSON for strict readers.
TEST(JsonQuote, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(q("a\xFF"
              "b"),
            "\"a" + kFffd + "b\"");                       // never valid
  EXPECT_EQ(q("\x80"), "\"" + kFffd + "\"");              // stray continuation
  EXPECT_EQ(q("\xC0\xAF"), "\"" + kFffd + kFffd + "\"");  // overlong '/'
  EXPECT_EQ(q("\xE0\x80\xAF"), "\"" + kFffd + kFffd + kFffd + "\"");
  EXPECT_EQ(q("\xED\xA0\x80"), "\"" + kFffd + kFffd + kFffd + "\"");              // surrogate D800
  EXPECT_EQ(q("\xF4\x90\x80\x80"), "\"" + kFffd + kFffd + kFffd + kFffd + "\"");  // > U+10FFFF
  EXPECT_EQ(q("x\xE2\x82"), "\"x" + kFffd + kFffd + "\"");  // truncated at the end
  EXPECT_EQ(q("\xE2\x82"
              "a"),
            "\"" + kFffd + kFffd + "a\"");  // truncated before ASCII
}

TEST(JsonQuote, SequenceLength) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xC3", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xF5\x80\x80\x80", 0), 0u);
}

}  // namespace
}  // namespace xvrrp
