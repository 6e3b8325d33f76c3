// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/bfd_packet.hpp"

namespace xvrrp::core::bfd {

namespace {

void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

constexpr std::uint8_t kP = 0x20, kF = 0x10, kC = 0x08, kA = 0x04, kD = 0x02, kM = 0x01;

}  // namespace

const char* state_name(State s) {
  switch (s) {
    case State::AdminDown:
      return "AdminDown";
    case State::Down:
      return "Down";
    case State::Init:
      return "Init";
    case State::Up:
      return "Up";
  }
  return "?";
}

const char* diag_name(Diag d) {
  switch (d) {
    case Diag::None:
      return "No Diagnostic";
    case Diag::DetectionTimeExpired:
      return "Control Detection Time Expired";
    case Diag::EchoFailed:
      return "Echo Function Failed";
    case Diag::NeighborSignaledDown:
      return "Neighbor Signaled Session Down";
    case Diag::ForwardingPlaneReset:
      return "Forwarding Plane Reset";
    case Diag::PathDown:
      return "Path Down";
    case Diag::ConcatenatedPathDown:
      return "Concatenated Path Down";
    case Diag::AdministrativelyDown:
      return "Administratively Down";
    case Diag::ReverseConcatenatedPathDown:
      return "Reverse Concatenated Path Down";
  }
  return "Reserved";
}

std::array<std::uint8_t, kControlPacketLen> encode(const ControlPacket& p) {
  std::array<std::uint8_t, kControlPacketLen> b{};
  b[0] = static_cast<std::uint8_t>(((p.version & 0x07) << 5) |
                                   (static_cast<std::uint8_t>(p.diag) & 0x1f));
  b[1] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(p.state) & 0x03) << 6);
  if (p.poll) b[1] |= kP;
  if (p.final) b[1] |= kF;
  if (p.cpi) b[1] |= kC;
  if (p.auth) b[1] |= kA;
  if (p.demand) b[1] |= kD;
  if (p.multipoint) b[1] |= kM;
  b[2] = p.detect_mult;
  b[3] = static_cast<std::uint8_t>(kControlPacketLen);
  put32(&b[4], p.my_discriminator);
  put32(&b[8], p.your_discriminator);
  put32(&b[12], p.desired_min_tx_us);
  put32(&b[16], p.required_min_rx_us);
  put32(&b[20], p.required_min_echo_rx_us);
  return b;
}

Decoded decode(std::span<const std::uint8_t> payload) {
  Decoded out;
  if (payload.size() < 4) {
    out.error = "length: payload shorter than the 24-byte mandatory section";
    return out;
  }
  const std::uint8_t* b = payload.data();
  ControlPacket p;
  p.version = static_cast<std::uint8_t>(b[0] >> 5);
  p.diag = static_cast<Diag>(b[0] & 0x1f);
  p.state = static_cast<State>(b[1] >> 6);
  p.poll = (b[1] & kP) != 0;
  p.final = (b[1] & kF) != 0;
  p.cpi = (b[1] & kC) != 0;
  p.auth = (b[1] & kA) != 0;
  p.demand = (b[1] & kD) != 0;
  p.multipoint = (b[1] & kM) != 0;
  p.detect_mult = b[2];
  p.length = b[3];
  if (p.version != kVersion) {
    out.error = "version: not 1";
    return out;
  }
  if (p.length < (p.auth ? kControlPacketAuthMinLen : kControlPacketLen)) {
    out.error = p.auth ? "length: below 26 with the A bit set" : "length: below 24";
    return out;
  }
  if (p.length > payload.size()) {
    out.error = "length: larger than the UDP payload";
    return out;
  }
  p.my_discriminator = get32(&b[4]);
  p.your_discriminator = get32(&b[8]);
  p.desired_min_tx_us = get32(&b[12]);
  p.required_min_rx_us = get32(&b[16]);
  p.required_min_echo_rx_us = get32(&b[20]);
  if (p.detect_mult == 0) {
    out.error = "detect mult: zero";
    return out;
  }
  if (p.multipoint) {
    out.error = "multipoint: M bit set";
    return out;
  }
  if (p.my_discriminator == 0) {
    out.error = "my discriminator: zero";
    return out;
  }
  if (p.your_discriminator == 0 && p.state != State::Down && p.state != State::AdminDown) {
    out.error = "your discriminator: zero while state is Init or Up";
    return out;
  }
  if (p.auth) {
    out.error = "auth: A bit set but no authentication is configured";
    return out;
  }
  out.packet = p;
  return out;
}

bool ttl_acceptable(std::uint8_t received_ttl, std::uint8_t expected_ttl, std::uint8_t max_hops) {
  if (max_hops == 255 || received_ttl == 0) return true;
  return unsigned{received_ttl} + unsigned{max_hops} >= unsigned{expected_ttl};
}

}  // namespace xvrrp::core::bfd
