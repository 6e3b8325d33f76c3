// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived.conf tokenizer. Produces words, braces and end-of-line markers,
// each tagged with FILE:LINE, with `include` directives already expanded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xvrrp::config {

enum class TokenKind { kWord, kOpenBrace, kCloseBrace, kEndOfLine };

struct Token {
  TokenKind kind = TokenKind::kWord;
  /// Word text with quotes removed.
  std::string text;
  /// Came from "..." (so `include`, braces and comments lose their meaning).
  bool quoted = false;
  std::string file;
  int line = 0;

  [[nodiscard]] std::string where() const { return file + ":" + std::to_string(line); }
};

/// Nesting limit for include directives.
inline constexpr int kMaxIncludeDepth = 16;

/// Tokenizes a file. Throws ConfigError when it cannot be read, on an
/// unterminated quote, an include loop or too deep includes. Warnings
/// ("FILE:LINE: warning: ...") are appended to `warnings`.
std::vector<Token> tokenize_file(const std::string& path, std::vector<std::string>& warnings);

/// Tokenizes `text` as the contents of file `name`.
std::vector<Token> tokenize_string(std::string_view text, const std::string& name,
                                   std::vector<std::string>& warnings);

}  // namespace xvrrp::config
