// SPDX-License-Identifier: GPL-2.0-or-later
// auth_hmac: keepalived's (>= 2.4) VRRP advert authentication extension, the
// wire format of the IETF Internet-Draft "An HMAC Authentication Extension for
// the Virtual Router Redundancy Protocol (VRRP)" (draft-cassen-vrrp-auth-hmac).
//
// Wire format: a 28-byte trailer after the VRRP message (after the address list,
// and for v2 after the 8 auth octets), counted in the IP length:
//   0  ext_type  1 = HMAC-SHA256 truncated to 128 bits
//   1  key_id    1..255, selects the verifying key
//   2  reserved  16 bits, zero
//   4  sec       32 bits, UTC seconds since the Unix epoch
//   8  subsec    16 bits, binary fraction of that second
//   10 ctr       16 bits, tie breaker within one timestamp
//   12 hmac      16 bytes
// All big-endian. sec|subsec|ctr is one 64-bit sequence number, ordered with
// RFC 1982 serial arithmetic.
//
// The MAC is HMAC-SHA256(key, pseudo || message' || trailer[0..12) || 16 zero
// bytes), truncated to its first 16 bytes, where pseudo is 20 bytes
// {4 | 6, version, vrid, 0, source address (IPv4 in the first 4 of 16, rest 0)}
// and message' is the VRRP message with its checksum field read as zero. The IP
// header is not covered. IPv4 checksums cover the message only (as without the
// trailer); the IPv6 checksum covers the whole payload, trailer included, with
// the pseudo-header length counting it (what the kernel computes for a raw
// socket with IPV6_CHECKSUM).
//
// Pure: no sockets; the UTC clock is passed in (CLOCK_REALTIME nanoseconds).
// Key material is held in memory that is wiped on destruction and is never
// printed by anything here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/ip_address.hpp"

namespace xvrrp::core::auth_hmac {

inline constexpr std::size_t kTrailerLen = 28;
inline constexpr std::size_t kTrailerPrefixLen = 12;  // everything before the MAC
inline constexpr std::size_t kMacLen = 16;
inline constexpr std::size_t kPseudoLen = 20;
inline constexpr std::uint8_t kExtTypeSha256 = 1;
inline constexpr std::size_t kKeyMinLen = 32;
inline constexpr std::size_t kKeyMaxLen = 64;
/// time_window bounds in seconds, and the floor of the derived default.
inline constexpr unsigned kWindowMin = 1;
inline constexpr unsigned kWindowMax = 300;
inline constexpr unsigned kWindowFloor = 5;
/// Multicast senders tracked per instance for anti-replay (LRU).
inline constexpr std::size_t kMulticastSenders = 4;

/// keepalived's `mode`: receive-only verifies a present trailer and sends none;
/// permissive signs and accepts unsigned adverts; enforce signs and requires a
/// valid trailer.
enum class Mode : std::uint8_t { ReceiveOnly, Permissive, Enforce };
/// "receive-only", "permissive", "enforce".
const char* mode_name(Mode mode);
std::optional<Mode> parse_mode(const std::string& word);

/// keepalived's `anti_replay`: time enforces the freshness window and strict
/// growth per sender; monotonic only strict growth.
enum class AntiReplay : std::uint8_t { Time, Monotonic };
const char* anti_replay_name(AntiReplay a);

/// The default time_window: max(3 x whole advert seconds, 5), at most 300.
unsigned derived_window(std::uint32_t advert_int_cs);

/// Key bytes that are wiped (OPENSSL_cleanse) when released.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const std::uint8_t> bytes);
  SecretBytes(const SecretBytes& other);
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();
  [[nodiscard]] std::span<const std::uint8_t> bytes() const { return bytes_; }
  [[nodiscard]] std::size_t size() const { return bytes_.size(); }
  /// Constant time.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b);

 private:
  void wipe();
  std::vector<std::uint8_t> bytes_;
};

struct Key {
  std::uint8_t id = 0;  // 1..255
  SecretBytes secret;   // kKeyMinLen..kKeyMaxLen bytes
  friend bool operator==(const Key&, const Key&) = default;
};

/// One instance's auth_hmac block, as configured.
struct Settings {
  std::vector<Key> keys;        // distinct ids
  std::uint8_t active_key = 0;  // must name one of keys
  Mode mode = Mode::Enforce;
  AntiReplay anti_replay = AntiReplay::Time;
  /// Seconds; 0 = derived_window(advert interval) (time mode only).
  unsigned time_window = 0;
  friend bool operator==(const Settings&, const Settings&) = default;
};

/// Why `s` cannot be used, or nullptr.
const char* settings_problem(const Settings& s);

/// The trailer fields (host order).
struct Trailer {
  std::uint8_t ext_type = kExtTypeSha256;
  std::uint8_t key_id = 0;
  std::uint16_t reserved = 0;
  std::uint64_t sequence = 0;  // sec << 32 | subsec << 16 | ctr
  std::array<std::uint8_t, kMacLen> mac{};

  [[nodiscard]] std::uint32_t seconds() const { return static_cast<std::uint32_t>(sequence >> 32); }
};
/// Parses exactly kTrailerLen bytes; nullopt for another size.
std::optional<Trailer> parse_trailer(std::span<const std::uint8_t> bytes);
/// Writes kTrailerLen bytes.
void write_trailer(const Trailer& t, std::span<std::uint8_t, kTrailerLen> out);

/// The sequence number of a UTC clock reading: seconds << 32 | (2^16 fraction) << 16.
std::uint64_t clock_sequence(std::int64_t realtime_ns);
/// RFC 1982: a is after b.
inline bool sequence_after(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::int64_t>(a - b) > 0;
}

/// Full (untruncated) HMAC-SHA256 of the concatenation of `parts` (RFC 2104;
/// keys longer than 64 bytes are hashed first). For tests and the MAC below.
std::array<std::uint8_t, 32> hmac_sha256(std::span<const std::uint8_t> key,
                                         std::span<const std::span<const std::uint8_t>> parts);

/// The 16-byte MAC of an advert. `message` is the VRRP message without the
/// trailer (its checksum bytes are ignored), `prefix` the trailer's first 12 bytes.
std::array<std::uint8_t, kMacLen> advert_mac(
    std::span<const std::uint8_t> key, int family, std::uint8_t version, std::uint8_t vrid,
    const IpAddress& src, std::span<const std::uint8_t> message,
    std::span<const std::uint8_t, kTrailerPrefixLen> prefix);

enum class Result : std::uint8_t {
  Ok,          // valid trailer
  Unsigned,    // no trailer, accepted (receive-only / permissive)
  Missing,     // no trailer, rejected (enforce)
  Malformed,   // ext_type or reserved field wrong, or a bad length
  UnknownKey,  // key_id not configured
  BadHmac,     // MAC mismatch
  Stale,       // sec outside +-time_window of our clock (time mode)
  Replay,      // sequence not after the sender's last accepted one
};
inline constexpr std::size_t kResultCount = 8;
/// snake_case: "ok", "unsigned", "missing", "malformed", "unknown_key", "bad_hmac",
/// "stale", "replay".
const char* result_name(Result r);

struct Verification {
  Result result = Result::Malformed;
  /// Our UTC seconds minus the trailer's (time mode, when a trailer was read).
  std::int32_t skew_s = 0;
};

/// Per-instance sender and receiver state. Not thread safe; one per instance.
class Authenticator {
 public:
  /// Throws std::invalid_argument (settings_problem()). `advert_int_cs` feeds
  /// the derived time_window.
  Authenticator(Settings settings, std::uint32_t advert_int_cs);
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  [[nodiscard]] const Settings& settings() const { return settings_; }
  [[nodiscard]] unsigned time_window() const { return window_; }
  /// kTrailerLen, or 0 in receive-only mode (nothing is appended).
  [[nodiscard]] std::size_t trailer_len() const;

  /// The next send sequence: the clock's, or the last one plus one when the clock
  /// has not moved past it (in time mode a last one more than time_window ahead
  /// of the clock, after a clock step back, restarts from the clock).
  std::uint64_t next_sequence(std::int64_t realtime_ns);

  /// Appends the trailer: `buf` holds the VRRP message in its first `msg_len`
  /// bytes and has room for kTrailerLen more. Returns msg_len + trailer_len(), or
  /// 0 when buf is too small. Consumes a sequence number unless receive-only.
  std::size_t sign(std::span<std::uint8_t> buf, std::size_t msg_len, int family,
                   std::uint8_t version, std::uint8_t vrid, const IpAddress& src,
                   std::int64_t realtime_ns);
  /// sign() with a given sequence (tests, and byte-exact comparisons).
  std::size_t sign_with(std::span<std::uint8_t> buf, std::size_t msg_len, int family,
                        std::uint8_t version, std::uint8_t vrid, const IpAddress& src,
                        std::uint64_t sequence) const;

  /// Verifies an advert. `payload` is the IP payload up to the IP length,
  /// `msg_len` the VRRP message length its header implies: payload.size() ==
  /// msg_len means no trailer, msg_len + kTrailerLen a trailer, anything else is
  /// Malformed. `unicast` keys the replay state by peer address (unbounded, the
  /// caller only passes configured peers), otherwise the kMulticastSenders LRU
  /// table. The replay state moves only after the MAC verified.
  Verification verify(std::span<const std::uint8_t> payload, std::size_t msg_len, int family,
                      std::uint8_t version, std::uint8_t vrid, const IpAddress& src, bool unicast,
                      std::int64_t realtime_ns);

  /// Forgets every sender's replay state.
  void reset_replay();
  /// Takes over `previous`'s replay marks and send sequence (a reload that
  /// rebuilt the instance, a key rotation): a capture accepted before it stays
  /// a replay after it, and our sequence keeps growing.
  void adopt_state(const Authenticator& previous);

 private:
  struct Replay {
    bool valid = false;
    std::uint64_t sequence = 0;
  };
  struct McastSlot {
    IpAddress addr;
    Replay replay;
    std::uint64_t last_used = 0;  // 0 = empty
  };
  class Macs;
  Replay& replay_slot(const IpAddress& src, bool unicast);
  bool replay_ok(Replay& r, std::uint64_t sequence, std::int64_t realtime_ns) const;

  Settings settings_;
  unsigned window_ = 0;
  std::unique_ptr<Macs> macs_;  // precomputed HMAC states per key id
  std::uint64_t send_seq_ = 0;
  std::map<IpAddress, Replay> unicast_;
  std::array<McastSlot, kMulticastSenders> mcast_{};
  std::uint64_t lru_clock_ = 0;
};

}  // namespace xvrrp::core::auth_hmac
