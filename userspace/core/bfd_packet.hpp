// SPDX-License-Identifier: GPL-2.0-or-later
// BFD control packet codec: RFC 5880 §4.1 (the mandatory section, no authentication) and the
// packet-level reception checks of RFC 5880 §6.8.6, carried in UDP as RFC 5881 §4 says.
//
// Pure functions over byte spans: no sockets, no clock. Wire fields are big-endian; every
// integer in this API is host order. Intervals are microseconds, as on the wire.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace xvrrp::core::bfd {

/// UDP destination port of single-hop control packets (RFC 5881 §4).
inline constexpr std::uint16_t kControlPort = 3784;
/// Source port range of control packets (RFC 5881 §4).
inline constexpr std::uint16_t kSourcePortMin = 49152;
inline constexpr std::uint16_t kSourcePortMax = 65535;
/// TTL / hop limit of every control packet we send (RFC 5881 §5, GTSM).
inline constexpr std::uint8_t kGtsmTtl = 255;
/// Version of the protocol (RFC 5880 §4.1).
inline constexpr std::uint8_t kVersion = 1;
/// Length of a control packet without authentication section, in bytes.
inline constexpr std::size_t kControlPacketLen = 24;
/// Minimum length when the A bit is set (mandatory part + 2-byte auth header).
inline constexpr std::size_t kControlPacketAuthMinLen = 26;

/// bfd.SessionState / the State field (RFC 5880 §4.1, §6.2).
enum class State : std::uint8_t { AdminDown = 0, Down = 1, Init = 2, Up = 3 };
/// "AdminDown", "Down", "Init", "Up".
const char* state_name(State s);

/// Diagnostic codes (RFC 5880 §4.1).
enum class Diag : std::uint8_t {
  None = 0,
  DetectionTimeExpired = 1,
  EchoFailed = 2,
  NeighborSignaledDown = 3,
  ForwardingPlaneReset = 4,
  PathDown = 5,
  ConcatenatedPathDown = 6,
  AdministrativelyDown = 7,
  ReverseConcatenatedPathDown = 8,
};
/// RFC 5880 §4.1 wording, e.g. "Control Detection Time Expired"; "Reserved" for 9..31.
const char* diag_name(Diag d);

/// The fields of one control packet (RFC 5880 §4.1). Intervals in microseconds.
struct ControlPacket {
  std::uint8_t version = kVersion;
  Diag diag = Diag::None;
  State state = State::Down;
  bool poll = false;        ///< P
  bool final = false;       ///< F
  bool cpi = false;         ///< C: Control Plane Independent
  bool auth = false;        ///< A: authentication section present
  bool demand = false;      ///< D
  bool multipoint = false;  ///< M: reserved, must be zero
  std::uint8_t detect_mult = 0;
  std::uint8_t length = kControlPacketLen;  ///< Length field, bytes
  std::uint32_t my_discriminator = 0;
  std::uint32_t your_discriminator = 0;
  std::uint32_t desired_min_tx_us = 0;
  std::uint32_t required_min_rx_us = 0;
  std::uint32_t required_min_echo_rx_us = 0;
  friend bool operator==(const ControlPacket&, const ControlPacket&) = default;
};

/// Encodes the 24-byte mandatory section. The Length field is always 24 and the A bit is
/// written as given (we never send authentication).
std::array<std::uint8_t, kControlPacketLen> encode(const ControlPacket& p);

/// The result of decode(): the packet, or why it was discarded.
struct Decoded {
  std::optional<ControlPacket> packet;
  /// Static text naming the field, e.g. "version 2 (expected 1)"; nullptr when accepted.
  const char* error = nullptr;
};

/// Parses a UDP payload and applies the packet-level checks of RFC 5880 §6.8.6, in its order:
///  - Version != 1                                   -> "version"
///  - Length < 24 (A clear) or < 26 (A set)          -> "length"
///  - Length > the payload size                      -> "length"
///  - Detect Mult == 0                               -> "detect mult"
///  - Multipoint (M) set                             -> "multipoint"
///  - My Discriminator == 0                          -> "my discriminator"
///  - Your Discriminator == 0 and State not Down or AdminDown -> "your discriminator"
///  - A set (we use no authentication, §6.7)         -> "auth"
/// Selecting the session (by Your Discriminator, or by addresses when it is zero) is the
/// caller's job. A payload shorter than 24 bytes fails on "length".
Decoded decode(std::span<const std::uint8_t> payload);

/// GTSM (RFC 5881 §5) with keepalived's extension: accepted when received_ttl + max_hops >=
/// expected_ttl. max_hops 255 disables the check (keepalived); received_ttl 0 means "not
/// known" (no ancillary data) and is accepted, as keepalived does.
bool ttl_acceptable(std::uint8_t received_ttl, std::uint8_t expected_ttl, std::uint8_t max_hops);

}  // namespace xvrrp::core::bfd
