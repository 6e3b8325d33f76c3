// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <tuple>
#include <type_traits>

#include "config/lexer.hpp"
#include "core/packet.hpp"

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

// Most advertised addresses one message can carry: at most 255 (Count IP
// Addrs is 8 bits) and within XVRRP_MAX_VRRP_LEN, the longest message the
// receive path parses.
size_t max_advertised(std::uint8_t version, int family) {
  packet::Advert a;
  a.version = version;
  while (a.addrs.size() < 255) {
    a.addrs.emplace_back();
    if (packet::encoded_size(a, family) > XVRRP_MAX_VRRP_LEN) return a.addrs.size() - 1;
  }
  return a.addrs.size();
}

// A track_script / track_file line: the name and the line's own weight.
struct TrackRef {
  Token name;
  std::optional<int> weight;
  std::optional<bool> reverse;
};

// Instance plus what is needed to resolve defaults once the whole file
// (global_defs may come last) has been read.
struct PendingInstance {
  Instance inst;
  std::optional<Token> interface_tok, vrid_tok, version_tok, advert_tok, state_tok, nopreempt_tok,
      auth_type_tok, auth_pass_tok, auth_hmac_tok;
  std::optional<std::uint32_t> garp_delay_ms, garp_repeat, garp_refresh_ms, garp_refresh_repeat;
  std::optional<bool> check_unicast_src, instant_takeover, lower_prio_no_advert,
      higher_prio_send_advert;
  std::optional<std::uint8_t> down_timer_adverts;
  std::optional<std::uint32_t> garp_lower_prio_repeat, garp_lower_prio_delay_ms;
  std::optional<Token> garp_interval_tok, dont_track_primary_tok;
  std::int64_t advert_cs = 100;
  // track_script / track_file lines, resolved against the vrrp_script and
  // track_file blocks at the end.
  std::vector<TrackRef> script_refs;
  std::vector<TrackRef> file_refs;
  std::vector<TrackRef> process_refs;
  // track_bfd lines and master_bfd, resolved against the bfd_instance blocks at the end.
  std::vector<TrackRef> bfd_refs;
  std::optional<Token> master_bfd_tok;
  std::optional<bool> notify_priority_changes;
  std::optional<bool> strict_mode, accept;
  std::optional<Token> strict_tok, accept_tok, vmac_tok, xmit_base_tok;
};

// A vrrp_sync_group block until the instances are known.
struct PendingGroup {
  SyncGroup group;
  std::optional<Token> group_tok;
  std::vector<Token> members;
  std::vector<TrackRef> script_refs;
  std::vector<TrackRef> file_refs;
  std::vector<TrackRef> process_refs;
  std::vector<TrackRef> bfd_refs;
  std::optional<bool> notify_priority_changes;
};

enum class Section : std::uint8_t {
  kTop,
  kGlobalDefs,
  kInstance,
  kAuthentication,
  kAuthHmac,
  kScript,
  kBfd,
  kSyncGroup,
  kTrackFile,
  kTrackProcess
};

std::string section_name(Section s) {
  switch (s) {
    case Section::kTop:
      return "top level";
    case Section::kGlobalDefs:
      return "global_defs";
    case Section::kInstance:
      return "vrrp_instance";
    case Section::kAuthentication:
      return "authentication";
    case Section::kAuthHmac:
      return "auth_hmac";
    case Section::kScript:
      return "vrrp_script";
    case Section::kBfd:
      return "bfd_instance";
    case Section::kSyncGroup:
      return "vrrp_sync_group";
    case Section::kTrackFile:
      return "track_file";
    case Section::kTrackProcess:
      return "vrrp_track_process";
  }
  return "?";
}

enum class Block : std::uint8_t { kNone, kRequired, kOptional };

class Parser;

// The block being parsed: the instance inside vrrp_instance/authentication.
struct Ctx {
  PendingInstance* inst = nullptr;
  VrrpScript* script = nullptr;
  BfdInstance* bfd = nullptr;
  // Inside bfd_instance: `vrrp` / `checker` seen.
  bool bfd_vrrp = false, bfd_checker = false;
  PendingGroup* group = nullptr;
  TrackFile* file = nullptr;
  TrackProcess* process = nullptr;
};

using Handler = void (*)(Parser&, Ctx&, const Statement&);

inline constexpr std::uint8_t kAnyArgs = 255;

// One keyword, gperf-table style: where it may appear, how many arguments it
// takes, what xvrrpd does with it and which field it fills.
struct Keyword {
  std::string_view name;
  std::string_view field;  // Instance field, or "global.<field>"
  std::string_view usage;
  std::string_view doc;  // why refused / why accepting is right
  Handler handler = nullptr;
  Section section = Section::kTop;
  Support support = Support::kRefused;
  std::uint8_t min_args = 0;
  std::uint8_t max_args = 0;
  Block block = Block::kNone;
  // false: parsed and checked, then refused until the daemon applies the field.
  bool wired = true;
};

const Keyword* find_keyword(Section section, std::string_view name);

class Parser {
 public:
  Parser(std::vector<Token> tokens, Config& cfg, const ParseOptions& options)
      : tokens_(std::move(tokens)),
        cfg_(cfg),
        default_router_id_(options.default_router_id),
        accept_unapplied_(options.accept_unapplied) {}

  void run() {
    Ctx top;
    block(Section::kTop, top, nullptr);
    if (router_id_tok_) {
      check_router_id(cfg_.global.router_id, router_id_tok_->where());
    } else if (!default_router_id_.empty()) {
      check_router_id(default_router_id_, "default router_id");
      cfg_.global.router_id = default_router_id_;
    }
    if (!cfg_.ignored.empty()) {
      std::string list;
      for (const auto& k : cfg_.ignored) list += (list.empty() ? "" : ", ") + k;
      cfg_.warnings.push_back(ignored_where_ + ": warning: ignored, not part of VRRP: " + list);
    }
    cfg_.global.garp_lower_prio_repeat =
        global_lower_prio_repeat_.value_or(cfg_.global.garp_master_repeat);
    for (auto& p : pending_) finish(p, global_version_set_);
    // global_defs may come after the static blocks.
    for (auto& v : cfg_.static_addresses)
      if (v.dev.empty()) v.dev = cfg_.global.default_interface;
    cross_checks();
    check_fifos();
    resolve_sync_groups();
    mark_used();
    for (auto& [script, used] : scripts_) {
      if (used) cfg_.scripts.push_back(std::move(script));
    }
    for (auto& [file, used] : files_) {
      if (used) cfg_.track_files.push_back(std::move(file));
    }
    for (auto& [process, used] : processes_) {
      if (used) cfg_.track_processes.push_back(std::move(process));
    }
  }

  // Parses the statements of one block (opener nullptr: the whole file)
  // through the keyword table.
  void block(Section section, Ctx& ctx, const Token* opener) {
    while (auto st = next_statement(opener)) {
      const Token& kt = st->keyword();
      const std::string& kw = kt.text;
      if (!kt.quoted && !kw.empty() && (kw[0] == '@' || kw[0] == '$' || kw[0] == '~')) {
        throw ConfigError(kt.where(), "'" + kw +
                                          "': keepalived's conditional configuration (@), "
                                          "definitions ($NAME) and sequences (~SEQ) are not "
                                          "supported by xvrrpd (expected plain keywords)");
      }
      const Keyword* k = find_keyword(section, kw);
      if (k == nullptr) {
        unknown(*st, section);
        continue;
      }
      switch (k->support) {
        case Support::kRefused:
          throw ConfigError(kt.where(),
                            kw + " is not supported by xvrrpd" +
                                (k->doc.empty() ? "" : " (" + std::string(k->doc) + ")"));
        case Support::kIgnored:
          if (cfg_.ignored.empty()) ignored_where_ = kt.where();
          if (std::find(cfg_.ignored.begin(), cfg_.ignored.end(), kw) == cfg_.ignored.end()) {
            cfg_.ignored.push_back(kw);
          }
          if (st->has_block) skip_block(kt);
          break;
        case Support::kImplemented:
        case Support::kSame:
          check_arity(*k, *st);
          if (k->handler != nullptr) k->handler(*this, ctx, *st);
          if (!k->wired && !accept_unapplied_) {
            throw ConfigError(kt.where(), kw + " is not supported by xvrrpd (parsed, but the "
                                               "daemon does not apply it yet)");
          }
          break;
      }
    }
  }

  static void check_arity(const Keyword& k, const Statement& st) {
    const std::string usage(k.usage);
    const size_t args = st.words.size() - 1;
    if (k.block == Block::kNone && st.has_block) {
      throw ConfigError(st.where(), "'" + st.keyword().text +
                                        "' does not take a block (expected '" + usage + "')");
    }
    if (args < k.min_args || (k.max_args != kAnyArgs && args > k.max_args)) {
      throw ConfigError(st.where(), "wrong number of arguments to '" + st.keyword().text +
                                        "' (expected '" + usage + "')");
    }
    if (k.block == Block::kRequired && !st.has_block) {
      throw ConfigError(st.where(),
                        "'" + st.keyword().text + "' needs a block (expected '" + usage + "')");
    }
  }

  void unknown(const Statement& st, Section section) {
    const std::string& kw = st.keyword().text;
    const std::string name = section_name(section);
    // In the VRRP sections (and for any vrrp_* keyword) an unknown word may be
    // a keepalived keyword of a newer release: refusing it is the only way not
    // to lose what it would have done.
    if (section == Section::kSyncGroup) {
      // keepalived before 1.2 listed the members without group { }; it now
      // warns and drops such a group, losing the sync silently.
      throw ConfigError(st.where(),
                        "unknown keyword '" + kw + "' in " + name +
                            " (expected 'group { INSTANCE ... }' around instance "
                            "names, or a vrrp_sync_group keyword of keepalived.conf(5); "
                            "see the README's keyword list)");
    }
    if (section == Section::kInstance || section == Section::kAuthentication ||
        section == Section::kAuthHmac || section == Section::kScript || section == Section::kBfd ||
        section == Section::kSyncGroup || section == Section::kTrackFile ||
        section == Section::kTrackProcess || kw.rfind("vrrp_", 0) == 0) {
      throw ConfigError(st.where(), "unknown keyword '" + kw + "' in " + name +
                                        " (expected a keyword of keepalived.conf(5) that xvrrpd "
                                        "implements; see the README's keyword list)");
    }
    cfg_.warnings.push_back(st.where() + ": warning: unknown keyword '" + kw + "' in " + name +
                            ", ignored");
    if (st.has_block) skip_block(st.keyword());
  }

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

  // vrrp_script interval/timeout: 0.001..4294 seconds (keepalived's range).
  static std::uint32_t positive_seconds_ms(const Token& t, const std::string& what) {
    const std::uint32_t ms = seconds_ms(t, 4294, what);
    if (ms == 0) {
      throw ConfigError(t.where(), what + " 0 out of range (expected seconds 0.001..4294)");
    }
    return ms;
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

  // notify_fifo / vrrp_notify_fifo PATH [USER [GROUP]]. keepalived ignores a second line
  // with an error; here any error stops the load.
  static void fifo_path(const Statement& st, NotifyFifo& f, std::optional<Token>& seen) {
    const std::string& kw = st.keyword().text;
    if (seen) throw ConfigError(st.where(), kw + " given twice (first at " + seen->where() + ")");
    const Token& path = st.words[1];
    if (path.text.empty() || path.text.front() != '/') {
      throw ConfigError(path.where(), kw + " '" + path.text + "': expected an absolute path");
    }
    f.path = path.text;
    user_group(st, f.user, f.group);
    seen = st.keyword();
  }

  // notify_fifo_script / vrrp_notify_fifo_script COMMAND [USER [GROUP]]: COMMAND is one
  // (usually quoted) word, as keepalived's install_keyword_quoted.
  static void fifo_script(const Statement& st, NotifyFifo& f, std::optional<Token>& seen) {
    const std::string& kw = st.keyword().text;
    if (seen) throw ConfigError(st.where(), kw + " given twice (first at " + seen->where() + ")");
    if (st.words[1].text.empty()) {
      throw ConfigError(st.words[1].where(), kw + ": empty command (expected '" + kw +
                                                 " \"SCRIPT ARGS\" [USER [GROUP]]')");
    }
    f.script = st.words[1].text;
    user_group(st, f.script_user, f.script_group);
    seen = st.keyword();
  }

  // Reentrant lookups: a reload parses on a worker thread (daemon/config_loader.hpp).
  static bool user_exists(const std::string& name) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    return ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr;
  }
  static bool group_exists(const std::string& name) {
    group gr{};
    group* found = nullptr;
    std::vector<char> buf(65536);
    return ::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) == 0 && found != nullptr;
  }

  // Words 2 and 3 of `st`: a user and group that must exist on this host.
  static void user_group(const Statement& st, std::string& user, std::string& group) {
    user.clear();
    group.clear();
    if (st.words.size() > 2) {
      const Token& u = st.words[2];
      if (!user_exists(u.text)) {
        throw ConfigError(u.where(), st.keyword().text + ": no such user '" + u.text + "'");
      }
      user = u.text;
    }
    if (st.words.size() > 3) {
      const Token& g = st.words[3];
      if (!group_exists(g.text)) {
        throw ConfigError(g.where(), st.keyword().text + ": no such group '" + g.text + "'");
      }
      group = g.text;
    }
  }

  // keepalived: "the FIFO names must all be different"; a script needs its FIFO.
  void check_fifos() const {
    const NotifyFifo* fifos[2] = {&cfg_.global.notify_fifo, &cfg_.global.vrrp_notify_fifo};
    for (std::size_t i = 0; i < 2; ++i) {
      if (fifo_script_tok_[i] && fifos[i]->path.empty()) {
        const std::string fifo = i == 0 ? "notify_fifo" : "vrrp_notify_fifo";
        throw ConfigError(fifo_script_tok_[i]->where(), fifo_script_tok_[i]->text + " without " +
                                                            fifo + " (expected '" + fifo +
                                                            " PATH' in global_defs)");
      }
    }
    if (!fifos[0]->path.empty() && fifos[0]->path == fifos[1]->path) {
      throw ConfigError(fifo_tok_[1]->where(), "vrrp_notify_fifo '" + fifos[1]->path +
                                                   "' is notify_fifo's too (expected "
                                                   "different FIFOs)");
    }
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

  void vrrp_instance(const Statement& head) {
    PendingInstance p;
    p.inst.name = head.words[1].text;
    p.inst.where = head.where();
    Ctx c{&p};
    block(Section::kInstance, c, &head.keyword());
    pending_.push_back(std::move(p));
  }

  void vrrp_script(const Statement& head) {
    VrrpScript sc;
    sc.name = head.words[1].text;
    sc.where = head.where();
    for (const auto& [other, used] : scripts_) {
      if (other.name == sc.name) {
        throw ConfigError(sc.where, "duplicate vrrp_script name '" + sc.name +
                                        "' (expected unique names; first defined at " +
                                        other.where + ")");
      }
    }
    Ctx c;
    c.script = &sc;
    block(Section::kScript, c, &head.keyword());
    if (sc.script.empty()) {
      throw ConfigError(sc.where, "vrrp_script " + sc.name +
                                      ": missing script (expected 'script \"PATH ARGS\"')");
    }
    scripts_.emplace_back(std::move(sc), false);
  }

  // Milliseconds with at most 3 decimals (keepalived's read_decimal_unsigned_strvec) to
  // microseconds, lo_ms..4294967 ms.
  static std::uint32_t bfd_interval_us(const Token& t, std::int64_t lo_ms,
                                       const std::string& what) {
    constexpr std::int64_t kMaxMs = 4294967;  // UINT32_MAX / 1000, keepalived's limit
    const std::string expected = "(expected milliseconds " + std::to_string(lo_ms) + ".." +
                                 std::to_string(kMaxMs) + ", at most 3 decimals)";
    auto v = fixed_point(t.text, 3);
    if (!v) throw ConfigError(t.where(), "invalid " + what + " '" + t.text + "' " + expected);
    if (*v < lo_ms * 1000 || *v > kMaxMs * 1000)
      throw ConfigError(t.where(), what + " " + t.text + " out of range " + expected);
    return static_cast<std::uint32_t>(*v);
  }

  void bfd_instance(const Statement& head) {
    BfdInstance b;
    b.name = head.words[1].text;
    b.where = head.where();
    if (b.name.size() > 31) {
      throw ConfigError(b.where, "bfd_instance name '" + b.name +
                                     "' is too long (expected at most 31 characters)");
    }
    for (const auto& other : cfg_.bfd_instances) {
      if (other.name == b.name) {
        throw ConfigError(b.where, "duplicate bfd_instance name '" + b.name +
                                       "' (expected unique names; first defined at " + other.where +
                                       ")");
      }
    }
    Ctx c;
    c.bfd = &b;
    bool have_neighbor = false;
    have_bfd_neighbor_ = &have_neighbor;
    block(Section::kBfd, c, &head.keyword());
    have_bfd_neighbor_ = nullptr;
    const std::string prefix = "bfd_instance " + b.name + ": ";
    if (!have_neighbor) {
      throw ConfigError(b.where, prefix + "missing neighbor_ip (expected 'neighbor_ip ADDRESS')");
    }
    if (b.source_ip && b.source_ip->family != b.neighbor_ip.family) {
      throw ConfigError(b.where, prefix + "source_ip " + b.source_ip->to_string() + " is " +
                                     family_name(b.source_ip->family) + " (expected " +
                                     family_name(b.neighbor_ip.family) + " like neighbor_ip)");
    }
    if (b.max_hops > b.ttl) {
      warn(b.where, prefix + "max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit");
      b.max_hops = b.ttl;
    }
    // keepalived: without either keyword events go to both processes.
    b.vrrp = c.bfd_vrrp || !c.bfd_checker;
    for (const auto& other : cfg_.bfd_instances) {
      if (other.neighbor_ip == b.neighbor_ip && other.source_ip == b.source_ip) {
        throw ConfigError(b.where, prefix + "duplicate neighbor_ip " + b.neighbor_ip.to_string() +
                                       " (expected one bfd_instance per neighbor and source; "
                                       "bfd_instance " +
                                       other.name + " at " + other.where + ")");
      }
    }
    cfg_.bfd_instances.push_back(std::move(b));
  }

  // track_bfd { NAME [weight -253..253 [reverse|noreverse]] ... }
  void track_bfd_block(const Token& opener, PendingInstance& p) {
    track_ref_block(opener, p.bfd_refs, 253);
  }

  // track_script { NAME [weight -253..253 [reverse|noreverse]] ... } and
  // track_file { NAME [weight -254..254 [reverse|noreverse]] ... }.
  void track_ref_block(const Token& opener, std::vector<TrackRef>& refs, int max_weight) {
    const std::string what = opener.text == "track_file"      ? "track_file"
                             : opener.text == "track_bfd"     ? "bfd_instance"
                             : opener.text == "track_process" ? "vrrp_track_process"
                                                              : "vrrp_script";
    const std::string range = std::to_string(-max_weight) + ".." + std::to_string(max_weight);
    const std::string usage =
        " in " + opener.text + " (expected 'NAME [weight " + range + " [reverse|noreverse]]')";
    while (auto st = next_statement(&opener)) {
      const Words& w = st->words;
      if (st->has_block) throw ConfigError(st->where(), "unexpected '{'" + usage);
      TrackRef ref{w[0], std::nullopt, std::nullopt};
      if (w.size() > 1) {
        if (w[1].text != "weight" || w.size() < 3 || w.size() > 4) {
          throw ConfigError(w[1].where(), "unexpected '" + w[1].text + "'" + usage);
        }
        ref.weight = static_cast<int>(integer(w[2], -max_weight, max_weight, "weight"));
        if (w.size() == 4) {
          if (w[3].text != "reverse" && w[3].text != "noreverse") {
            throw ConfigError(w[3].where(), "unexpected '" + w[3].text + "'" + usage);
          }
          ref.reverse = w[3].text == "reverse";
        }
      }
      for (const auto& other : refs) {
        if (other.name.text == ref.name.text) {
          throw ConfigError(st->where(), what + " " + ref.name.text +
                                             " tracked twice (expected each " +
                                             (what == "vrrp_script" ? "script" : what) + " once)");
        }
      }
      refs.push_back(std::move(ref));
    }
  }

  void vrrp_sync_group(const Statement& head) {
    PendingGroup g;
    g.group.name = head.words[1].text;
    g.group.where = head.where();
    for (const auto& other : groups_) {
      if (other.group.name == g.group.name) {
        throw ConfigError(g.group.where, "duplicate vrrp_sync_group name '" + g.group.name +
                                             "' (expected unique names; first defined at " +
                                             other.group.where + ")");
      }
    }
    Ctx c;
    c.group = &g;
    block(Section::kSyncGroup, c, &head.keyword());
    groups_.push_back(std::move(g));
  }

  // group { INSTANCE ... }: names, any number per line.
  void group_members(const Token& opener, PendingGroup& g) {
    if (g.group_tok) {
      throw ConfigError(opener.where(), "vrrp_sync_group " + g.group.name +
                                            ": group already given at " + g.group_tok->where() +
                                            " (expected one group block)");
    }
    g.group_tok = opener;
    while (auto st = next_statement(&opener)) {
      if (st->has_block) {
        throw ConfigError(st->where(), "unexpected '{' in group (expected instance names)");
      }
      for (const Token& t : st->words) g.members.push_back(t);
    }
  }

  void track_file_def(const Statement& head) {
    TrackFile f;
    f.name = head.words[1].text;
    f.where = head.where();
    if (head.keyword().text == "vrrp_track_file") {
      warn(head.where(), "vrrp_track_file is deprecated, use track_file (as keepalived)");
    }
    for (const auto& [other, used] : files_) {
      if (other.name == f.name) {
        throw ConfigError(f.where, "duplicate track_file name '" + f.name +
                                       "' (expected unique names; first defined at " + other.where +
                                       ")");
      }
    }
    Ctx c;
    c.file = &f;
    block(Section::kTrackFile, c, &head.keyword());
    if (f.path.empty()) {
      throw ConfigError(f.where,
                        "track_file " + f.name + ": missing file (expected 'file \"PATH\"')");
    }
    files_.emplace_back(std::move(f), false);
  }

  void track_process_def(const Statement& head) {
    TrackProcess t;
    t.name = head.words[1].text;
    t.where = head.where();
    for (const auto& [other, used] : processes_) {
      if (other.name == t.name) {
        throw ConfigError(t.where, "duplicate vrrp_track_process name '" + t.name +
                                       "' (expected unique names; first defined at " + other.where +
                                       ")");
      }
    }
    Ctx c;
    c.process = &t;
    block(Section::kTrackProcess, c, &head.keyword());
    if (t.process.empty()) {
      throw ConfigError(t.where, "vrrp_track_process " + t.name +
                                     ": missing process (expected 'process NAME [PARAM ...]')");
    }
    processes_.emplace_back(std::move(t), false);
  }

  TrackedProcess tracked_process(const TrackRef& ref, const std::string& prefix) const {
    auto it = std::find_if(processes_.begin(), processes_.end(),
                           [&](const auto& f) { return f.first.name == ref.name.text; });
    if (it == processes_.end()) {
      throw ConfigError(ref.name.where(), prefix + "track_process " + ref.name.text +
                                              ": no such vrrp_track_process (expected the name "
                                              "of a vrrp_track_process block)");
    }
    TrackedProcess t;
    t.process = it->first;
    t.weight = ref.weight.value_or(it->first.weight);
    t.weight_reverse = ref.reverse.value_or(it->first.weight_reverse);
    return t;
  }

  static void default_group_only(const Statement& st, const std::optional<IpAddress>& group) {
    IpAddress a = address(st.words[1], st.keyword().text);
    if (a != *group) {
      throw ConfigError(st.where(), st.keyword().text + " " + st.words[1].text +
                                        " is not supported by xvrrpd (it always uses the RFC "
                                        "5798 group; expected '" +
                                        st.keyword().text + " " + group->to_string() + "')");
    }
  }

  // ---- blocks parsed by their own line grammar ---------------------------

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

  void static_address_block(const Token& opener) {
    while (auto st = next_statement(&opener)) {
      if (st->has_block) {
        throw ConfigError(st->where(), "unexpected '{' in " + opener.text +
                                           " (expected 'ADDR[/LEN] [brd X] [dev D] [scope S] "
                                           "[label L]')");
      }
      cfg_.static_addresses.push_back(vip_line(*st));
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

  // virtual_routes / virtual_rules: one spec per line (config/route_spec.hpp); an error
  // names the offending word's file and line.
  template <typename Spec, typename Parse>
  void spec_block(const Token& opener, std::vector<Spec>& out, Parse parse) {
    while (auto st = next_statement(&opener)) {
      if (st->has_block) throw ConfigError(st->where(), "unexpected '{' in " + opener.text);
      std::vector<std::string> words;
      for (const auto& t : st->words) words.push_back(t.text);
      try {
        out.push_back(parse(words));
      } catch (const RouteSpecError& e) {
        const std::size_t i = std::min(e.word(), st->words.size() - 1);
        throw ConfigError(st->words[i].where(), opener.text + ": " + e.what());
      }
    }
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

  // track_interface { IFNAME [weight -253..253 [reverse]] ... }
  void track_block(const Token& opener, std::vector<TrackedInterface>& tracked) {
    const std::string usage =
        " in track_interface (expected 'IFNAME [weight -253..253 [reverse]]')";
    while (auto st = next_statement(&opener)) {
      const Words& w = st->words;
      if (st->has_block) throw ConfigError(st->where(), "unexpected '{'" + usage);
      TrackedInterface ti;
      ti.name = ifname(w[0], "track_interface name");
      if (w.size() > 1) {
        if (w[1].text != "weight" || w.size() < 3 || w.size() > 4) {
          throw ConfigError(w[1].where(), "unexpected '" + w[1].text + "'" + usage);
        }
        ti.weight = static_cast<int>(integer(w[2], -253, 253, "weight"));
        if (w.size() == 4) {
          if (w[3].text != "reverse") {
            throw ConfigError(w[3].where(), "unexpected '" + w[3].text + "'" + usage);
          }
          ti.reverse = true;
        }
      }
      for (const auto& other : tracked) {
        if (other.name == ti.name) {
          throw ConfigError(st->where(), "interface " + ti.name +
                                             " tracked twice (expected each interface once)");
        }
      }
      tracked.push_back(ti);
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
    if (in.vmac == "\x01") in.vmac = "vrrp." + std::to_string(in.vrid);
    if (!in.vmac.empty()) {
      if (family == AF_INET6) {
        throw ConfigError(p.vmac_tok->where(),
                          prefix +
                              "use_vmac with an IPv6 instance is not supported by xvrrpd "
                              "(expected use_vmac on IPv4 instances only)");
      }
      if (in.vmac == in.interface || in.vmac.size() >= IFNAMSIZ) {
        throw ConfigError(p.vmac_tok->where(), prefix + "invalid use_vmac name '" + in.vmac +
                                                   "' (expected 1.." +
                                                   std::to_string(IFNAMSIZ - 1) +
                                                   " characters, not the instance's interface)");
      }
    } else if (in.vmac_xmit_base) {
      warn(p.xmit_base_tok->where(), prefix + "vmac_xmit_base without use_vmac, ignored");
      in.vmac_xmit_base = false;
    }
    for (auto& v : in.vips) {
      // keepalived: use_vmac takes the VIPs of the instance's own interface.
      if (!in.vmac.empty() && (v.dev.empty() || v.dev == in.interface)) v.dev = in.vmac;
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

    // Every advertised address goes into each advert; refuse a list that a
    // peer could not receive instead of failing at send time.
    const size_t limit = max_advertised(in.version, family);
    size_t advertised = 0;
    for (const auto& v : in.vips) {
      if (v.advertised && ++advertised > limit) {
        throw ConfigError(
            v.where, prefix + "more than " + std::to_string(limit) + " " + family_name(family) +
                         " virtual_ipaddress entries for VRRPv" + std::to_string(in.version) +
                         " (expected at most " + std::to_string(limit) +
                         ": an advert carries every address and peers accept at "
                         "most " +
                         std::to_string(XVRRP_MAX_VRRP_LEN) +
                         " bytes; put the rest in virtual_ipaddress_excluded)");
      }
    }

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

    if (in.auth_hmac) {
      auto& ah = *in.auth_hmac;
      const std::string where = p.auth_hmac_tok->where();
      if (in.auth_type != 0) {
        // keepalived reports this as a configuration error and drops the
        // legacy block; refusing keeps the file's meaning unambiguous.
        throw ConfigError(where, prefix +
                                     "auth_hmac cannot be combined with authentication (expected "
                                     "one of them; keepalived drops the authentication block)");
      }
      if (const char* problem = core::auth_hmac::settings_problem(ah)) {
        throw ConfigError(where, prefix + problem +
                                     " (expected 'key ID hex:...' lines and 'active_key ID' "
                                     "naming one of them)");
      }
      if (ah.anti_replay == core::auth_hmac::AntiReplay::Time && ah.time_window == 0) {
        ah.time_window = core::auth_hmac::derived_window(in.advert_int_cs);
      }
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
    // keepalived 2.2.7 and RFC 5798 §5.1.2.1: IPv6 adverts leave from the link-local
    // address. A peer listing this host's global address drops them (xvrrpd always checks
    // the source; keepalived binds its unicast socket to its own source address).
    const bool global_peer =
        std::any_of(in.unicast_peers.begin(), in.unicast_peers.end(), [](const UnicastPeer& u) {
          return !(u.addr.bytes[0] == 0xfe && (u.addr.bytes[1] & 0xc0) == 0x80);
        });
    if (family == AF_INET6 && !in.unicast_src_ip && global_peer)
      warn(in.where, prefix +
                         "IPv6 unicast_peer with a global address but no unicast_src_ip: adverts "
                         "leave from the link-local address of " +
                         in.interface +
                         " (as keepalived's), which a peer that lists this host's global address "
                         "does not accept; set unicast_src_ip");

    if (!in.preempt && in.initial_master) {
      warn(p.nopreempt_tok->where(),
           prefix + "nopreempt needs state BACKUP (keepalived ignores it with state MASTER)");
    }

    in.garp_master_delay_ms = p.garp_delay_ms.value_or(g.garp_master_delay_ms);
    in.garp_master_repeat = p.garp_repeat.value_or(g.garp_master_repeat);
    in.garp_master_refresh_ms = p.garp_refresh_ms.value_or(g.garp_master_refresh_ms);
    in.garp_master_refresh_repeat = p.garp_refresh_repeat.value_or(g.garp_master_refresh_repeat);
    in.check_unicast_src = p.check_unicast_src.value_or(g.check_unicast_src);
    in.instant_takeover = p.instant_takeover.value_or(in.unicast_peers.size() == 1);
    in.down_timer_adverts = p.down_timer_adverts.value_or(g.down_timer_adverts);
    in.lower_prio_no_advert = p.lower_prio_no_advert.value_or(g.lower_prio_no_advert);
    // A sync group's value comes between the two (resolve_sync_groups).
    in.notify_priority_changes = p.notify_priority_changes.value_or(g.notify_priority_changes);
    if (p.notify_priority_changes) own_priority_changes_.push_back(in.name);
    in.higher_prio_send_advert = p.higher_prio_send_advert.value_or(g.higher_prio_send_advert);
    in.garp_lower_prio_repeat = p.garp_lower_prio_repeat.value_or(g.garp_lower_prio_repeat);
    in.garp_lower_prio_delay_ms = p.garp_lower_prio_delay_ms.value_or(g.garp_lower_prio_delay_ms);
    in.garp_interval_ms = family == AF_INET6 ? g.gna_interval_ms : g.garp_interval_ms;
    resolve_strict(p, prefix, family);

    for (const auto& ref : p.script_refs) in.track_scripts.push_back(tracked_script(ref, prefix));
    for (const auto& ref : p.file_refs) in.track_files.push_back(tracked_file(ref, prefix));
    for (const auto& ref : p.process_refs)
      in.track_processes.push_back(tracked_process(ref, prefix));
    for (const auto& ref : p.bfd_refs) {
      const BfdInstance& b = bfd_named(ref.name, prefix + "track_bfd");
      in.track_bfds.push_back(
          {b.name, ref.weight.value_or(b.weight), ref.reverse.value_or(b.weight_reverse)});
    }
    if (p.master_bfd_tok) {
      const BfdInstance& b = bfd_named(*p.master_bfd_tok, prefix + "master_bfd");
      if (b.neighbor_ip.family != family) {
        throw ConfigError(p.master_bfd_tok->where(),
                          prefix + "master_bfd " + b.name + ": neighbor_ip " +
                              b.neighbor_ip.to_string() + " is " +
                              family_name(b.neighbor_ip.family) + " (expected " +
                              family_name(family) + ", the family of the instance's master)");
      }
      const bool is_peer =
          std::any_of(in.unicast_peers.begin(), in.unicast_peers.end(),
                      [&](const UnicastPeer& peer) { return peer.addr == b.neighbor_ip; });
      if (!in.unicast_peers.empty() && !is_peer) {
        warn(p.master_bfd_tok->where(), prefix + "master_bfd " + b.name + ": neighbor_ip " +
                                            b.neighbor_ip.to_string() +
                                            " is not a unicast_peer; it never is the master");
      }
    }
    if (in.priority == 255) owner_file_weights(in);
  }

  // keepalived (vrrp_complete_instance): strict mode refuses what breaks RFC 5798 on the wire
  // and resets, with a warning, what it only forbids; then accept mode's default.
  void resolve_strict(PendingInstance& p, const std::string& prefix, int family) {
    Instance& in = p.inst;
    const Global& g = cfg_.global;
    in.strict_mode = p.strict_mode.value_or(g.vrrp_strict);
    const std::string why = p.strict_mode ? "strict_mode" : "vrrp_strict";
    const std::string where = p.strict_tok ? p.strict_tok->where() : in.where;
    if (in.strict_mode) {
      if (!in.unicast_peers.empty()) {
        throw ConfigError(in.where, prefix + "unicast_peer is not allowed in strict mode (" + why +
                                        "; expected multicast adverts, as keepalived)");
      }
      if (in.vips.empty()) {
        throw ConfigError(
            in.where, prefix + "strict mode (" + why + ") needs at least one virtual_ipaddress");
      }
      const auto reset = [&](const std::string& what) {
        warn(where, prefix + what + " is not allowed in strict mode (" + why + "): reset");
      };
      if (in.initial_master != (in.priority == 255)) {
        reset(std::string("state ") + (in.initial_master ? "MASTER" : "BACKUP") +
              " with priority " + std::to_string(in.priority) +
              " (MASTER if and only if priority 255)");
        in.initial_master = in.priority == 255;
      }
      if (in.auth_type != 0) {
        reset("authentication");
        in.auth_type = 0;
        in.auth_pass.fill(0);
      }
      if (in.preempt_delay_ns != 0) {
        reset("preempt_delay");
        in.preempt_delay_ns = 0;
      }
      if (p.down_timer_adverts && in.down_timer_adverts != 3) {
        reset("down_timer_adverts " + std::to_string(in.down_timer_adverts));
      }
      in.down_timer_adverts = 3;
      if (p.garp_lower_prio_repeat && in.garp_lower_prio_repeat != 0) {
        reset("garp_lower_prio_repeat");
      }
      in.garp_lower_prio_repeat = 0;
      if (p.garp_lower_prio_delay_ms && in.garp_lower_prio_delay_ms != 0) {
        reset("garp_lower_prio_delay");
      }
      in.garp_lower_prio_delay_ms = 0;
      if (p.lower_prio_no_advert && !in.lower_prio_no_advert) reset("lower_prio_no_advert off");
      in.lower_prio_no_advert = true;
      if (p.higher_prio_send_advert && in.higher_prio_send_advert) {
        reset("higher_prio_send_advert");
      }
      in.higher_prio_send_advert = false;
      if (family == AF_INET6 && !in.vips.empty() &&
          !(in.vips[0].addr.bytes[0] == 0xfe && (in.vips[0].addr.bytes[1] & 0xc0) == 0x80)) {
        warn(in.vips[0].where, prefix +
                                   "in strict mode the first IPv6 virtual_ipaddress must "
                                   "be link-local (RFC 5798 §5.2.9)");
      }
    }
    in.accept = p.accept.value_or(in.priority == 255 || !in.strict_mode);
    if (in.accept && in.strict_mode && in.priority != 255 && in.version == 2) {
      warn(p.accept_tok ? p.accept_tok->where() : in.where,
           prefix + "accept mode is not part of VRRPv2 (RFC 3768) in strict mode: no_accept");
      in.accept = false;
    }
  }

  TrackedScript tracked_script(const TrackRef& ref, const std::string& prefix) const {
    auto it = std::find_if(scripts_.begin(), scripts_.end(),
                           [&](const auto& s) { return s.first.name == ref.name.text; });
    if (it == scripts_.end()) {
      throw ConfigError(ref.name.where(), prefix + "track_script " + ref.name.text +
                                              ": no such vrrp_script (expected the name of a "
                                              "vrrp_script block)");
    }
    TrackedScript t;
    t.script = it->first;
    t.weight = ref.weight.value_or(it->first.weight);
    // keepalived (alloc_track_script): the script's reverse flag unless the
    // line says reverse/noreverse.
    t.weight_reverse = ref.reverse.value_or(it->first.weight_reverse);
    return t;
  }

  TrackedFile tracked_file(const TrackRef& ref, const std::string& prefix) const {
    auto it = std::find_if(files_.begin(), files_.end(),
                           [&](const auto& f) { return f.first.name == ref.name.text; });
    if (it == files_.end()) {
      throw ConfigError(ref.name.where(), prefix + "track_file " + ref.name.text +
                                              ": no such track_file (expected the name of a "
                                              "track_file block)");
    }
    TrackedFile t;
    t.file = it->first;
    t.weight = ref.weight.value_or(it->first.weight);
    t.weight_reverse = ref.reverse.value_or(it->first.weight_reverse);
    return t;
  }

  // keepalived (vrrp_complete_instance): an address owner's track_file with
  // the default weight 1 becomes unweighted, any other weighted one is dropped.
  void owner_file_weights(Instance& in) {
    std::vector<TrackedFile> kept;
    for (auto& t : in.track_files) {
      if (t.weight == 1) {
        warn(in.where, "vrrp_instance " + in.name + ": weight of track_file " + t.file.name +
                           " ignored: priority 255 (address owner) never changes; it is "
                           "unweighted (as keepalived; specify weight 0)");
        t.weight = 0;
      } else if (t.weight != 0) {
        warn(in.where, "vrrp_instance " + in.name + ": track_file " + t.file.name +
                           " with weight " + std::to_string(t.weight) +
                           " ignored: priority 255 (address owner) never changes (as keepalived)");
        continue;
      }
      kept.push_back(std::move(t));
    }
    in.track_files = std::move(kept);
  }

  // keepalived (vrrp_sync_set_group): unknown members and members of another
  // group are dropped, a group without members is removed, one member warns.
  void resolve_sync_groups() {
    for (auto& pg : groups_) {
      SyncGroup& g = pg.group;
      const std::string prefix = "vrrp_sync_group " + g.name + ": ";
      for (const auto& ref : pg.script_refs) g.track_scripts.push_back(tracked_script(ref, prefix));
      for (const auto& ref : pg.file_refs) g.track_files.push_back(tracked_file(ref, prefix));
      for (const auto& ref : pg.process_refs)
        g.track_processes.push_back(tracked_process(ref, prefix));
      for (const auto& ref : pg.bfd_refs) {
        const BfdInstance& b = bfd_named(ref.name, prefix + "track_bfd");
        g.track_bfds.push_back(
            {b.name, ref.weight.value_or(b.weight), ref.reverse.value_or(b.weight_reverse)});
      }
      std::vector<Instance*> members;
      for (const Token& t : pg.members) {
        auto it = std::find_if(cfg_.instances.begin(), cfg_.instances.end(),
                               [&](const Instance& in) { return in.name == t.text; });
        if (it == cfg_.instances.end()) {
          warn(t.where(),
               prefix + "vrrp_instance " + t.text + " doesn't exist, ignored (as keepalived)");
          continue;
        }
        if (!it->sync_group.empty()) {
          warn(t.where(), prefix + "vrrp_instance " + t.text + " is already in vrrp_sync_group " +
                              it->sync_group +
                              ", ignored here (an instance belongs to one sync group, as "
                              "keepalived)");
          continue;
        }
        it->sync_group = g.name;
        g.members.push_back(it->name);
        members.push_back(&*it);
      }
      if (members.empty()) {
        warn(g.where, prefix +
                          "no matching vrrp_instance in group, sync group removed (as "
                          "keepalived)");
        continue;
      }
      if (members.size() == 1) {
        warn(g.where, prefix + "only 1 vrrp_instance (" + g.members.front() +
                          "); this probably isn't what you want (kept, as keepalived)");
      }
      const bool owner = std::any_of(members.begin(), members.end(),
                                     [](const Instance* in) { return in->priority == 255; });
      if (owner) owner_group_weights(g);
      for (Instance* in : members) apply_group_tracking(*in, g);
      for (Instance* in : members) {
        const bool own = std::find(own_priority_changes_.begin(), own_priority_changes_.end(),
                                   in->name) != own_priority_changes_.end();
        if (pg.notify_priority_changes && !own)
          in->notify_priority_changes = *pg.notify_priority_changes;
      }
      cfg_.sync_groups.push_back(std::move(g));
    }
  }

  // keepalived (sync_group_tracking_init): with an address owner among the
  // members the group's trackers lose their weights.
  void owner_group_weights(SyncGroup& g) {
    const std::string prefix = "vrrp_sync_group " + g.name + ": ";
    const std::string why = " cleared: a member has priority 255 (as keepalived)";
    for (auto& t : g.tracked) {
      if (t.weight != 0) warn(g.where, prefix + "weight of track_interface " + t.name + why);
      t.weight = 0;
    }
    for (auto& t : g.track_scripts) {
      if (t.weight != 0) warn(g.where, prefix + "weight of track_script " + t.script.name + why);
      t.weight = 0;
    }
    for (auto& t : g.track_files) {
      if (t.weight != 0) warn(g.where, prefix + "weight of track_file " + t.file.name + why);
      t.weight = 0;
    }
    for (auto& t : g.track_processes) {
      if (t.weight != 0) warn(g.where, prefix + "weight of track_process " + t.process.name + why);
      t.weight = 0;
    }
    for (auto& t : g.track_bfds) {
      if (t.weight != 0) warn(g.where, prefix + "weight of track_bfd " + t.name + why);
      t.weight = 0;
    }
  }

  // keepalived (vrrp_complete_instance, then sync_group_tracking_init). Without
  // sync_group_tracking_weight a member's own weighted trackers are not kept
  // as they are: a weighted track_interface becomes unweighted, a weighted
  // track_script (or track_bfd) is dropped, a track_file with weight 1 (the
  // default) becomes unweighted and one with another weight is dropped. The group's own
  // trackers then apply to every member with their weights.
  void apply_group_tracking(Instance& in, const SyncGroup& g) {
    const std::string prefix = "vrrp_instance " + in.name + ": ";
    const std::string why = " due to vrrp_sync_group " + g.name +
                            " (as keepalived; sync_group_tracking_weight keeps it)";
    if (!g.tracking_weight) {
      for (auto& t : in.tracked) {
        if (t.weight == 0) continue;
        warn(in.where, prefix + "weight of track_interface " + t.name + " ignored" + why);
        t.weight = 0;
      }
      std::vector<TrackedScript> scripts;
      for (auto& t : in.track_scripts) {
        if (t.weight != 0) {
          warn(in.where, prefix + "weighted track_script " + t.script.name + " ignored" + why);
          continue;
        }
        scripts.push_back(std::move(t));
      }
      in.track_scripts = std::move(scripts);
      std::vector<TrackedFile> files;
      for (auto& t : in.track_files) {
        if (t.weight == 1) {
          warn(in.where,
               prefix + "weight of track_file " + t.file.name + " ignored, it is unweighted" + why);
          t.weight = 0;
        } else if (t.weight != 0) {
          warn(in.where, prefix + "track_file " + t.file.name + " with weight " +
                             std::to_string(t.weight) + " ignored" + why);
          continue;
        }
        files.push_back(std::move(t));
      }
      in.track_files = std::move(files);
      std::vector<TrackedBfd> bfds;
      for (auto& t : in.track_bfds) {
        if (t.weight != 0) {
          warn(in.where, prefix + "weighted track_bfd " + t.name + " ignored" + why);
          continue;
        }
        bfds.push_back(std::move(t));
      }
      in.track_bfds = std::move(bfds);
    }
    // A tracker on both the instance and its group: the group's line wins
    // unless the instance's is unweighted (keepalived's add_obj_to_track_file).
    auto both = [&](const std::string& kind, const std::string& name) {
      warn(in.where, prefix + kind + " " + name + " is configured on the instance and on " +
                         "vrrp_sync_group " + g.name + "; remove the instance's line");
    };
    for (const auto& t : g.tracked) {
      auto it = std::find_if(in.tracked.begin(), in.tracked.end(),
                             [&](const TrackedInterface& o) { return o.name == t.name; });
      if (it == in.tracked.end()) {
        in.tracked.push_back(t);
        continue;
      }
      both("track_interface", t.name);
      if (it->weight != 0) *it = t;
    }
    for (const auto& t : g.track_scripts) {
      auto it =
          std::find_if(in.track_scripts.begin(), in.track_scripts.end(),
                       [&](const TrackedScript& o) { return o.script.name == t.script.name; });
      if (it == in.track_scripts.end()) {
        in.track_scripts.push_back(t);
        continue;
      }
      both("track_script", t.script.name);
      if (it->weight != 0) *it = t;
    }
    for (const auto& t : g.track_files) {
      auto it = std::find_if(in.track_files.begin(), in.track_files.end(),
                             [&](const TrackedFile& o) { return o.file.name == t.file.name; });
      if (it == in.track_files.end()) {
        in.track_files.push_back(t);
        continue;
      }
      both("track_file", t.file.name);
      if (it->weight != 0) *it = t;
    }
    for (const auto& t : g.track_processes) {
      auto it =
          std::find_if(in.track_processes.begin(), in.track_processes.end(),
                       [&](const TrackedProcess& o) { return o.process.name == t.process.name; });
      if (it == in.track_processes.end()) {
        in.track_processes.push_back(t);
        continue;
      }
      both("track_process", t.process.name);
      if (it->weight != 0) *it = t;
    }
    for (const auto& t : g.track_bfds) {
      auto it = std::find_if(in.track_bfds.begin(), in.track_bfds.end(),
                             [&](const TrackedBfd& o) { return o.name == t.name; });
      if (it == in.track_bfds.end()) {
        in.track_bfds.push_back(t);
        continue;
      }
      both("track_bfd", t.name);
      if (it->weight != 0) *it = t;
    }
  }

  // Only tracked vrrp_script and track_file blocks run (as keepalived).
  void mark_used() {
    for (auto& entry : scripts_) {
      const std::string& name = entry.first.name;
      entry.second =
          std::any_of(cfg_.instances.begin(), cfg_.instances.end(), [&](const Instance& in) {
            return std::any_of(in.track_scripts.begin(), in.track_scripts.end(),
                               [&](const TrackedScript& t) { return t.script.name == name; });
          });
    }
    for (auto& entry : files_) {
      const std::string& name = entry.first.name;
      entry.second =
          std::any_of(cfg_.instances.begin(), cfg_.instances.end(), [&](const Instance& in) {
            return std::any_of(in.track_files.begin(), in.track_files.end(),
                               [&](const TrackedFile& t) { return t.file.name == name; });
          });
    }
    for (auto& entry : processes_) {
      const std::string& name = entry.first.name;
      entry.second =
          std::any_of(cfg_.instances.begin(), cfg_.instances.end(), [&](const Instance& in) {
            return std::any_of(in.track_processes.begin(), in.track_processes.end(),
                               [&](const TrackedProcess& t) { return t.process.name == name; });
          });
    }
  }

  const BfdInstance& bfd_named(const Token& name, const std::string& what) {
    for (const auto& b : cfg_.bfd_instances) {
      if (b.name != name.text) continue;
      if (!b.vrrp) {
        throw ConfigError(name.where(), what + " " + name.text +
                                            ": the bfd_instance says 'checker' only (expected "
                                            "'vrrp' in it, or no process keyword)");
      }
      return b;
    }
    throw ConfigError(name.where(), what + " " + name.text +
                                        ": no such bfd_instance (expected the name of a "
                                        "bfd_instance block)");
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
        if (!a.vmac.empty() && a.vmac == b.vmac) {
          throw ConfigError(pending_[i].vmac_tok->where(),
                            "vrrp_instance " + a.name + ": use_vmac " + a.vmac +
                                " is already vrrp_instance " + b.name +
                                "'s (expected one macvlan per instance)");
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
  bool accept_unapplied_ = false;
  std::optional<Token> router_id_tok_;
  std::vector<std::pair<VrrpScript, bool>> scripts_;      // defined, used by some instance
  bool* have_bfd_neighbor_ = nullptr;                     // inside bfd_instance
  std::vector<std::pair<TrackFile, bool>> files_;         // defined, used by some instance
  std::vector<std::pair<TrackProcess, bool>> processes_;  // defined, used by some instance
  std::vector<PendingGroup> groups_;
  std::optional<Token> global_garp_interval_tok_;
  bool global_version_set_ = false;
  std::optional<std::uint32_t> global_lower_prio_repeat_;
  // notify_fifo / vrrp_notify_fifo and their *_script lines, for messages.
  std::optional<Token> fifo_tok_[2], fifo_script_tok_[2];
  // Instances with their own notify_priority_changes line.
  std::vector<std::string> own_priority_changes_;
  std::string ignored_where_;
  std::vector<PendingInstance> pending_;
};

// ---- the keyword table ----------------------------------------------------

constexpr Keyword impl(Section s, std::string_view name, std::uint8_t min_args,
                       std::uint8_t max_args, Block block, Handler h, std::string_view field,
                       std::string_view usage) {
  return {name, field, usage, {}, h, s, Support::kImplemented, min_args, max_args, block};
}
constexpr Keyword same(Section s, std::string_view name, std::uint8_t min_args,
                       std::uint8_t max_args, Handler h, std::string_view usage,
                       std::string_view doc) {
  return {name, {}, usage, doc, h, s, Support::kSame, min_args, max_args, Block::kNone};
}
constexpr Keyword refused(Section s, std::string_view name, std::string_view doc = {}) {
  return {name, {}, {}, doc, nullptr, s, Support::kRefused, 0, 0, Block::kNone};
}
constexpr Keyword gated(Keyword k, bool wired) {
  k.wired = wired;
  return k;
}
constexpr Keyword ignored(Section s, std::string_view name) {
  return {name, {}, {}, {}, nullptr, s, Support::kIgnored, 0, 0, Block::kNone};
}

PendingInstance& pi(Ctx& c) { return *c.inst; }
Instance& in(Ctx& c) { return c.inst->inst; }
const Token& arg(const Statement& st, size_t i = 1) { return st.words[i]; }
std::uint8_t u8(const Token& t, std::int64_t lo, std::int64_t hi, const std::string& what) {
  return static_cast<std::uint8_t>(Parser::integer(t, lo, hi, what));
}
std::uint32_t u32(const Token& t, std::int64_t lo, std::int64_t hi, const std::string& what) {
  return static_cast<std::uint32_t>(Parser::integer(t, lo, hi, what));
}

core::auth_hmac::Settings& hmac(Ctx& c) { return *in(c).auth_hmac; }

// keepalived's [<BOOL>]: true, on, yes / false, off, no; no argument is true.
bool keepalived_bool(const Statement& st) {
  if (st.words.size() < 2) return true;
  const std::string& v = arg(st).text;
  if (v == "true" || v == "on" || v == "yes") return true;
  if (v == "false" || v == "off" || v == "no") return false;
  throw ConfigError(arg(st).where(), "invalid " + st.keyword().text + " '" + v +
                                         "' (expected true, false, on, off, yes or no)");
}

// garp_lower_prio_delay: keepalived takes whole seconds only.
std::uint32_t whole_seconds_ms(const Statement& st) {
  return u32(arg(st), 0, 86400, st.keyword().text + " (whole seconds)") * 1000U;
}

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// keepalived's key value: "hex:" and pairs of hex digits, else the ASCII bytes.
// The value is never echoed back in an error.
std::vector<std::uint8_t> decode_key(const std::string& v, const std::string& where) {
  std::vector<std::uint8_t> out;
  if (v.rfind("hex:", 0) != 0) return {v.begin(), v.end()};
  const std::string digits = v.substr(4);
  if (digits.size() % 2 != 0) {
    throw ConfigError(where, "auth_hmac key: odd number of hex digits (expected hex:XX...)");
  }
  for (size_t i = 0; i < digits.size(); i += 2) {
    const int hi = hex_digit(digits[i]), lo = hex_digit(digits[i + 1]);
    if (hi < 0 || lo < 0) {
      throw ConfigError(where, "auth_hmac key: invalid hex digit (expected hex:XX...)");
    }
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

// "file:PATH": the same value, read from a file only root may read (keepalived
// reports group or other access as a security error; xvrrpd refuses it).
std::vector<std::uint8_t> read_key_file(const std::string& path, const std::string& where) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    throw ConfigError(
        where, "auth_hmac key file '" + path + "' cannot be opened: " + std::strerror(errno));
  }
  struct stat st {};
  std::string text;
  const bool stat_ok = ::fstat(fd, &st) == 0;
  if (stat_ok && S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO)) == 0) {
    char buf[4 + core::auth_hmac::kKeyMaxLen * 2 + 8];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof(buf))) > 0 && text.size() < sizeof(buf)) {
      text.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (!stat_ok || !S_ISREG(st.st_mode)) {
    throw ConfigError(where, "auth_hmac key file '" + path + "' is not a regular file");
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw ConfigError(where, "auth_hmac key file '" + path +
                                 "' is accessible by group or others (expected mode 0600 or "
                                 "0400, e.g. chmod 600)");
  }
  if (text.size() >= 4 + core::auth_hmac::kKeyMaxLen * 2 + 8) {
    throw ConfigError(where, "auth_hmac key file '" + path + "' is too large");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto key = decode_key(text, where);
  std::fill(text.begin(), text.end(), '\0');
  return key;
}

constexpr Section kTop = Section::kTop;
constexpr Section kGlob = Section::kGlobalDefs;
constexpr Section kInst = Section::kInstance;
constexpr Section kAuth = Section::kAuthentication;
constexpr Section kScr = Section::kScript;
constexpr Section kBfd = Section::kBfd;
constexpr Section kSg = Section::kSyncGroup;
constexpr Section kTf = Section::kTrackFile;
constexpr Section kTp = Section::kTrackProcess;
constexpr Section kHmac = Section::kAuthHmac;

constexpr std::string_view kTrackers =
    "only track_interface, track_script, track_file, track_process and track_bfd are "
    "implemented";
constexpr std::string_view kFirewall =
    "xvrrpd's only firewall rules are its own no_accept table (nftables)";
constexpr std::string_view kVmac = "xvrrpd makes only use_vmac macvlans, for IPv4 instances";
constexpr std::string_view kSnmp = "xvrrpd has no SNMP or D-Bus interface; see xvrrpctl";
constexpr std::string_view kSched =
    "use xvrrpd's --realtime-priority option; process tuning keywords are not applied";
constexpr std::string_view kBufs = "xvrrpd sizes its netlink and socket buffers itself";
constexpr std::string_view kGarpLower =
    "no notification is run on a lower-priority advert; notify_master runs on entering MASTER";
constexpr std::string_view kTimers = "xvrrpd's timers follow RFC 5798 only";

const Keyword kKeywords[] = {
    // ---- top level ----
    impl(kTop, "global_defs", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.block(Section::kGlobalDefs, c, &st.keyword());
         },
         {}, "global_defs {"),
    impl(kTop, "vrrp_instance", 1, 1, Block::kRequired,
         [](Parser& p, Ctx&, const Statement& st) { p.vrrp_instance(st); }, "name",
         "vrrp_instance NAME {"),
    gated(impl(kTop, "vrrp_sync_group", 1, 1, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) { p.vrrp_sync_group(st); }, {},
               "vrrp_sync_group NAME {"),
          kDaemonRunsSyncGroups),
    gated(impl(kTop, "vrrp_script", 1, 1, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) { p.vrrp_script(st); }, {},
               "vrrp_script NAME {"),
          kDaemonRunsScripts),
    gated(impl(kTop, "track_file", 1, 1, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) { p.track_file_def(st); }, {},
               "track_file NAME {"),
          kDaemonTracksFiles),
    gated(impl(kTop, "vrrp_track_file", 1, 1, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) { p.track_file_def(st); }, {},
               "vrrp_track_file NAME { (deprecated synonym of track_file)"),
          kDaemonTracksFiles),
    impl(kTop, "vrrp_track_process", 1, 1, Block::kRequired,
         [](Parser& p, Ctx&, const Statement& st) { p.track_process_def(st); }, {},
         "vrrp_track_process NAME {"),
    gated(impl(kTop, "bfd_instance", 1, 1, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) { p.bfd_instance(st); }, {},
               "bfd_instance NAME {"),
          kDaemonRunsBfd),
    gated(impl(kTop, "static_ipaddress", 0, 0, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) { p.static_address_block(st.keyword()); },
               {}, "static_ipaddress {"),
          kDaemonAppliesStatics),
    gated(impl(kTop, "static_routes", 0, 0, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) {
                 p.spec_block(st.keyword(), p.cfg_.static_routes,
                              [](const std::vector<std::string>& w) { return parse_route(w); });
               },
               {}, "static_routes {"),
          kDaemonAppliesStatics),
    gated(impl(kTop, "static_rules", 0, 0, Block::kRequired,
               [](Parser& p, Ctx&, const Statement& st) {
                 p.spec_block(st.keyword(), p.cfg_.static_rules,
                              [](const std::vector<std::string>& w) { return parse_rule(w); });
               },
               {}, "static_rules {"),
          kDaemonAppliesStatics),
    refused(kTop, "track_group", kTrackers),
    refused(kTop, "garp_group", "per-interface GARP groups are not implemented"),
    refused(kTop, "interface_up_down_delays", kTimers),
    refused(kTop, "net_namespace", "run xvrrpd inside the namespace instead"),
    ignored(kTop, "virtual_server"),
    ignored(kTop, "virtual_server_group"),
    ignored(kTop, "linkbeat_interfaces"),
    ignored(kTop, "linkbeat_use_polling"),
    ignored(kTop, "net_namespace_ipvs"),
    ignored(kTop, "namespace_with_ipsets"),
    ignored(kTop, "use_pid_dir"),
    ignored(kTop, "instance"),
    ignored(kTop, "child_wait_time"),

    // ---- global_defs ----
    impl(kGlob, "router_id", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.router_id = arg(st).text;
           p.router_id_tok_ = arg(st);
         },
         "global.router_id", "router_id NAME"),
    impl(kGlob, "vrrp_version", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.vrrp_version = u8(arg(st), 2, 3, "vrrp_version");
           p.global_version_set_ = true;
         },
         "global.vrrp_version", "vrrp_version 2|3"),
    impl(kGlob, "vrrp_garp_master_delay", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.garp_master_delay_ms =
               Parser::seconds_ms(arg(st), 86400, st.keyword().text);
         },
         "global.vrrp_garp_master_delay_ms", "vrrp_garp_master_delay SECONDS"),
    impl(kGlob, "vrrp_down_timer_adverts", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.down_timer_adverts = u8(arg(st), 1, 100, st.keyword().text);
         },
         "global.vrrp_down_timer_adverts", "vrrp_down_timer_adverts 1..100"),
    impl(kGlob, "vrrp_lower_prio_no_advert", 0, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.lower_prio_no_advert = keepalived_bool(st);
         },
         "global.vrrp_lower_prio_no_advert", "vrrp_lower_prio_no_advert [BOOL]"),
    impl(kGlob, "vrrp_higher_prio_send_advert", 0, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.higher_prio_send_advert = keepalived_bool(st);
         },
         "global.vrrp_higher_prio_send_advert", "vrrp_higher_prio_send_advert [BOOL]"),
    impl(kGlob, "vrrp_garp_lower_prio_repeat", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.global_lower_prio_repeat_ = u32(arg(st), 0, 10000, st.keyword().text);
         },
         "global.vrrp_garp_lower_prio_repeat", "vrrp_garp_lower_prio_repeat COUNT"),
    impl(kGlob, "vrrp_garp_lower_prio_delay", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.garp_lower_prio_delay_ms = whole_seconds_ms(st);
         },
         "global.vrrp_garp_lower_prio_delay_ms", "vrrp_garp_lower_prio_delay SECONDS"),
    impl(kGlob, "vrrp_startup_delay", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.startup_delay_ms = Parser::seconds_ms(arg(st), 3600, st.keyword().text);
         },
         "global.vrrp_startup_delay_ms", "vrrp_startup_delay SECONDS"),
    impl(kGlob, "vrrp_garp_master_repeat", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.garp_master_repeat = u32(arg(st), 0, 10000, st.keyword().text);
         },
         "global.vrrp_garp_master_repeat", "vrrp_garp_master_repeat COUNT"),
    impl(kGlob, "vrrp_garp_master_refresh", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.garp_master_refresh_ms =
               Parser::seconds_ms(arg(st), 86400, st.keyword().text);
         },
         "global.vrrp_garp_master_refresh_ms", "vrrp_garp_master_refresh SECONDS"),
    impl(kGlob, "vrrp_garp_master_refresh_repeat", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.garp_master_refresh_repeat = u32(arg(st), 1, 10000, st.keyword().text);
         },
         "global.vrrp_garp_master_refresh_repeat", "vrrp_garp_master_refresh_repeat COUNT"),
    impl(kGlob, "vrrp_check_unicast_src", 0, 0, Block::kNone,
         [](Parser& p, Ctx&, const Statement&) { p.cfg_.global.check_unicast_src = true; },
         "global.vrrp_check_unicast_src", "vrrp_check_unicast_src"),
    gated(impl(kGlob, "vrrp_garp_interval", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.garp_interval_ms = Parser::seconds_ms(arg(st), 1000, st.keyword().text);
         },
         "global.vrrp_garp_interval_ms", "vrrp_garp_interval SECONDS"),
          kDaemonAppliesGarpInterval),
    gated(impl(kGlob, "vrrp_gna_interval", 1, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.gna_interval_ms = Parser::seconds_ms(arg(st), 1000, st.keyword().text);
         },
         "global.vrrp_gna_interval_ms", "vrrp_gna_interval SECONDS"),
          kDaemonAppliesGarpInterval),
    same(kGlob, "vrrp_skip_check_adv_addr", 0, 0, nullptr, "vrrp_skip_check_adv_addr",
         "xvrrpd never compares an advert's address list with its own: skipping the check is "
         "its only behaviour"),
    same(kGlob, "vrrp_mcast_group4", 1, 1,
         [](Parser&, Ctx&, const Statement& st) {
           Parser::default_group_only(st, IpAddress::parse("224.0.0.18"));
         },
         "vrrp_mcast_group4 224.0.0.18",
         "only the RFC 5798 group, which xvrrpd always uses; another group is refused"),
    same(kGlob, "vrrp_mcast_group6", 1, 1,
         [](Parser&, Ctx&, const Statement& st) {
           Parser::default_group_only(st, IpAddress::parse("ff02::12"));
         },
         "vrrp_mcast_group6 ff02::12",
         "only the RFC 5798 group, which xvrrpd always uses; another group is refused"),
    impl(kGlob, "script_user", 1, 2, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.script_user = arg(st).text;
           p.cfg_.global.script_group = st.words.size() == 3 ? arg(st, 2).text : std::string();
         },
         "global.script_user", "script_user USER [GROUP]"),
    impl(kGlob, "enable_script_security", 0, 0, Block::kNone,
         [](Parser& p, Ctx&, const Statement&) { p.cfg_.global.script_security = true; },
         "global.enable_script_security", "enable_script_security"),
    refused(kGlob, "set_supplementary_groups", "notify scripts run as root"),
    gated(impl(kGlob, "vrrp_strict", 0, 0, Block::kNone,
               [](Parser& p, Ctx&, const Statement&) { p.cfg_.global.vrrp_strict = true; },
               "global.vrrp_strict", "vrrp_strict"),
          kDaemonFiltersNoAccept),
    // keepalived (vrrp_min_garp_handler): one gratuitous ARP/NA, no repeat, for each
    // vrrp_garp_master_* setting still at its default where the line stands.
    impl(kGlob, "vrrp_min_garp", 0, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           if (!keepalived_bool(st)) return;
           Global& g = p.cfg_.global;
           const Global d;
           if (g.garp_master_repeat == d.garp_master_repeat) g.garp_master_repeat = 1;
           if (g.garp_master_refresh_repeat == d.garp_master_refresh_repeat)
             g.garp_master_refresh_repeat = 0;
           if (g.garp_master_delay_ms == d.garp_master_delay_ms) g.garp_master_delay_ms = 0;
         },
         {}, "vrrp_min_garp [BOOL]"),
    refused(kGlob, "vrrp_garp_extra_if", kVmac),
    refused(kGlob, "vrrp_vmac_garp_intvl", kVmac),
    refused(kGlob, "vrrp_iptables", kFirewall),
    refused(kGlob, "vrrp_ipsets", kFirewall),
    refused(kGlob, "nftables", kFirewall),
    refused(kGlob, "nftables_priority", kFirewall),
    refused(kGlob, "nftables_ifindex", kFirewall),
    refused(kGlob, "nftables_counters", kFirewall),
    refused(kGlob, "vrrp_priority", kSched),
    refused(kGlob, "vrrp_no_swap", kSched),
    refused(kGlob, "vrrp_rt_priority", kSched),
    refused(kGlob, "vrrp_cpu_affinity", kSched),
    refused(kGlob, "vrrp_rlimit_rttime", kSched),
    refused(kGlob, "vrrp_rlimit_rtime", kSched),
    refused(kGlob, "max_auto_priority", kSched),
    refused(kGlob, "min_auto_priority_delay", kSched),
    refused(kGlob, "vrrp_process_name", "the process is xvrrpd"),
    impl(kGlob, "notify_fifo", 1, 3, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           Parser::fifo_path(st, p.cfg_.global.notify_fifo, p.fifo_tok_[0]);
         },
         "global.notify_fifo", "notify_fifo PATH [USER [GROUP]]"),
    impl(kGlob, "notify_fifo_script", 1, 3, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           Parser::fifo_script(st, p.cfg_.global.notify_fifo, p.fifo_script_tok_[0]);
         },
         "global.notify_fifo", "notify_fifo_script \"SCRIPT ARGS\" [USER [GROUP]]"),
    impl(kGlob, "vrrp_notify_fifo", 1, 3, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           Parser::fifo_path(st, p.cfg_.global.vrrp_notify_fifo, p.fifo_tok_[1]);
         },
         "global.vrrp_notify_fifo", "vrrp_notify_fifo PATH [USER [GROUP]]"),
    impl(kGlob, "vrrp_notify_fifo_script", 1, 3, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           Parser::fifo_script(st, p.cfg_.global.vrrp_notify_fifo, p.fifo_script_tok_[1]);
         },
         "global.vrrp_notify_fifo", "vrrp_notify_fifo_script \"SCRIPT ARGS\" [USER [GROUP]]"),
    impl(kGlob, "vrrp_notify_priority_changes", 0, 1, Block::kNone,
         [](Parser& p, Ctx&, const Statement& st) {
           p.cfg_.global.notify_priority_changes = keepalived_bool(st);
         },
         "global.vrrp_notify_priority_changes", "vrrp_notify_priority_changes [BOOL]"),
    impl(kGlob, "fifo_write_vrrp_states_on_reload", 0, 0, Block::kNone,
         [](Parser& p, Ctx&, const Statement&) {
           p.cfg_.global.fifo_write_vrrp_states_on_reload = true;
         },
         "global.fifo_write_vrrp_states_on_reload", "fifo_write_vrrp_states_on_reload"),
    refused(kGlob, "vrrp_netlink_cmd_rcv_bufs", kBufs),
    refused(kGlob, "vrrp_netlink_cmd_rcv_bufs_force", kBufs),
    refused(kGlob, "vrrp_netlink_monitor_rcv_bufs", kBufs),
    refused(kGlob, "vrrp_netlink_monitor_rcv_bufs_force", kBufs),
    refused(kGlob, "process_monitor_rcv_bufs", kBufs),
    refused(kGlob, "process_monitor_rcv_bufs_force", kBufs),
    refused(kGlob, "vrrp_rx_bufs_policy", kBufs),
    refused(kGlob, "vrrp_rx_bufs_multiplier", kBufs),
    refused(kGlob, "vrrp_delay_after_boot", kTimers),
    refused(kGlob, "log_unknown_vrids", "adverts for unknown VRIDs are counted, see xvrrpctl"),
    refused(kGlob, "vrrp_owner_ignore_adverts", kTimers),
    refused(kGlob, "vmac_prefix", kVmac),
    refused(kGlob, "vmac_addr_prefix", kVmac),
    refused(kGlob, "v3_checksum_as_v2", "xvrrpd sends the RFC 5798 checksum"),
    refused(kGlob, "dynamic_interfaces", "not implemented"),
    gated(impl(kGlob, "default_interface", 1, 1, Block::kNone,
               [](Parser& p, Ctx&, const Statement& st) {
                 p.cfg_.global.default_interface = p.ifname(arg(st), "default_interface");
               },
               "global.default_interface", "default_interface IFNAME"),
          kDaemonAppliesStatics),
    refused(kGlob, "disable_local_igmp", "xvrrpd joins the VRRP group normally"),
    refused(kGlob, "startup_script", "xvrrpd runs no start-up/shutdown scripts; use systemd"),
    refused(kGlob, "startup_script_timeout", "xvrrpd runs no start-up/shutdown scripts"),
    refused(kGlob, "shutdown_script", "xvrrpd runs no start-up/shutdown scripts; use systemd"),
    refused(kGlob, "shutdown_script_timeout", "xvrrpd runs no start-up/shutdown scripts"),
    refused(kGlob, "snmp_socket", kSnmp),
    refused(kGlob, "enable_traps", kSnmp),
    refused(kGlob, "enable_snmp_vrrp", kSnmp),
    refused(kGlob, "enable_snmp_keepalived", kSnmp),
    refused(kGlob, "enable_snmp_rfc", kSnmp),
    refused(kGlob, "enable_snmp_rfcv2", kSnmp),
    refused(kGlob, "enable_snmp_rfcv3", kSnmp),
    refused(kGlob, "enable_dbus", kSnmp),
    refused(kGlob, "dbus_service_name", kSnmp),
    refused(kGlob, "dbus_no_interface_name", kSnmp),
    ignored(kGlob, "notification_email"),
    ignored(kGlob, "notification_email_from"),
    ignored(kGlob, "smtp_server"),
    ignored(kGlob, "smtp_helo_name"),
    ignored(kGlob, "smtp_connect_timeout"),
    ignored(kGlob, "smtp_alert"),
    ignored(kGlob, "smtp_alert_vrrp"),
    ignored(kGlob, "smtp_alert_checker"),
    ignored(kGlob, "no_email_faults"),
    ignored(kGlob, "checker_log_all_failures"),
    ignored(kGlob, "checker_process_name"),
    ignored(kGlob, "checker_priority"),
    ignored(kGlob, "checker_no_swap"),
    ignored(kGlob, "checker_rt_priority"),
    ignored(kGlob, "checker_cpu_affinity"),
    ignored(kGlob, "checker_rlimit_rttime"),
    ignored(kGlob, "checker_rlimit_rtime"),
    ignored(kGlob, "no_checker_emails"),
    ignored(kGlob, "rs_init_notifies"),
    ignored(kGlob, "lvs_process_name"),
    ignored(kGlob, "lvs_timeouts"),
    ignored(kGlob, "lvs_flush"),
    ignored(kGlob, "lvs_flush_on_stop"),
    ignored(kGlob, "lvs_flush_onstop"),
    ignored(kGlob, "lvs_sync_daemon"),
    ignored(kGlob, "lvs_notify_fifo"),
    ignored(kGlob, "lvs_notify_fifo_script"),
    ignored(kGlob, "lvs_netlink_cmd_rcv_bufs"),
    ignored(kGlob, "lvs_netlink_cmd_rcv_bufs_force"),
    ignored(kGlob, "lvs_netlink_monitor_rcv_bufs"),
    ignored(kGlob, "lvs_netlink_monitor_rcv_bufs_force"),
    ignored(kGlob, "nftables_ipvs"),
    ignored(kGlob, "nftables_ipvs_priority"),
    ignored(kGlob, "nftables_ipvs_start_fwmark"),
    ignored(kGlob, "enable_snmp_checker"),
    ignored(kGlob, "snmp_vs_stats_update_interval"),
    ignored(kGlob, "snmp_rs_stats_update_interval"),
    ignored(kGlob, "bfd_process_name"),
    ignored(kGlob, "bfd_priority"),
    ignored(kGlob, "bfd_no_swap"),
    ignored(kGlob, "bfd_rt_priority"),
    ignored(kGlob, "bfd_cpu_affinity"),
    ignored(kGlob, "bfd_rlimit_rttime"),
    ignored(kGlob, "bfd_rlimit_rtime"),
    ignored(kGlob, "process_names"),
    ignored(kGlob, "process_name"),
    ignored(kGlob, "use_symlink_paths"),
    ignored(kGlob, "umask"),
    ignored(kGlob, "random_seed"),
    ignored(kGlob, "reload_check_config"),
    ignored(kGlob, "reload_time_file"),
    ignored(kGlob, "reload_repeat"),
    ignored(kGlob, "reload_file"),
    ignored(kGlob, "include_check"),
    ignored(kGlob, "config_save_dir"),
    ignored(kGlob, "tmp_config_directory"),
    ignored(kGlob, "data_use_instance"),
    ignored(kGlob, "json_version"),
    ignored(kGlob, "iproute_usr_dir"),
    ignored(kGlob, "iproute_etc_dir"),
    ignored(kGlob, "state_dump_file"),
    ignored(kGlob, "stats_dump_file"),
    ignored(kGlob, "json_dump_file"),

    // ---- vrrp_instance ----
    impl(kInst, "state", 1, 1, Block::kNone,
         [](Parser& p, Ctx& c, const Statement& st) {
           const std::string& v = arg(st).text;
           if (v != "MASTER" && v != "BACKUP") {
             throw ConfigError(arg(st).where(),
                               "invalid state '" + v + "' (expected MASTER or BACKUP)");
           }
           if (v == "BACKUP" && in(c).initial_master) {
             // keepalived keeps the first MASTER (vrrp_state_handler).
             p.warn(st.where(), "state previously set as MASTER, ignoring BACKUP (as keepalived)");
             return;
           }
           in(c).initial_master = v == "MASTER";
           pi(c).state_tok = st.keyword();
         },
         "state", "state MASTER|BACKUP"),
    impl(kInst, "interface", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).interface = Parser::ifname(arg(st), "interface");
           pi(c).interface_tok = st.keyword();
         },
         "interface", "interface IFNAME"),
    impl(kInst, "virtual_router_id", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).vrid = u8(arg(st), 1, 255, st.keyword().text);
           pi(c).vrid_tok = st.keyword();
         },
         "virtual_router_id", "virtual_router_id 1..255"),
    impl(kInst, "priority", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).priority = u8(arg(st), 1, 255, st.keyword().text);
         },
         "priority", "priority 1..255"),
    impl(kInst, "advert_int", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           auto cs = Parser::fixed_point(arg(st).text, 2);
           if (!cs) {
             throw ConfigError(arg(st).where(),
                               "invalid advert_int '" + arg(st).text +
                                   "' (expected seconds: an integer 1..255 for VRRPv2, "
                                   "0.01..40.95 in steps of 0.01 for VRRPv3)");
           }
           pi(c).advert_cs = *cs;
           pi(c).advert_tok = arg(st);
         },
         "advert_int_cs", "advert_int SECONDS"),
    impl(kInst, "version", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).version = u8(arg(st), 2, 3, st.keyword().text);
           pi(c).version_tok = arg(st);
         },
         "version", "version 2|3"),
    impl(kInst, "authentication", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.block(Section::kAuthentication, c, &st.keyword());
         },
         {}, "authentication {"),
    impl(kInst, "virtual_ipaddress", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) { p.vip_block(st.keyword(), in(c), true); },
         "virtual_ipaddress", "virtual_ipaddress {"),
    impl(kInst, "virtual_ipaddress_excluded", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) { p.vip_block(st.keyword(), in(c), false); },
         "virtual_ipaddress", "virtual_ipaddress_excluded {"),
    impl(kInst, "unicast_src_ip", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).unicast_src_ip = Parser::address(arg(st), "unicast_src_ip");
         },
         "unicast_src_ip", "unicast_src_ip ADDRESS"),
    // keepalived's vrrp_srcip_handler: the same source address, for multicast.
    impl(kInst, "mcast_src_ip", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).unicast_src_ip = Parser::address(arg(st), "mcast_src_ip");
         },
         "unicast_src_ip", "mcast_src_ip ADDRESS"),
    impl(kInst, "unicast_peer", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) { p.peer_block(st.keyword(), in(c)); },
         "unicast_peer", "unicast_peer {"),
    impl(kInst, "track_interface", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) { p.track_block(st.keyword(), in(c).tracked); },
         "track_interface", "track_interface {"),
    impl(kInst, "nopreempt", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).preempt = false;
           pi(c).nopreempt_tok = st.keyword();
         },
         "preempt", "nopreempt"),
    impl(kInst, "preempt", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { in(c).preempt = true; }, "preempt", "preempt"),
    impl(kInst, "preempt_delay", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           auto ms = Parser::fixed_point(arg(st).text, 3);
           if (!ms || *ms > 1000 * 1000) {
             throw ConfigError(arg(st).where(),
                               (ms ? "preempt_delay " + arg(st).text + " out of range"
                                   : "invalid preempt_delay '" + arg(st).text + "'") +
                                   " (expected seconds 0..1000, at most 3 decimals)");
           }
           in(c).preempt_delay_ns = *ms * 1000000;
         },
         "preempt_delay_ns", "preempt_delay SECONDS"),
    impl(kInst, "garp_master_delay", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).garp_delay_ms = Parser::seconds_ms(arg(st), 86400, st.keyword().text);
         },
         "garp_master_delay_ms", "garp_master_delay SECONDS"),
    impl(kInst, "down_timer_adverts", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).down_timer_adverts = u8(arg(st), 1, 100, st.keyword().text);
         },
         "down_timer_adverts", "down_timer_adverts 1..100"),
    impl(kInst, "lower_prio_no_advert", 0, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).lower_prio_no_advert = keepalived_bool(st);
         },
         "lower_prio_no_advert", "lower_prio_no_advert [BOOL]"),
    impl(kInst, "higher_prio_send_advert", 0, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).higher_prio_send_advert = keepalived_bool(st);
         },
         "higher_prio_send_advert", "higher_prio_send_advert [BOOL]"),
    impl(kInst, "garp_lower_prio_repeat", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).garp_lower_prio_repeat = u32(arg(st), 0, 10000, st.keyword().text);
         },
         "garp_lower_prio_repeat", "garp_lower_prio_repeat COUNT"),
    impl(kInst, "garp_lower_prio_delay", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).garp_lower_prio_delay_ms = whole_seconds_ms(st);
         },
         "garp_lower_prio_delay_ms", "garp_lower_prio_delay SECONDS"),
    impl(kInst, "garp_master_repeat", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).garp_repeat = u32(arg(st), 0, 10000, st.keyword().text);
         },
         "garp_master_repeat", "garp_master_repeat COUNT"),
    impl(kInst, "garp_master_refresh", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).garp_refresh_ms = Parser::seconds_ms(arg(st), 86400, st.keyword().text);
         },
         "garp_master_refresh_ms", "garp_master_refresh SECONDS"),
    impl(kInst, "garp_master_refresh_repeat", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).garp_refresh_repeat = u32(arg(st), 1, 10000, st.keyword().text);
         },
         "garp_master_refresh_repeat", "garp_master_refresh_repeat COUNT"),
    impl(kInst, "notify_master", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) { in(c).notify_master = Parser::command_line(st); },
         "notify_master", "notify_master \"SCRIPT ARGS\""),
    impl(kInst, "notify_backup", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) { in(c).notify_backup = Parser::command_line(st); },
         "notify_backup", "notify_backup \"SCRIPT ARGS\""),
    impl(kInst, "notify_fault", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) { in(c).notify_fault = Parser::command_line(st); },
         "notify_fault", "notify_fault \"SCRIPT ARGS\""),
    impl(kInst, "notify_stop", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) { in(c).notify_stop = Parser::command_line(st); },
         "notify_stop", "notify_stop \"SCRIPT ARGS\""),
    impl(kInst, "notify", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) { in(c).notify = Parser::command_line(st); },
         "notify", "notify \"SCRIPT ARGS\""),
    impl(kInst, "check_unicast_src", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { pi(c).check_unicast_src = true; },
         "check_unicast_src", "check_unicast_src"),
    impl(kInst, "unicast_ttl", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).unicast_ttl = u8(arg(st), 1, 255, st.keyword().text);
         },
         "unicast_ttl", "unicast_ttl 1..255"),
    // xvrrpd's own keyword (keepalived warns about it and goes on).
    impl(kInst, "xvrrp_instant_takeover", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           const std::string& v = arg(st).text;
           if (v != "on" && v != "off") {
             throw ConfigError(arg(st).where(), "invalid xvrrp_instant_takeover '" + v +
                                                    "' (expected on or off)");
           }
           pi(c).instant_takeover = v == "on";
         },
         "instant_takeover", "xvrrp_instant_takeover on|off"),
    gated(impl(kInst, "dont_track_primary", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) {
           in(c).track_primary = false;
         },
         "track_primary", "dont_track_primary"),
          kDaemonAppliesTrackPrimary),
    gated(impl(kInst, "accept", 0, 0, Block::kNone,
               [](Parser&, Ctx& c, const Statement& st) {
                 pi(c).accept = true;
                 pi(c).accept_tok = st.keyword();
               },
               "accept", "accept"),
          kDaemonFiltersNoAccept),
    same(kInst, "skip_check_adv_addr", 0, 1,
         [](Parser&, Ctx&, const Statement& st) {
           if (st.words.size() < 2) return;
           const std::string& v = arg(st).text;
           if (v == "off" || v == "false" || v == "no") {
             throw ConfigError(st.where(),
                               "skip_check_adv_addr " + v +
                                   " is not supported by xvrrpd (it never checks the address "
                                   "list of adverts; expected 'skip_check_adv_addr [on]')");
           }
           if (v != "on" && v != "true" && v != "yes") {
             throw ConfigError(arg(st).where(), "invalid skip_check_adv_addr '" + v +
                                                    "' (expected on, true or yes)");
           }
         },
         "skip_check_adv_addr [on]",
         "xvrrpd never compares an advert's address list with its own; 'off' is refused"),
    gated(impl(kInst, "no_accept", 0, 0, Block::kNone,
               [](Parser&, Ctx& c, const Statement& st) {
                 pi(c).accept = false;
                 pi(c).accept_tok = st.keyword();
               },
               "accept", "no_accept"),
          kDaemonFiltersNoAccept),
    gated(impl(kInst, "strict_mode", 0, 1, Block::kNone,
               [](Parser&, Ctx& c, const Statement& st) {
                 pi(c).strict_mode = keepalived_bool(st);
                 pi(c).strict_tok = st.keyword();
               },
               "strict_mode", "strict_mode [BOOL]"),
          kDaemonFiltersNoAccept),
    gated(impl(kInst, "use_vmac", 0, 1, Block::kNone,
         [](Parser& p, Ctx& c, const Statement& st) {
           pi(c).vmac_tok = st.keyword();
           in(c).vmac = st.words.size() > 1 ? p.ifname(arg(st), "use_vmac") : std::string();
           if (in(c).vmac.empty()) in(c).vmac = "\x01";  // the default name, once the VRID is known
         },
         "use_vmac", "use_vmac [IFNAME]"),
          kDaemonMakesVmacs),
    refused(kInst, "use_vmac_addr", kVmac),
    gated(impl(kInst, "vmac_xmit_base", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           in(c).vmac_xmit_base = true;
           pi(c).xmit_base_tok = st.keyword();
         },
         "vmac_xmit_base", "vmac_xmit_base"),
          kDaemonMakesVmacs),
    refused(kInst, "use_ipvlan", kVmac),
    refused(kInst, "unicast_fault_no_peer", "an instance without unicast_peer uses multicast"),
    refused(kInst, "old_unicast_checksum", "xvrrpd sends the RFC 5798 checksum"),
    refused(kInst, "v3_checksum_as_v2", "xvrrpd sends the RFC 5798 checksum"),
    refused(kInst, "native_ipv6", "IPv6 instances already use VRRPv3 over IPv6"),
    refused(kInst, "vrf", "VRFs are not implemented"),
    gated(impl(kInst, "track_script", 0, 0, Block::kRequired,
               [](Parser& p, Ctx& c, const Statement& st) {
                 p.track_ref_block(st.keyword(), pi(c).script_refs, 253);
               },
               "track_scripts", "track_script {"),
          kDaemonRunsScripts),
    gated(impl(kInst, "track_file", 0, 0, Block::kRequired,
               [](Parser& p, Ctx& c, const Statement& st) {
                 p.track_ref_block(st.keyword(), pi(c).file_refs, 254);
               },
               "track_files", "track_file {"),
          kDaemonTracksFiles),
    impl(kInst, "track_process", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.track_ref_block(st.keyword(), pi(c).process_refs, 254);
         },
         "track_process", "track_process {"),
    gated(impl(kInst, "track_bfd", 0, 0, Block::kRequired,
               [](Parser& p, Ctx& c, const Statement& st) {
                 p.track_bfd_block(st.keyword(), pi(c));
               },
               "track_bfd", "track_bfd {"),
          kDaemonRunsBfd),
    gated(impl(kInst, "master_bfd", 1, 1, Block::kNone,
               [](Parser&, Ctx& c, const Statement& st) {
                 in(c).master_bfd = arg(st).text;
                 pi(c).master_bfd_tok = arg(st);
               },
               "master_bfd", "master_bfd NAME"),
          kDaemonRunsBfd),
    refused(kInst, "mcast_dst_ip", "adverts go to the RFC 5798 group or to unicast_peer"),
    refused(kInst, "track_src_ip", "tracking the source address is not implemented"),
    refused(kInst, "no_virtual_ipaddress", "not implemented; an instance without addresses gets a warning"),
    refused(kInst, "promote_secondaries", "xvrrpd does not set the interface's promote_secondaries"),
    gated(impl(kInst, "virtual_routes", 0, 0, Block::kRequired,
               [](Parser& p, Ctx& c, const Statement& st) {
                 p.spec_block(st.keyword(), in(c).virtual_routes,
                              [](const std::vector<std::string>& w) { return parse_route(w); });
               },
               "virtual_routes", "virtual_routes {"),
          kDaemonAppliesRoutes),
    gated(impl(kInst, "virtual_rules", 0, 0, Block::kRequired,
               [](Parser& p, Ctx& c, const Statement& st) {
                 p.spec_block(st.keyword(), in(c).virtual_rules,
                              [](const std::vector<std::string>& w) { return parse_rule(w); });
               },
               "virtual_rules", "virtual_rules {"),
          kDaemonAppliesRoutes),
    refused(kInst, "debug", "use xvrrpd's --log-level"),
    refused(kInst, "notify_deleted", "notify scripts get MASTER, BACKUP, FAULT and STOP only"),
    refused(kInst, "notify_master_rx_lower_pri", kGarpLower),
    impl(kInst, "notify_priority_changes", 0, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           pi(c).notify_priority_changes = keepalived_bool(st);
         },
         "notify_priority_changes", "notify_priority_changes [BOOL]"),
    refused(kInst, "timer_expired_backup", kTimers),
    refused(kInst, "thread_timer_expired", kTimers),
    refused(kInst, "garp_extra_if", kVmac),
    refused(kInst, "vmac_garp_intvl", kVmac),
    refused(kInst, "owner_ignore_adverts", kTimers),
    refused(kInst, "kernel_rx_buf_size", kBufs),
    impl(kInst, "auth_hmac", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           // A second block adds to the first, as in keepalived.
           if (!in(c).auth_hmac) {
             in(c).auth_hmac.emplace();
             pi(c).auth_hmac_tok = st.keyword();
           }
           p.block(Section::kAuthHmac, c, &st.keyword());
         },
         "auth_hmac", "auth_hmac {"),
    ignored(kInst, "smtp_alert"),
    ignored(kInst, "lvs_sync_daemon_interface"),
    ignored(kInst, "linkbeat_use_polling"),

    // ---- vrrp_script ----
    impl(kScr, "script", 1, kAnyArgs, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) { c.script->script = Parser::command_line(st); },
         {}, "script \"PATH ARGS\""),
    impl(kScr, "interval", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.script->interval_ms = Parser::positive_seconds_ms(arg(st), "interval");
         },
         {}, "interval SECONDS"),
    impl(kScr, "timeout", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.script->timeout_ms = Parser::positive_seconds_ms(arg(st), "timeout");
         },
         {}, "timeout SECONDS"),
    impl(kScr, "weight", 1, 2, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.script->weight = static_cast<int>(Parser::integer(arg(st), -253, 253, "weight"));
           if (st.words.size() == 3) {
             if (arg(st, 2).text != "reverse") {
               throw ConfigError(arg(st, 2).where(), "unexpected '" + arg(st, 2).text +
                                                         "' (expected 'weight -253..253 "
                                                         "[reverse]')");
             }
             c.script->weight_reverse = true;
           }
         },
         {}, "weight -253..253 [reverse]"),
    impl(kScr, "rise", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.script->rise = u32(arg(st), 1, INT_MAX, "rise");
         },
         {}, "rise COUNT"),
    impl(kScr, "fall", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.script->fall = u32(arg(st), 1, INT_MAX, "fall");
         },
         {}, "fall COUNT"),
    impl(kScr, "user", 1, 2, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.script->user = arg(st).text;
           c.script->group = st.words.size() == 3 ? arg(st, 2).text : "";
         },
         {}, "user USER [GROUP]"),
    impl(kScr, "init_fail", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { c.script->init_fail = true; }, {}, "init_fail"),

    // ---- bfd_instance ----
    impl(kBfd, "neighbor_ip", 1, 1, Block::kNone,
         [](Parser& p, Ctx& c, const Statement& st) {
           c.bfd->neighbor_ip = Parser::address(arg(st), "neighbor_ip");
           *p.have_bfd_neighbor_ = true;
         },
         {}, "neighbor_ip ADDRESS"),
    impl(kBfd, "neighbour_ip", 1, 1, Block::kNone,
         [](Parser& p, Ctx& c, const Statement& st) {
           c.bfd->neighbor_ip = Parser::address(arg(st), "neighbour_ip");
           *p.have_bfd_neighbor_ = true;
         },
         {}, "neighbour_ip ADDRESS"),
    impl(kBfd, "source_ip", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->source_ip = Parser::address(arg(st), "source_ip");
         },
         {}, "source_ip ADDRESS"),
    impl(kBfd, "min_rx", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->min_rx_us = Parser::bfd_interval_us(arg(st), 1, "min_rx");
         },
         {}, "min_rx MS"),
    impl(kBfd, "min_tx", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->min_tx_us = Parser::bfd_interval_us(arg(st), 1, "min_tx");
         },
         {}, "min_tx MS"),
    impl(kBfd, "idle_tx", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->idle_tx_us = Parser::bfd_interval_us(arg(st), 1000, "idle_tx");
         },
         {}, "idle_tx MS"),
    impl(kBfd, "multiplier", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->multiplier = u8(arg(st), 1, 255, "multiplier");
         },
         {}, "multiplier 1..255"),
    impl(kBfd, "passive", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { c.bfd->passive = true; }, {}, "passive"),
    impl(kBfd, "ttl", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) { c.bfd->ttl = u8(arg(st), 1, 255, "ttl"); },
         {}, "ttl 1..255"),
    impl(kBfd, "hoplimit", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->ttl = u8(arg(st), 1, 255, "hoplimit");
         },
         {}, "hoplimit 1..255"),
    impl(kBfd, "max_hops", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->max_hops = u8(arg(st), 0, 255, "max_hops");
         },
         {}, "max_hops 0..255"),
    impl(kBfd, "weight", 1, 2, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.bfd->weight = static_cast<int>(Parser::integer(arg(st), -253, 253, "weight"));
           if (st.words.size() == 3) {
             if (arg(st, 2).text != "reverse") {
               throw ConfigError(arg(st, 2).where(), "unexpected '" + arg(st, 2).text +
                                                         "' (expected 'weight -253..253 "
                                                         "[reverse]')");
             }
             c.bfd->weight_reverse = true;
           }
         },
         {}, "weight -253..253 [reverse]"),
    impl(kBfd, "vrrp", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { c.bfd_vrrp = true; }, {}, "vrrp"),
    impl(kBfd, "checker", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { c.bfd_checker = true; }, {}, "checker"),
    refused(kBfd, "multihop", "multihop BFD (RFC 5883) is not implemented"),
    // ---- vrrp_sync_group ----
    impl(kSg, "group", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) { p.group_members(st.keyword(), *c.group); },
         "sync_group", "group { INSTANCE ... }"),
    impl(kSg, "notify_master", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) {
           c.group->group.notify_master = Parser::command_line(st);
         },
         {}, "notify_master \"SCRIPT ARGS\""),
    impl(kSg, "notify_backup", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) {
           c.group->group.notify_backup = Parser::command_line(st);
         },
         {}, "notify_backup \"SCRIPT ARGS\""),
    impl(kSg, "notify_fault", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) {
           c.group->group.notify_fault = Parser::command_line(st);
         },
         {}, "notify_fault \"SCRIPT ARGS\""),
    impl(kSg, "notify_stop", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) {
           c.group->group.notify_stop = Parser::command_line(st);
         },
         {}, "notify_stop \"SCRIPT ARGS\""),
    impl(kSg, "notify", 0, kAnyArgs, Block::kOptional,
         [](Parser&, Ctx& c, const Statement& st) {
           c.group->group.notify = Parser::command_line(st);
         },
         {}, "notify \"SCRIPT ARGS\""),
    impl(kSg, "track_interface", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.track_block(st.keyword(), c.group->group.tracked);
         },
         {}, "track_interface {"),
    impl(kSg, "track_script", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.track_ref_block(st.keyword(), c.group->script_refs, 253);
         },
         {}, "track_script {"),
    impl(kSg, "track_file", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.track_ref_block(st.keyword(), c.group->file_refs, 254);
         },
         {}, "track_file {"),
    impl(kSg, "sync_group_tracking_weight", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { c.group->group.tracking_weight = true; }, {},
         "sync_group_tracking_weight"),
    // keepalived accepts it with a warning and treats it as sync_group_tracking_weight.
    impl(kSg, "global_tracking", 0, 0, Block::kNone,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.warn(st.where(), "vrrp_sync_group " + c.group->group.name +
                                  ": global_tracking is obsolete; use track_interface, "
                                  "track_script and track_file on the sync group (taken as "
                                  "sync_group_tracking_weight, as keepalived)");
           c.group->group.tracking_weight = true;
         },
         {}, "global_tracking (obsolete: sync_group_tracking_weight)"),
    impl(kSg, "track_process", 0, 0, Block::kRequired,
         [](Parser& p, Ctx& c, const Statement& st) {
           p.track_ref_block(st.keyword(), c.group->process_refs, 254);
         },
         {}, "track_process {"),
    gated(impl(kSg, "track_bfd", 0, 0, Block::kRequired,
               [](Parser& p, Ctx& c, const Statement& st) {
                 p.track_ref_block(st.keyword(), c.group->bfd_refs, 253);
               },
               {}, "track_bfd {"),
          kDaemonRunsBfd),
    refused(kSg, "notify_deleted", "notify scripts get MASTER, BACKUP, FAULT and STOP only"),
    impl(kSg, "notify_priority_changes", 0, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.group->notify_priority_changes = keepalived_bool(st);
         },
         {}, "notify_priority_changes [BOOL]"),
    ignored(kSg, "smtp_alert"),

    // ---- vrrp_track_process ----
    impl(kTp, "process", 1, kAnyArgs, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           TrackProcess& t = *c.process;
           if (!t.process.empty()) {
             throw ConfigError(st.where(), "vrrp_track_process " + t.name +
                                               ": process already set (expected one 'process')");
           }
           if (arg(st).text.empty()) {
             throw ConfigError(arg(st).where(), "empty process (expected 'process NAME')");
           }
           t.process = arg(st).text;
           for (size_t i = 2; i < st.words.size(); ++i) t.params.push_back(st.words[i].text);
           // keepalived: parameters mean the command line, matched exactly unless param_match
           // says otherwise.
           if (!t.params.empty()) {
             if (t.param_match == TrackProcess::ParamMatch::kNone)
               t.param_match = TrackProcess::ParamMatch::kExact;
             t.full_command = true;
           }
         },
         {}, "process NAME [PARAM ...]"),
    impl(kTp, "param_match", 0, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           TrackProcess& t = *c.process;
           const std::string v = st.words.size() > 1 ? arg(st).text : "exact";
           if (v == "exact") {
             t.param_match = TrackProcess::ParamMatch::kExact;
           } else if (v == "partial") {
             t.param_match = TrackProcess::ParamMatch::kPartial;
           } else if (v == "initial") {
             t.param_match = TrackProcess::ParamMatch::kInitial;
           } else {
             throw ConfigError(arg(st).where(), "invalid param_match '" + v +
                                                    "' (expected partial or initial, or nothing)");
           }
           t.full_command = true;
         },
         {}, "param_match [partial|initial]"),
    impl(kTp, "weight", 1, 2, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.process->weight = static_cast<int>(Parser::integer(arg(st), -254, 254, "weight"));
           if (st.words.size() == 3) {
             if (arg(st, 2).text != "reverse") {
               throw ConfigError(arg(st, 2).where(), "unexpected '" + arg(st, 2).text +
                                                         "' (expected 'weight -254..254 "
                                                         "[reverse]')");
             }
             c.process->weight_reverse = true;
           }
         },
         {}, "weight -254..254 [reverse]"),
    impl(kTp, "quorum", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           const auto q = static_cast<std::uint32_t>(Parser::integer(arg(st), 1, 65535, "quorum"));
           if (q > c.process->quorum_max) {
             throw ConfigError(arg(st).where(), "quorum " + arg(st).text + " is above quorum_max " +
                                                    std::to_string(c.process->quorum_max));
           }
           c.process->quorum = q;
         },
         {}, "quorum 1..65535"),
    impl(kTp, "quorum_max", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           TrackProcess& t = *c.process;
           const auto q = static_cast<std::uint32_t>(Parser::integer(arg(st), 0, 65535, "quorum_max"));
           // keepalived: quorum_max 0 (none may run) is allowed while quorum is unset.
           if ((q != 0 || t.quorum > 1) && q < t.quorum) {
             throw ConfigError(arg(st).where(), "quorum_max " + arg(st).text +
                                                    " is below quorum " + std::to_string(t.quorum));
           }
           t.quorum_max = q;
           t.quorum = q == 0 ? 0 : std::max<std::uint32_t>(t.quorum, 1);
         },
         {}, "quorum_max 0..65535"),
    impl(kTp, "fork_delay", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.process->fork_delay_ms = Parser::seconds_ms(arg(st), 3600, "fork_delay");
         },
         {}, "fork_delay SECONDS"),
    impl(kTp, "terminate_delay", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.process->terminate_delay_ms = Parser::seconds_ms(arg(st), 3600, "terminate_delay");
         },
         {}, "terminate_delay SECONDS"),
    impl(kTp, "delay", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.process->fork_delay_ms = c.process->terminate_delay_ms =
               Parser::seconds_ms(arg(st), 3600, "delay");
         },
         {}, "delay SECONDS"),
    impl(kTp, "full_command", 0, 0, Block::kNone,
         [](Parser&, Ctx& c, const Statement&) { c.process->full_command = true; }, {},
         "full_command"),

    // ---- track_file ----
    impl(kTf, "file", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           if (!c.file->path.empty()) {
             throw ConfigError(st.where(), "track_file " + c.file->name +
                                               ": file already set (expected one 'file PATH')");
           }
           if (arg(st).text.empty()) {
             throw ConfigError(arg(st).where(), "empty file (expected 'file \"PATH\"')");
           }
           c.file->path = arg(st).text;
         },
         {}, "file \"PATH\""),
    impl(kTf, "weight", 1, 2, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           c.file->weight = static_cast<int>(Parser::integer(arg(st), -254, 254, "weight"));
           if (st.words.size() == 3) {
             if (arg(st, 2).text != "reverse") {
               throw ConfigError(arg(st, 2).where(), "unexpected '" + arg(st, 2).text +
                                                         "' (expected 'weight -254..254 "
                                                         "[reverse]')");
             }
             c.file->weight_reverse = true;
           }
         },
         {}, "weight -254..254 [reverse]"),
    impl(kTf, "init_file", 0, 2, Block::kNone,
         [](Parser& p, Ctx& c, const Statement& st) {
           TrackFile& f = *c.file;
           f.init_file = true;
           for (size_t i = 1; i < st.words.size(); ++i) {
             const Token& t = st.words[i];
             if (t.text == "overwrite") {
               f.init_overwrite = true;
               continue;
             }
             f.init_value = static_cast<int>(Parser::integer(t, INT_MIN, INT_MAX, "init_file value"));
             if (f.init_value < -254 || f.init_value > 254) {
               p.warn(t.where(), "track_file " + f.name + ": init_file value " + t.text +
                                     " is outside the sensible range -254..254 (as keepalived)");
             }
           }
         },
         {}, "init_file [VALUE] [overwrite]"),

    // ---- authentication ----
    impl(kAuth, "auth_type", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           const Token& v = arg(st);
           if (v.text == "AH") {
             throw ConfigError(v.where(), "auth_type AH is not supported by xvrrpd (expected PASS)");
           }
           if (v.text != "PASS") {
             throw ConfigError(v.where(), "invalid auth_type '" + v.text + "' (expected PASS)");
           }
           in(c).auth_type = 1;
           pi(c).auth_type_tok = st.keyword();
         },
         "auth_type", "auth_type PASS"),
    impl(kAuth, "auth_pass", 1, 1, Block::kNone,
         [](Parser& p, Ctx& c, const Statement& st) {
           const Token& v = arg(st);
           Instance& i = in(c);
           if (v.text.empty()) {
             throw ConfigError(v.where(), "empty auth_pass (expected 1..8 characters)");
           }
           if (v.text.size() > i.auth_pass.size()) {
             p.warn(v.where(), "auth_pass is " + std::to_string(v.text.size()) +
                                   " characters long; only the first 8 are used (as keepalived)");
           }
           i.auth_pass.fill(0);
           for (size_t k = 0; k < v.text.size() && k < i.auth_pass.size(); ++k) {
             i.auth_pass[k] = static_cast<std::uint8_t>(v.text[k]);
           }
           pi(c).auth_pass_tok = st.keyword();
         },
         "auth_pass", "auth_pass PASSWORD"),

    // ---- auth_hmac ----
    impl(kHmac, "key", 2, 2, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           const auto id = u8(arg(st), 1, 255, "auth_hmac key id");
           const std::string& v = arg(st, 2).text;
           const std::string where = arg(st, 2).where();
           auto bytes = v.rfind("file:", 0) == 0 ? read_key_file(v.substr(5), where)
                                                 : decode_key(v, where);
           const core::auth_hmac::SecretBytes secret(bytes);
           std::fill(bytes.begin(), bytes.end(), 0);
           if (secret.size() < core::auth_hmac::kKeyMinLen ||
               secret.size() > core::auth_hmac::kKeyMaxLen) {
             throw ConfigError(where, "auth_hmac key " + std::to_string(id) + " is " +
                                          std::to_string(secret.size()) +
                                          " bytes (expected 32..64 bytes)");
           }
           auto& keys = hmac(c).keys;
           if (std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return k.id == id; })) {
             throw ConfigError(arg(st).where(), "duplicate auth_hmac key id " + std::to_string(id) +
                                                    " (expected distinct ids)");
           }
           keys.push_back({id, secret});
         },
         "auth_hmac", "key 1..255 hex:XX...|ASCII|file:PATH"),
    impl(kHmac, "active_key", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           hmac(c).active_key = u8(arg(st), 1, 255, "auth_hmac active_key");
         },
         "auth_hmac", "active_key 1..255"),
    impl(kHmac, "anti_replay", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           const std::string& v = arg(st).text;
           if (v == "time") {
             hmac(c).anti_replay = core::auth_hmac::AntiReplay::Time;
           } else if (v == "monotonic") {
             hmac(c).anti_replay = core::auth_hmac::AntiReplay::Monotonic;
           } else {
             throw ConfigError(arg(st).where(),
                               "invalid auth_hmac anti_replay '" + v + "' (expected time or monotonic)");
           }
         },
         "auth_hmac", "anti_replay time|monotonic"),
    impl(kHmac, "time_window", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           hmac(c).time_window = u32(arg(st), 1, 300, "auth_hmac time_window");
         },
         "auth_hmac", "time_window 1..300"),
    impl(kHmac, "mode", 1, 1, Block::kNone,
         [](Parser&, Ctx& c, const Statement& st) {
           const auto m = core::auth_hmac::parse_mode(arg(st).text);
           if (!m) {
             throw ConfigError(arg(st).where(), "invalid auth_hmac mode '" + arg(st).text +
                                                    "' (expected enforce, permissive or receive-only)");
           }
           hmac(c).mode = *m;
         },
         "auth_hmac", "mode enforce|permissive|receive-only"),
};

const Keyword* find_keyword(Section section, std::string_view name) {
  for (const auto& k : kKeywords) {
    if (k.section == section && k.name == name) return &k;
  }
  return nullptr;
}

Config parse_tokens(std::vector<Token> tokens, std::vector<std::string> warnings,
                    const ParseOptions& options) {
  Config cfg;
  cfg.warnings = std::move(warnings);
  Parser(std::move(tokens), cfg, options).run();
  return cfg;
}

}  // namespace

std::vector<KeywordDoc> keyword_table() {
  std::vector<KeywordDoc> out;
  for (const auto& k : kKeywords) {
    out.push_back({section_name(k.section), std::string(k.name), k.support, std::string(k.usage),
                   std::string(k.field), std::string(k.doc)});
  }
  return out;
}

std::string keyword_reference() {
  std::string out;
  for (Section s : {Section::kTop, Section::kGlobalDefs, Section::kInstance,
                    Section::kAuthentication, Section::kAuthHmac, Section::kScript, Section::kBfd,
                    Section::kSyncGroup, Section::kTrackFile}) {
    std::string implemented, accepted, unwired, ignored_list;
    // Refused keywords grouped by their reason, reasons in table order.
    std::vector<std::pair<std::string_view, std::string>> refused_by_reason;
    for (const auto& k : kKeywords) {
      if (k.section != s) continue;
      const std::string name = "`" + std::string(k.name) + "`";
      switch (k.support) {
        case Support::kImplemented:
          (k.wired ? implemented : unwired) +=
              (k.wired ? implemented : unwired).empty() ? "" : ", ";
          (k.wired ? implemented : unwired) += "`" + std::string(k.usage) + "`";
          break;
        case Support::kSame:
          accepted += "    - `" + std::string(k.usage) + "`: " + std::string(k.doc) + "\n";
          break;
        case Support::kRefused: {
          auto it = std::find_if(refused_by_reason.begin(), refused_by_reason.end(),
                                 [&](const auto& r) { return r.first == k.doc; });
          if (it == refused_by_reason.end()) {
            refused_by_reason.emplace_back(k.doc, name);
          } else {
            it->second += ", " + name;
          }
          break;
        }
        case Support::kIgnored:
          ignored_list += (ignored_list.empty() ? "" : ", ") + name;
          break;
      }
    }
    out += "- " + section_name(s) + "\n";
    if (!implemented.empty()) out += "  - implemented: " + implemented + "\n";
    if (!accepted.empty()) {
      out += "  - accepted, keepalived's meaning is xvrrpd's behaviour:\n" + accepted;
    }
    if (!unwired.empty()) {
      out += "  - parsed, then refused until the daemon applies them: " + unwired + "\n";
    }
    if (!refused_by_reason.empty()) {
      out += "  - refused (\"X is not supported by xvrrpd\"):\n";
      for (const auto& [reason, names] : refused_by_reason) {
        out += "    - " + names + (reason.empty() ? "" : ": " + std::string(reason)) + "\n";
      }
    }
    if (!ignored_list.empty()) out += "  - ignored, not part of VRRP: " + ignored_list + "\n";
  }
  return out;
}

std::string check_report(const Config& config) {
  std::string out;
  for (const auto& in : config.instances) {
    out += "vrrp_instance " + in.name + " (" + in.where + ")\n";
    for (const auto& line : describe_instance(in)) out += "  " + line + "\n";
  }
  for (const auto& b : config.bfd_instances) {
    out += "bfd_instance " + b.name + " (" + b.where + ")\n";
    out += "  neighbor_ip " + b.neighbor_ip.to_string() + "\n";
    out += "  source_ip " + (b.source_ip ? b.source_ip->to_string() : std::string("(none)")) + "\n";
    out += "  min_rx_us " + std::to_string(b.min_rx_us) + "\n";
    out += "  min_tx_us " + std::to_string(b.min_tx_us) + "\n";
    out += "  idle_tx_us " + std::to_string(b.idle_tx_us) + "\n";
    out += "  multiplier " + std::to_string(b.multiplier) + "\n";
    out += std::string("  passive ") + (b.passive ? "yes" : "no") + "\n";
    out += "  ttl " + std::to_string(b.ttl) + "\n";
    out += "  max_hops " + std::to_string(b.max_hops) + "\n";
    out += "  weight " + std::to_string(b.weight) + (b.weight_reverse ? " reverse" : "") + "\n";
  }
  for (const auto& g : config.sync_groups) {
    out += "vrrp_sync_group " + g.name + " (" + g.where + ")\n  members";
    for (const auto& m : g.members) out += " " + m;
    out +=
        std::string("\n  sync_group_tracking_weight ") + (g.tracking_weight ? "yes" : "no") + "\n";
  }
  for (const auto& v : config.static_addresses) {
    out += "static_ipaddress " + v.addr.to_string() + "/" + std::to_string(v.prefix_len) + " dev " +
           v.dev + " (" + v.where + ")\n";
  }
  for (const auto& r : config.static_routes) out += "static_routes " + to_string(r) + "\n";
  for (const auto& r : config.static_rules) out += "static_rules " + to_string(r) + "\n";
  for (const auto& f : config.track_files) {
    out += "track_file " + f.name + " (" + f.where + ")\n  file '" + f.path + "' weight " +
           std::to_string(f.weight) + (f.weight_reverse ? " reverse" : "") + "\n";
  }
  if (!config.ignored.empty()) {
    out += "ignored, not part of VRRP:";
    for (const auto& k : config.ignored) out += " " + k;
    out += "\n";
  }
  return out;
}

Config load(const std::string& path, const ParseOptions& options) {
  std::vector<std::string> warnings;
  auto tokens = tokenize_file(path, warnings);
  return parse_tokens(std::move(tokens), std::move(warnings), options);
}

Config parse_string(std::string_view text, const std::string& name, const ParseOptions& options) {
  std::vector<std::string> warnings;
  auto tokens = tokenize_string(text, name, warnings);
  return parse_tokens(std::move(tokens), std::move(warnings), options);
}

Config load(const std::string& path, const std::string& default_router_id) {
  return load(path, ParseOptions{default_router_id, false});
}

Config parse_string(std::string_view text, const std::string& name,
                    const std::string& default_router_id) {
  return parse_string(text, name, ParseOptions{default_router_id, false});
}

}  // namespace xvrrp::config
