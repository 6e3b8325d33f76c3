// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>
#include <type_traits>

#include "config/lexer.hpp"

namespace xvrrp::config {

ConfigError::ConfigError(std::string where, const std::string& message)
    : std::runtime_error(where + ": error: " + message), where_(std::move(where)) {}

bool operator==(const Vip& a, const Vip& b) {
  return std::tie(a.addr, a.prefix_len, a.broadcast, a.dev, a.scope, a.label, a.advertised) ==
         std::tie(b.addr, b.prefix_len, b.broadcast, b.dev, b.scope, b.label, b.advertised);
}

int Instance::family() const {
  for (const auto& v : vips) {
    if (v.advertised) return v.addr.family;
  }
  if (unicast_src_ip) return unicast_src_ip->family;
  if (!unicast_peers.empty()) return unicast_peers.front().addr.family;
  return AF_INET;
}

namespace {

using Words = std::vector<Token>;

struct Statement {
  Words words;  // words[0] is the keyword
  bool has_block = false;
  const Token& keyword() const { return words.front(); }
  std::string where() const { return words.front().where(); }
};

std::string family_name(int family) { return family == AF_INET6 ? "IPv6" : "IPv4"; }

// Instance plus what is needed to resolve defaults once the whole file
// (global_defs may come last) has been read.
struct PendingInstance {
  Instance inst;
  std::optional<Token> interface_tok, vrid_tok, version_tok, advert_tok, state_tok, nopreempt_tok,
      auth_type_tok, auth_pass_tok;
  std::optional<std::uint32_t> garp_delay_ms, garp_repeat, garp_refresh_ms, garp_refresh_repeat;
  std::optional<bool> check_unicast_src;
  std::int64_t advert_cs = 100;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, Config& cfg, std::string default_router_id)
      : tokens_(std::move(tokens)), cfg_(cfg), default_router_id_(std::move(default_router_id)) {}

  void run() {
    bool version_set = false;
    while (auto st = next_statement(nullptr)) {
      const std::string& kw = st->keyword().text;
      if (kw == "global_defs") {
        require_block(*st, 1, "global_defs {");
        global_defs(st->keyword(), version_set);
      } else if (kw == "vrrp_instance") {
        require_block(*st, 2, "vrrp_instance NAME {");
        pending_.push_back(vrrp_instance(*st));
      } else {
        unknown(*st, "top level");
      }
    }
    if (router_id_tok_) {
      check_router_id(cfg_.global.router_id, router_id_tok_->where());
    } else if (!default_router_id_.empty()) {
      check_router_id(default_router_id_, "default router_id");
      cfg_.global.router_id = default_router_id_;
    }
    for (auto& p : pending_) finish(p, version_set);
    cross_checks();
  }

 private:
  // ---- token stream ------------------------------------------------------

  bool at(TokenKind k) const { return pos_ < tokens_.size() && tokens_[pos_].kind == k; }

  void skip_eol() {
    while (at(TokenKind::kEndOfLine)) ++pos_;
  }

  // Next statement of the block opened by `opener` (nullptr: top level);
  // nullopt once the block's '}' (consumed) or the end of input is reached.
  std::optional<Statement> next_statement(const Token* opener) {
    skip_eol();
    if (pos_ >= tokens_.size()) {
      if (opener) {
        throw ConfigError(opener->where(), "block '" + opener->text +
                                               "' is not closed (expected '}' before end of file)");
      }
      return std::nullopt;
    }
    const Token& t = tokens_[pos_];
    if (t.kind == TokenKind::kCloseBrace) {
      if (!opener) throw ConfigError(t.where(), "unexpected '}' (expected a keyword)");
      ++pos_;
      return std::nullopt;
    }
    if (t.kind == TokenKind::kOpenBrace) {
      throw ConfigError(t.where(), "unexpected '{' (expected a keyword before it)");
    }
    Statement st;
    while (at(TokenKind::kWord)) st.words.push_back(tokens_[pos_++]);
    if (at(TokenKind::kOpenBrace)) {
      ++pos_;
      st.has_block = true;
    } else if (at(TokenKind::kEndOfLine)) {
      // keepalived also accepts the '{' alone on the following line.
      size_t look = pos_;
      while (look < tokens_.size() && tokens_[look].kind == TokenKind::kEndOfLine) ++look;
      if (look < tokens_.size() && tokens_[look].kind == TokenKind::kOpenBrace) {
        pos_ = look + 1;
        st.has_block = true;
      }
    }
    return st;
  }

  void skip_block(const Token& opener) {
    int depth = 1;
    while (pos_ < tokens_.size()) {
      TokenKind k = tokens_[pos_++].kind;
      if (k == TokenKind::kOpenBrace) ++depth;
      if (k == TokenKind::kCloseBrace && --depth == 0) return;
    }
    throw ConfigError(opener.where(), "block '" + opener.text +
                                          "' is not closed (expected '}' before end of file)");
  }

  void unknown(const Statement& st, const std::string& section) {
    cfg_.warnings.push_back(st.where() + ": warning: unknown keyword '" + st.keyword().text +
                            "' in " + section + ", ignored");
    if (st.has_block) skip_block(st.keyword());
  }

  static void require_block(const Statement& st, size_t words, const std::string& usage) {
    if (st.words.size() != words) {
      throw ConfigError(st.where(), "wrong number of arguments to '" + st.keyword().text +
                                        "' (expected '" + usage + "')");
    }
    if (!st.has_block) {
      throw ConfigError(st.where(),
                        "'" + st.keyword().text + "' needs a block (expected '" + usage + "')");
    }
  }

  // A keyword that takes exactly `args` arguments and no block.
  static void require_args(const Statement& st, size_t args, const std::string& usage) {
    if (st.has_block) {
      throw ConfigError(st.where(), "'" + st.keyword().text +
                                        "' does not take a block (expected '" + usage + "')");
    }
    if (st.words.size() != args + 1) {
      throw ConfigError(st.where(), "wrong number of arguments to '" + st.keyword().text +
                                        "' (expected '" + usage + "')");
    }
  }

  // ---- values ------------------------------------------------------------

  static std::int64_t integer(const Token& t, std::int64_t lo, std::int64_t hi,
                              const std::string& what) {
    const std::string& s = t.text;
    size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    bool ok = i < s.size() && s.size() - i <= 12;
    for (size_t j = i; ok && j < s.size(); ++j) ok = s[j] >= '0' && s[j] <= '9';
    std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    if (!ok) {
      throw ConfigError(t.where(),
                        "invalid " + what + " '" + s + "' (expected an integer " + range + ")");
    }
    std::int64_t v = std::stoll(s);
    if (v < lo || v > hi) {
      throw ConfigError(t.where(), what + " " + s + " out of range (expected " + range + ")");
    }
    return v;
  }

  // A non-negative decimal in units of 10^-digits (e.g. digits=2: centiseconds).
  // nullopt when malformed or finer than the unit.
  static std::optional<std::int64_t> fixed_point(const std::string& s, int digits) {
    std::int64_t whole = 0, frac = 0;
    size_t i = 0;
    if (s.empty()) return std::nullopt;
    for (; i < s.size() && s[i] != '.'; ++i) {
      if (s[i] < '0' || s[i] > '9' || i >= 9) return std::nullopt;
      whole = whole * 10 + (s[i] - '0');
    }
    if (i == 0 && (s.size() == 1)) return std::nullopt;  // "."
    int seen = 0;
    if (i < s.size()) {
      if (i + 1 == s.size()) return std::nullopt;  // "5."
      for (++i; i < s.size(); ++i, ++seen) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        if (seen >= digits) {
          if (s[i] != '0') return std::nullopt;
          continue;
        }
        frac = frac * 10 + (s[i] - '0');
      }
    }
    for (; seen < digits; ++seen) frac *= 10;
    std::int64_t unit = 1;
    for (int d = 0; d < digits; ++d) unit *= 10;
    return whole * unit + frac;
  }

  // Seconds (decimal allowed, millisecond resolution) to milliseconds.
  static std::uint32_t seconds_ms(const Token& t, std::int64_t max_s, const std::string& what) {
    auto v = fixed_point(t.text, 3);
    std::string expected =
        "(expected seconds 0.." + std::to_string(max_s) + ", at most 3 decimals)";
    if (!v) throw ConfigError(t.where(), "invalid " + what + " '" + t.text + "' " + expected);
    if (*v > max_s * 1000)
      throw ConfigError(t.where(), what + " " + t.text + " out of range " + expected);
    return static_cast<std::uint32_t>(*v);
  }

  static IpAddress address(const Token& t, const std::string& what) {
    auto a = IpAddress::parse(t.text);
    if (!a) {
      throw ConfigError(t.where(),
                        "invalid " + what + " '" + t.text + "' (expected an IPv4 or IPv6 address)");
    }
    return *a;
  }

  static std::string ifname(const Token& t, const std::string& what) {
    const std::string& s = t.text;
    if (s.empty() || s.size() >= IFNAMSIZ || s == "." || s == ".." ||
        s.find_first_of("/ \t:") != std::string::npos) {
      throw ConfigError(t.where(), "invalid " + what + " '" + s +
                                       "' (expected an interface name of 1.." +
                                       std::to_string(IFNAMSIZ - 1) +
                                       " characters without '/', ':' "
                                       "or spaces)");
    }
    return s;
  }

  // notify scripts: one quoted string, or the rest of the line.
  static std::string command_line(const Statement& st) {
    if (st.has_block) {
      throw ConfigError(st.where(), "'" + st.keyword().text + "' does not take a block");
    }
    if (st.words.size() < 2) {
      throw ConfigError(st.where(), "'" + st.keyword().text + "' needs a command (expected '" +
                                        st.keyword().text + " \"SCRIPT ARGS\"')");
    }
    if (st.words.size() == 2) return st.words[1].text;
    std::string cmd;
    for (size_t i = 1; i < st.words.size(); ++i) {
      if (i > 1) cmd += ' ';
      if (st.words[i].quoted) {
        cmd += '"' + st.words[i].text + '"';
      } else {
        cmd += st.words[i].text;
      }
    }
    return cmd;
  }

  // router_id names the control socket and the bpffs pin directory.
  static void check_router_id(const std::string& id, const std::string& where) {
    const std::string expected = " (expected 1.." + std::to_string(kMaxRouterIdLength) +
                                 " printable characters, not '.' or '..', without '/')";
    if (id.empty()) throw ConfigError(where, "empty router_id" + expected);
    if (id.size() > kMaxRouterIdLength) {
      throw ConfigError(
          where, "router_id is " + std::to_string(id.size()) + " characters long" + expected);
    }
    if (id == "." || id == "..")
      throw ConfigError(where, "invalid router_id '" + id + "'" + expected);
    for (char ch : id) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '/' || c < 0x20 || c == 0x7f) {
        throw ConfigError(where, "invalid router_id '" + id + "'" + expected);
      }
    }
  }

  // ---- global_defs -------------------------------------------------------

  void global_defs(const Token& opener, bool& version_set) {
    Global& g = cfg_.global;
    while (auto st = next_statement(&opener)) {
      const std::string& kw = st->keyword().text;
      if (kw == "router_id") {
        require_args(*st, 1, "router_id NAME");
        g.router_id = st->words[1].text;
        router_id_tok_ = st->words[1];
      } else if (kw == "vrrp_version") {
        require_args(*st, 1, "vrrp_version 2|3");
        g.vrrp_version = static_cast<std::uint8_t>(integer(st->words[1], 2, 3, "vrrp_version"));
        version_set = true;
      } else if (kw == "vrrp_garp_master_delay") {
        require_args(*st, 1, "vrrp_garp_master_delay SECONDS");
        g.garp_master_delay_ms = seconds_ms(st->words[1], 86400, kw);
      } else if (kw == "vrrp_garp_master_repeat") {
        require_args(*st, 1, "vrrp_garp_master_repeat COUNT");
        g.garp_master_repeat = static_cast<std::uint32_t>(integer(st->words[1], 0, 10000, kw));
      } else if (kw == "vrrp_garp_master_refresh") {
        require_args(*st, 1, "vrrp_garp_master_refresh SECONDS");
        g.garp_master_refresh_ms = seconds_ms(st->words[1], 86400, kw);
      } else if (kw == "vrrp_garp_master_refresh_repeat") {
        require_args(*st, 1, "vrrp_garp_master_refresh_repeat COUNT");
        g.garp_master_refresh_repeat =
            static_cast<std::uint32_t>(integer(st->words[1], 1, 10000, kw));
      } else if (kw == "vrrp_check_unicast_src") {
        require_args(*st, 0, "vrrp_check_unicast_src");
        g.check_unicast_src = true;
      } else if (kw == "enable_script_security" || kw == "script_user") {
        // Accepted for compatibility: notify scripts run as the daemon's user.
        if (st->has_block) skip_block(st->keyword());
      } else {
        unknown(*st, "global_defs");
      }
    }
  }

  // ---- vrrp_instance -----------------------------------------------------

  PendingInstance vrrp_instance(const Statement& head) {
    PendingInstance p;
    Instance& in = p.inst;
    in.name = head.words[1].text;
    in.where = head.where();
    const Token& opener = head.keyword();
    while (auto st = next_statement(&opener)) {
      const Token& kt = st->keyword();
      const std::string& kw = kt.text;
      if (kw == "state") {
        require_args(*st, 1, "state MASTER|BACKUP");
        const std::string& v = st->words[1].text;
        if (v != "MASTER" && v != "BACKUP") {
          throw ConfigError(st->words[1].where(),
                            "invalid state '" + v + "' (expected MASTER or BACKUP)");
        }
        in.initial_master = v == "MASTER";
        p.state_tok = kt;
      } else if (kw == "interface") {
        require_args(*st, 1, "interface IFNAME");
        in.interface = ifname(st->words[1], "interface");
        p.interface_tok = kt;
      } else if (kw == "virtual_router_id") {
        require_args(*st, 1, "virtual_router_id 1..255");
        in.vrid = static_cast<std::uint8_t>(integer(st->words[1], 1, 255, kw));
        p.vrid_tok = kt;
      } else if (kw == "priority") {
        require_args(*st, 1, "priority 1..255");
        in.priority = static_cast<std::uint8_t>(integer(st->words[1], 1, 255, kw));
      } else if (kw == "advert_int") {
        require_args(*st, 1, "advert_int SECONDS");
        auto cs = fixed_point(st->words[1].text, 2);
        if (!cs) {
          throw ConfigError(st->words[1].where(),
                            "invalid advert_int '" + st->words[1].text +
                                "' (expected seconds: an integer 1..255 for VRRPv2, 0.01..40.95 "
                                "in steps of 0.01 for VRRPv3)");
        }
        p.advert_cs = *cs;
        p.advert_tok = st->words[1];
      } else if (kw == "version") {
        require_args(*st, 1, "version 2|3");
        in.version = static_cast<std::uint8_t>(integer(st->words[1], 2, 3, kw));
        p.version_tok = st->words[1];
      } else if (kw == "authentication") {
        require_block(*st, 1, "authentication {");
        authentication(kt, p);
      } else if (kw == "virtual_ipaddress" || kw == "virtual_ipaddress_excluded") {
        require_block(*st, 1, kw + " {");
        vip_block(kt, in, kw == "virtual_ipaddress");
      } else if (kw == "unicast_src_ip") {
        require_args(*st, 1, "unicast_src_ip ADDRESS");
        in.unicast_src_ip = address(st->words[1], "unicast_src_ip");
      } else if (kw == "unicast_peer") {
        require_block(*st, 1, "unicast_peer {");
        peer_block(kt, in);
      } else if (kw == "track_interface") {
        require_block(*st, 1, "track_interface {");
        track_block(kt, in);
      } else if (kw == "nopreempt") {
        require_args(*st, 0, "nopreempt");
        in.preempt = false;
        p.nopreempt_tok = kt;
      } else if (kw == "preempt") {
        require_args(*st, 0, "preempt");
        in.preempt = true;
      } else if (kw == "preempt_delay") {
        require_args(*st, 1, "preempt_delay SECONDS");
        auto ms = fixed_point(st->words[1].text, 3);
        if (!ms || *ms > 1000 * 1000) {
          throw ConfigError(st->words[1].where(),
                            (ms ? "preempt_delay " + st->words[1].text + " out of range"
                                : "invalid preempt_delay '" + st->words[1].text + "'") +
                                " (expected seconds 0..1000, at most 3 decimals)");
        }
        in.preempt_delay_ns = *ms * 1000000;
      } else if (kw == "garp_master_delay") {
        require_args(*st, 1, "garp_master_delay SECONDS");
        p.garp_delay_ms = seconds_ms(st->words[1], 86400, kw);
      } else if (kw == "garp_master_repeat") {
        require_args(*st, 1, "garp_master_repeat COUNT");
        p.garp_repeat = static_cast<std::uint32_t>(integer(st->words[1], 0, 10000, kw));
      } else if (kw == "garp_master_refresh") {
        require_args(*st, 1, "garp_master_refresh SECONDS");
        p.garp_refresh_ms = seconds_ms(st->words[1], 86400, kw);
      } else if (kw == "garp_master_refresh_repeat") {
        require_args(*st, 1, "garp_master_refresh_repeat COUNT");
        p.garp_refresh_repeat = static_cast<std::uint32_t>(integer(st->words[1], 1, 10000, kw));
      } else if (kw == "notify_master") {
        in.notify_master = command_line(*st);
      } else if (kw == "notify_backup") {
        in.notify_backup = command_line(*st);
      } else if (kw == "notify_fault") {
        in.notify_fault = command_line(*st);
      } else if (kw == "notify_stop") {
        in.notify_stop = command_line(*st);
      } else if (kw == "notify") {
        in.notify = command_line(*st);
      } else if (kw == "check_unicast_src") {
        require_args(*st, 0, "check_unicast_src");
        p.check_unicast_src = true;
      } else if (kw == "unicast_ttl") {
        require_args(*st, 1, "unicast_ttl 1..255");
        in.unicast_ttl = static_cast<std::uint8_t>(integer(st->words[1], 1, 255, kw));
      } else {
        unknown(*st, "vrrp_instance");
      }
    }
    return p;
  }

  void authentication(const Token& opener, PendingInstance& p) {
    Instance& in = p.inst;
    while (auto st = next_statement(&opener)) {
      const std::string& kw = st->keyword().text;
      if (kw == "auth_type") {
        require_args(*st, 1, "auth_type PASS");
        const Token& v = st->words[1];
        if (v.text == "AH") {
          throw ConfigError(v.where(), "auth_type AH is not supported (expected PASS)");
        }
        if (v.text != "PASS") {
          throw ConfigError(v.where(), "invalid auth_type '" + v.text + "' (expected PASS)");
        }
        in.auth_type = 1;
        p.auth_type_tok = st->keyword();
      } else if (kw == "auth_pass") {
        require_args(*st, 1, "auth_pass PASSWORD");
        const Token& v = st->words[1];
        if (v.text.empty()) {
          throw ConfigError(v.where(), "empty auth_pass (expected 1..8 characters)");
        }
        if (v.text.size() > in.auth_pass.size()) {
          cfg_.warnings.push_back(v.where() + ": warning: auth_pass is " +
                                  std::to_string(v.text.size()) +
                                  " characters long; only the first 8 are used (as keepalived)");
        }
        in.auth_pass.fill(0);
        for (size_t i = 0; i < v.text.size() && i < in.auth_pass.size(); ++i) {
          in.auth_pass[i] = static_cast<std::uint8_t>(v.text[i]);
        }
        p.auth_pass_tok = st->keyword();
      } else {
        unknown(*st, "authentication");
      }
    }
  }

  void vip_block(const Token& opener, Instance& in, bool advertised) {
    int block_family = AF_UNSPEC;
    while (auto st = next_statement(&opener)) {
      if (st->has_block) {
        throw ConfigError(st->where(), "unexpected '{' in " + opener.text +
                                           " (expected 'ADDR[/LEN] [brd X] [dev D] [scope S] "
                                           "[label L]')");
      }
      Vip v = vip_line(*st);
      v.advertised = advertised;
      if (block_family != AF_UNSPEC && v.addr.family != block_family) {
        throw ConfigError(v.where, opener.text + " mixes " + family_name(block_family) + " and " +
                                       family_name(v.addr.family) +
                                       " addresses (expected one address family per block)");
      }
      block_family = v.addr.family;
      in.vips.push_back(std::move(v));
    }
  }

  Vip vip_line(const Statement& st) {
    const Words& w = st.words;
    Vip v;
    v.where = st.where();
    const std::string& spec = w[0].text;
    size_t slash = spec.find('/');
    v.addr = address(Token{w[0].kind, spec.substr(0, slash), false, w[0].file, w[0].line},
                     "virtual address");
    int max_len = v.addr.is_v6() ? 128 : 32;
    v.prefix_len = static_cast<std::uint8_t>(max_len);
    if (slash != std::string::npos) {
      Token len = w[0];
      len.text = spec.substr(slash + 1);
      v.prefix_len = static_cast<std::uint8_t>(integer(len, 0, max_len, "prefix length"));
    }
    for (size_t i = 1; i < w.size(); ++i) {
      const std::string& opt = w[i].text;
      auto value = [&]() -> const Token& {
        if (i + 1 >= w.size()) {
          throw missing_value(w[i]);
        }
        return w[++i];
      };
      if (opt == "brd" || opt == "broadcast") {
        if (!v.addr.is_v4()) {
          throw ConfigError(w[i].where(), "brd on an IPv6 address (expected brd only for IPv4)");
        }
        const Token& b = value();
        if (b.text == "+") {
          std::uint32_t host = v.prefix_len == 32 ? 0 : (0xffffffffu >> v.prefix_len);
          v.broadcast = IpAddress::v4(v.addr.v4_be() | htonl(host));
        } else {
          IpAddress a = address(b, "broadcast address");
          if (!a.is_v4()) {
            throw ConfigError(
                b.where(), "invalid broadcast address '" + b.text + "' (expected an IPv4 address)");
          }
          v.broadcast = a;
        }
      } else if (opt == "dev") {
        v.dev = ifname(value(), "dev");
      } else if (opt == "scope") {
        v.scope = scope(value());
      } else if (opt == "label") {
        const Token& l = value();
        if (l.text.empty() || l.text.size() >= IFNAMSIZ) {
          throw ConfigError(l.where(), "invalid label '" + l.text + "' (expected 1.." +
                                           std::to_string(IFNAMSIZ - 1) + " characters)");
        }
        v.label = l.text;
      } else if (opt == "no_track" || opt == "nodad" || opt == "noprefixroute" || opt == "home" ||
                 opt == "autojoin") {
        cfg_.warnings.push_back(w[i].where() + ": warning: address option '" + opt +
                                "' is not supported, ignored");
      } else {
        throw ConfigError(w[i].where(), "unknown address option '" + opt +
                                            "' (expected brd, dev, scope or label)");
      }
    }
    return v;
  }

  static ConfigError missing_value(const Token& option) {
    return {option.where(),
            "'" + option.text + "' needs a value (expected '" + option.text + " VALUE')"};
  }

  static std::uint8_t scope(const Token& t) {
    static const std::map<std::string, std::uint8_t> names = {
        {"global", RT_SCOPE_UNIVERSE}, {"site", RT_SCOPE_SITE},       {"link", RT_SCOPE_LINK},
        {"host", RT_SCOPE_HOST},       {"nowhere", RT_SCOPE_NOWHERE},
    };
    if (auto it = names.find(t.text); it != names.end()) return it->second;
    if (!t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9') {
      return static_cast<std::uint8_t>(integer(t, 0, 255, "scope"));
    }
    throw ConfigError(t.where(), "invalid scope '" + t.text +
                                     "' (expected global, site, link, host, nowhere or 0..255)");
  }

  void peer_block(const Token& opener, Instance& in) {
    while (auto st = next_statement(&opener)) {
      const Words& w = st->words;
      if (st->has_block) {
        throw ConfigError(st->where(),
                          "unexpected '{' in unicast_peer (expected 'ADDR [min_ttl N] "
                          "[max_ttl N]')");
      }
      UnicastPeer peer;
      peer.addr = address(w[0], "unicast_peer address");
      for (size_t i = 1; i < w.size(); i += 2) {
        const std::string& opt = w[i].text;
        if ((opt != "min_ttl" && opt != "max_ttl") || i + 1 >= w.size()) {
          throw ConfigError(w[i].where(), "unexpected '" + opt +
                                              "' in unicast_peer (expected 'ADDR [min_ttl N] "
                                              "[max_ttl N]')");
        }
        auto ttl = static_cast<std::uint8_t>(integer(w[i + 1], 0, 255, opt));
        (opt == "min_ttl" ? peer.min_ttl : peer.max_ttl) = ttl;
      }
      if (peer.min_ttl > peer.max_ttl) {
        throw ConfigError(st->where(), "unicast_peer min_ttl " + std::to_string(peer.min_ttl) +
                                           " above max_ttl " + std::to_string(peer.max_ttl) +
                                           " (expected min_ttl <= max_ttl)");
      }
      for (const auto& other : in.unicast_peers) {
        if (other.addr == peer.addr) {
          throw ConfigError(st->where(), "duplicate unicast_peer " + peer.addr.to_string() +
                                             " (expected each peer once)");
        }
      }
      in.unicast_peers.push_back(peer);
    }
  }

  void track_block(const Token& opener, Instance& in) {
    while (auto st = next_statement(&opener)) {
      const Words& w = st->words;
      if (st->has_block) {
        throw ConfigError(st->where(),
                          "unexpected '{' in track_interface (expected 'IFNAME [weight N]')");
      }
      TrackedInterface ti;
      ti.name = ifname(w[0], "track_interface name");
      for (size_t i = 1; i < w.size(); i += 2) {
        if (w[i].text != "weight" || i + 1 >= w.size()) {
          throw ConfigError(w[i].where(), "unexpected '" + w[i].text +
                                              "' in track_interface (expected 'IFNAME [weight "
                                              "-253..253]')");
        }
        ti.weight = static_cast<int>(integer(w[i + 1], -253, 253, "weight"));
      }
      for (const auto& other : in.tracked) {
        if (other.name == ti.name) {
          throw ConfigError(st->where(), "interface " + ti.name +
                                             " tracked twice (expected each interface once)");
        }
      }
      in.tracked.push_back(ti);
    }
  }

  // ---- resolution and semantic checks ------------------------------------

  void warn(const std::string& where, const std::string& msg) {
    cfg_.warnings.push_back(where + ": warning: " + msg);
  }

  void finish(PendingInstance& p, bool global_version_set) {
    Instance& in = p.inst;
    const Global& g = cfg_.global;
    const std::string prefix = "vrrp_instance " + in.name + ": ";
    if (!p.interface_tok) {
      throw ConfigError(in.where, prefix + "missing interface (expected 'interface IFNAME')");
    }
    if (!p.vrid_tok) {
      throw ConfigError(in.where,
                        prefix + "missing virtual_router_id (expected 'virtual_router_id 1..255')");
    }

    int family = AF_UNSPEC;
    for (const auto& v : in.vips) {
      if (!v.advertised) continue;
      if (family != AF_UNSPEC && v.addr.family != family) {
        throw ConfigError(v.where, prefix +
                                       "virtual_ipaddress mixes IPv4 and IPv6 (expected one "
                                       "address family per instance)");
      }
      family = v.addr.family;
    }
    if (family == AF_UNSPEC) {
      warn(in.where, prefix + "no virtual_ipaddress");
      family = in.family();
    }
    if (std::count_if(in.vips.begin(), in.vips.end(), [](const Vip& v) { return v.advertised; }) >
        255) {
      throw ConfigError(in.where, prefix + "too many virtual addresses (expected at most 255)");
    }
    for (auto& v : in.vips) {
      if (v.dev.empty()) v.dev = in.interface;
    }
    // Advertised VIPs first (they make up the advert), then excluded ones.
    std::stable_partition(in.vips.begin(), in.vips.end(),
                          [](const Vip& v) { return v.advertised; });

    if (p.version_tok) {
      if (in.version == 2 && family == AF_INET6) {
        throw ConfigError(p.version_tok->where(),
                          prefix + "VRRPv2 cannot protect IPv6 addresses (expected version 3)");
      }
    } else {
      in.version = g.vrrp_version;
      if (family == AF_INET6 && in.version == 2) {
        if (global_version_set) {
          warn(in.where, prefix + "IPv6 instance uses VRRPv3 despite vrrp_version 2");
        }
        in.version = 3;
      }
    }

    if (in.version == 2) {
      if (p.advert_cs % 100 != 0 || p.advert_cs < 100 || p.advert_cs > 25500) {
        throw ConfigError(p.advert_tok->where(),
                          "advert_int " + p.advert_tok->text +
                              " invalid for VRRPv2 (expected an integer number of seconds 1..255)");
      }
    } else if (p.advert_cs < 1 || p.advert_cs > 4095) {
      throw ConfigError(p.advert_tok->where(),
                        "advert_int " + p.advert_tok->text +
                            " out of range for VRRPv3 (expected 0.01..40.95 in steps of 0.01)");
    }
    in.advert_int_cs = static_cast<std::uint16_t>(p.advert_cs);

    if (p.auth_pass_tok && !p.auth_type_tok) {
      warn(p.auth_pass_tok->where(), prefix + "auth_pass without auth_type PASS, ignored");
      in.auth_pass.fill(0);
    }
    if (p.auth_type_tok && !p.auth_pass_tok) {
      throw ConfigError(
          p.auth_type_tok->where(),
          prefix + "auth_type PASS without auth_pass (expected 'auth_pass PASSWORD')");
    }
    if (in.auth_type != 0 && in.version == 3) {
      // RFC 5798 removed authentication; keepalived ignores it for v3 too.
      warn(p.auth_type_tok->where(), prefix + "authentication is not part of VRRPv3, ignored");
      in.auth_type = 0;
      in.auth_pass.fill(0);
    }

    if (in.unicast_src_ip && in.unicast_src_ip->family != family) {
      throw ConfigError(in.where, prefix + "unicast_src_ip " + in.unicast_src_ip->to_string() +
                                      " is " + family_name(in.unicast_src_ip->family) +
                                      " (expected " + family_name(family) +
                                      " like the virtual addresses)");
    }
    for (const auto& peer : in.unicast_peers) {
      if (peer.addr.family != family) {
        throw ConfigError(in.where, prefix + "unicast_peer " + peer.addr.to_string() + " is " +
                                        family_name(peer.addr.family) + " (expected " +
                                        family_name(family) + " like the virtual addresses)");
      }
    }

    if (!in.preempt && in.initial_master) {
      warn(p.nopreempt_tok->where(),
           prefix + "nopreempt needs state BACKUP (keepalived ignores it with state MASTER)");
    }

    in.garp_master_delay_ms = p.garp_delay_ms.value_or(g.garp_master_delay_ms);
    in.garp_master_repeat = p.garp_repeat.value_or(g.garp_master_repeat);
    in.garp_master_refresh_ms = p.garp_refresh_ms.value_or(g.garp_master_refresh_ms);
    in.garp_master_refresh_repeat = p.garp_refresh_repeat.value_or(g.garp_master_refresh_repeat);
    in.check_unicast_src = p.check_unicast_src.value_or(g.check_unicast_src);
  }

  void cross_checks() {
    for (size_t i = 0; i < pending_.size(); ++i) {
      const Instance& a = pending_[i].inst;
      for (size_t j = 0; j < i; ++j) {
        const Instance& b = pending_[j].inst;
        if (a.name == b.name) {
          throw ConfigError(a.where, "duplicate vrrp_instance name '" + a.name +
                                         "' (expected unique names; first defined at " + b.where +
                                         ")");
        }
        if (a.interface == b.interface && a.vrid == b.vrid && a.family() == b.family()) {
          throw ConfigError(a.where, "vrrp_instance " + a.name + ": virtual_router_id " +
                                         std::to_string(a.vrid) + " on " + a.interface + " (" +
                                         family_name(a.family()) + ") already used by " +
                                         "vrrp_instance " + b.name + " at " + b.where +
                                         " (expected a unique virtual_router_id per interface "
                                         "and address family)");
        }
      }
    }
    for (auto& p : pending_) cfg_.instances.push_back(std::move(p.inst));
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Config& cfg_;
  std::string default_router_id_;
  std::optional<Token> router_id_tok_;
  std::vector<PendingInstance> pending_;
};

Config parse_tokens(std::vector<Token> tokens, std::vector<std::string> warnings,
                    std::string default_router_id) {
  Config cfg;
  cfg.warnings = std::move(warnings);
  Parser(std::move(tokens), cfg, std::move(default_router_id)).run();
  return cfg;
}

}  // namespace

Config load(const std::string& path, const std::string& default_router_id) {
  std::vector<std::string> warnings;
  auto tokens = tokenize_file(path, warnings);
  return parse_tokens(std::move(tokens), std::move(warnings), default_router_id);
}

Config parse_string(std::string_view text, const std::string& name,
                    const std::string& default_router_id) {
  std::vector<std::string> warnings;
  auto tokens = tokenize_string(text, name, warnings);
  return parse_tokens(std::move(tokens), std::move(warnings), default_router_id);
}

}  // namespace xvrrp::config
