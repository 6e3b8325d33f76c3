// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/lexer.hpp"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.hpp"

namespace xvrrp::config {
namespace {

namespace fs = std::filesystem;

class Tokenizer {
 public:
  explicit Tokenizer(std::vector<std::string>& warnings) : warnings_(warnings) {}

  static std::string key_of(const std::string& path) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    return ec ? path : canonical.string();
  }

  // The top level of parse_string: its name takes part in loop detection.
  void root_text(std::string_view text, const std::string& name) {
    stack_.push_back(key_of(name));
    text_of(text, name);
    stack_.pop_back();
  }

  void file(const std::string& path, const std::string& included_from) {
    std::string key = key_of(path);
    if (std::find(stack_.begin(), stack_.end(), key) != stack_.end()) {
      std::string chain;
      for (const auto& f : stack_) chain += f + " -> ";
      throw ConfigError(included_from, "include loop: " + chain + key);
    }
    if (static_cast<int>(stack_.size()) >= kMaxIncludeDepth) {
      throw ConfigError(included_from, "includes nested too deeply (expected at most " +
                                           std::to_string(kMaxIncludeDepth) + " levels)");
    }
    // An included FIFO or device would block the read (a glob matching one would hang
    // `xvrrpd -t`); the top level may be one (`-t -f /dev/stdin`).
    std::error_code type_ec;
    const fs::file_status status = fs::status(path, type_ec);
    if (!type_ec && fs::is_directory(status)) {
      if (included_from.empty()) throw ConfigError(path, "cannot read: is a directory");
      throw ConfigError(included_from, "cannot read included file " + path + ": is a directory");
    }
    if (!type_ec && fs::exists(status) && !fs::is_regular_file(status) && !included_from.empty())
      throw ConfigError(included_from,
                        "cannot read included file " + path + ": is not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::string why = std::strerror(errno);
      if (included_from.empty()) throw ConfigError(path, "cannot read: " + why);
      throw ConfigError(included_from, "cannot read included file " + path + ": " + why);
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(path, "read error");
    stack_.push_back(key);
    text_of(text.str(), path);
    stack_.pop_back();
  }

  void text_of(std::string_view text, const std::string& name) {
    refuse_control_bytes(text, name);
    int line_no = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      ++line_no;
      line(text.substr(pos, end - pos), name, line_no);
      pos = end + 1;
    }
  }

  std::vector<Token> take() { return std::move(tokens_); }

 private:
  // A configuration is text: tab, CR and LF are the only control bytes it
  // may hold. Checked before tokenizing, so a binary file (a NUL, or an
  // include glob that matched an object file) is refused at its first bad
  // byte instead of reaching the word scanner.
  static void refuse_control_bytes(std::string_view text, const std::string& name) {
    int line_no = 1;
    for (char ch : text) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '\n') {
        ++line_no;
      } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", c);
        throw ConfigError(name + ":" + std::to_string(line_no),
                          std::string("control byte ") + hex +
                              " in configuration (expected text: only tab, CR and LF may "
                              "appear; is this a binary file?)");
      }
    }
  }

  void line(std::string_view text, const std::string& name, int line_no) {
    std::vector<Token> out;
    auto make = [&](TokenKind kind, std::string s, bool quoted) {
      Token t;
      t.kind = kind;
      t.text = std::move(s);
      t.quoted = quoted;
      t.file = name;
      t.line = line_no;
      out.push_back(std::move(t));
    };
    size_t i = 0;
    while (i < text.size()) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else if (c == '#' || c == '!') {
        break;
      } else if (c == '{') {
        make(TokenKind::kOpenBrace, "{", false);
        ++i;
      } else if (c == '}') {
        make(TokenKind::kCloseBrace, "}", false);
        ++i;
      } else if (c == '"') {
        std::string s;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '\\' && i + 1 < text.size() &&
              (text[i + 1] == '"' || text[i + 1] == '\\')) {
            s += text[i + 1];
            i += 2;
          } else if (text[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            s += text[i++];
          }
        }
        if (!closed) {
          throw ConfigError(
              name + ":" + std::to_string(line_no),
              "unterminated quoted string (expected a closing '\"' on the same line)");
        }
        make(TokenKind::kWord, std::move(s), true);
      } else {
        size_t start = i;
        while (i < text.size() &&
               std::string_view(" \t\r{}\"#!").find(text[i]) == std::string_view::npos) {
          ++i;
        }
        make(TokenKind::kWord, std::string(text.substr(start, i - start)), false);
      }
    }
    if (!out.empty() && out[0].kind == TokenKind::kWord && !out[0].quoted &&
        out[0].text == "include") {
      include(out);
      return;
    }
    if (out.empty()) return;
    for (auto& t : out) tokens_.push_back(std::move(t));
    Token eol = tokens_.back();
    eol.kind = TokenKind::kEndOfLine;
    eol.text.clear();
    eol.quoted = false;
    tokens_.push_back(std::move(eol));
  }

  void include(const std::vector<Token>& line) {
    const Token& kw = line[0];
    if (line.size() != 2 || line[1].kind != TokenKind::kWord) {
      throw ConfigError(kw.where(),
                        "include takes one file name or glob pattern (expected "
                        "'include PATTERN')");
    }
    std::string pattern = line[1].text;
    if (!pattern.empty() && pattern[0] != '/') {
      fs::path dir = fs::path(kw.file).parent_path();
      if (!dir.empty()) pattern = (dir / pattern).string();
    }
    glob_t g{};
    int rc = ::glob(pattern.c_str(), GLOB_ERR | GLOB_BRACE, nullptr, &g);
    std::vector<std::string> matches;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      throw ConfigError(kw.where(), "include " + line[1].text + ": cannot expand pattern");
    }
    if (matches.empty()) {
      if (pattern.find_first_of("*?[{") == std::string::npos) {
        throw ConfigError(kw.where(), "include " + line[1].text + ": no such file");
      }
      warnings_.push_back(kw.where() + ": warning: include " + line[1].text + " matched no files");
      return;
    }
    // glob() sorts matches already; files are spliced in that order.
    for (const auto& m : matches) {
      std::error_code ec;
      if (fs::is_directory(m, ec)) continue;
      file(m, kw.where());
    }
  }

  std::vector<std::string>& warnings_;
  std::vector<std::string> stack_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize_file(const std::string& path, std::vector<std::string>& warnings) {
  Tokenizer t(warnings);
  t.file(path, "");
  return t.take();
}

std::vector<Token> tokenize_string(std::string_view text, const std::string& name,
                                   std::vector<std::string>& warnings) {
  Tokenizer t(warnings);
  t.root_text(text, name);
  return t.take();
}

}  // namespace xvrrp::config
