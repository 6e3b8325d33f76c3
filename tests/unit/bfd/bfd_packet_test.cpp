// SPDX-License-Identifier: GPL-2.0-or-later
// RFC 5880 §4.1 codec and the packet-level reception checks of §6.8.6.
#include "core/bfd_packet.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace xvrrp::core::bfd {
namespace {

ControlPacket sample() {
  ControlPacket p;
  p.diag = Diag::NeighborSignaledDown;
  p.state = State::Up;
  p.poll = true;
  p.detect_mult = 3;
  p.my_discriminator = 0x01020304;
  p.your_discriminator = 0xa0b0c0d0;
  p.desired_min_tx_us = 10000;
  p.required_min_rx_us = 20000;
  p.required_min_echo_rx_us = 0;
  return p;
}

TEST(BfdPacket, EncodesTheRfcLayout) {
  const auto b = encode(sample());
  const std::vector<std::uint8_t> want = {
      0x23, 0xe0, 0x03, 0x18,  // vers 1, diag 3 | state Up, P | mult 3 | length 24
      0x01, 0x02, 0x03, 0x04, 0xa0, 0xb0, 0xc0, 0xd0,  // my, your
      0x00, 0x00, 0x27, 0x10, 0x00, 0x00, 0x4e, 0x20,  // 10000, 20000 us
      0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(std::vector<std::uint8_t>(b.begin(), b.end()), want);
}

TEST(BfdPacket, EveryFlagBitHasItsPlace) {
  ControlPacket p = sample();
  p.poll = false;
  struct Case {
    bool ControlPacket::*flag;
    std::uint8_t bit;
  };
  for (const Case c :
       {Case{&ControlPacket::poll, 0x20}, Case{&ControlPacket::final, 0x10},
        Case{&ControlPacket::cpi, 0x08}, Case{&ControlPacket::auth, 0x04},
        Case{&ControlPacket::demand, 0x02}, Case{&ControlPacket::multipoint, 0x01}}) {
    ControlPacket q = p;
    q.*c.flag = true;
    EXPECT_EQ(encode(q)[1], 0xc0 | c.bit);
  }
}

TEST(BfdPacket, RoundTrips) {
  for (State s : {State::AdminDown, State::Down, State::Init, State::Up}) {
    ControlPacket p = sample();
    p.state = s;
    p.poll = false;
    p.final = true;
    p.cpi = true;
    p.demand = true;
    if (s == State::Down || s == State::AdminDown) p.your_discriminator = 0;
    const auto b = encode(p);
    const Decoded d = decode(b);
    ASSERT_TRUE(d.packet) << d.error;
    EXPECT_EQ(*d.packet, p);
  }
}

std::string error_of(std::vector<std::uint8_t> bytes) {
  const Decoded d = decode(bytes);
  EXPECT_FALSE(d.packet);
  return d.error ? d.error : "";
}

std::vector<std::uint8_t> bytes_of(const ControlPacket& p) {
  const auto b = encode(p);
  return {b.begin(), b.end()};
}

TEST(BfdPacket, RejectsEachFieldOfSection686) {
  auto b = bytes_of(sample());
  b[0] = static_cast<std::uint8_t>((2 << 5) | 3);
  EXPECT_EQ(error_of(b).rfind("version", 0), 0U);

  b = bytes_of(sample());
  b[3] = 23;
  EXPECT_EQ(error_of(b).rfind("length", 0), 0U);

  b = bytes_of(sample());
  b[3] = 48;  // claims more than the datagram holds
  EXPECT_EQ(error_of(b).rfind("length", 0), 0U);

  b = bytes_of(sample());
  b.resize(20);
  EXPECT_EQ(error_of(b).rfind("length", 0), 0U);
  EXPECT_EQ(error_of({0x20, 0x40}).rfind("length", 0), 0U);

  ControlPacket p = sample();
  p.auth = true;
  b = bytes_of(p);
  b[3] = 24;  // A set needs >= 26
  EXPECT_EQ(error_of(b), "length: below 26 with the A bit set");
  b.resize(26, 0);
  b[3] = 26;
  EXPECT_EQ(error_of(b).rfind("auth", 0), 0U);

  p = sample();
  p.detect_mult = 0;
  EXPECT_EQ(error_of(bytes_of(p)).rfind("detect mult", 0), 0U);

  p = sample();
  p.multipoint = true;
  EXPECT_EQ(error_of(bytes_of(p)).rfind("multipoint", 0), 0U);

  p = sample();
  p.my_discriminator = 0;
  EXPECT_EQ(error_of(bytes_of(p)).rfind("my discriminator", 0), 0U);

  for (State s : {State::Init, State::Up}) {
    p = sample();
    p.state = s;
    p.your_discriminator = 0;
    EXPECT_EQ(error_of(bytes_of(p)).rfind("your discriminator", 0), 0U);
  }
}

TEST(BfdPacket, AcceptsZeroYourDiscriminatorInDownAndAdminDown) {
  for (State s : {State::Down, State::AdminDown}) {
    ControlPacket p = sample();
    p.state = s;
    p.your_discriminator = 0;
    EXPECT_TRUE(decode(bytes_of(p)).packet);
  }
}

TEST(BfdPacket, AcceptsTrailingBytesBeyondLength) {
  auto b = bytes_of(sample());
  b.push_back(0xff);
  EXPECT_TRUE(decode(b).packet);
}

TEST(BfdPacket, GtsmWithMaxHops) {
  EXPECT_TRUE(ttl_acceptable(255, 255, 0));
  EXPECT_FALSE(ttl_acceptable(254, 255, 0));
  EXPECT_TRUE(ttl_acceptable(254, 255, 1));
  EXPECT_FALSE(ttl_acceptable(253, 255, 1));
  EXPECT_TRUE(ttl_acceptable(1, 255, 255));  // 255 disables the check
  EXPECT_TRUE(ttl_acceptable(0, 255, 0));    // unknown TTL
  EXPECT_TRUE(ttl_acceptable(64, 64, 0));
}

TEST(BfdPacket, Names) {
  EXPECT_STREQ(state_name(State::AdminDown), "AdminDown");
  EXPECT_STREQ(state_name(State::Up), "Up");
  EXPECT_STREQ(diag_name(Diag::AdministrativelyDown), "Administratively Down");
  EXPECT_STREQ(diag_name(static_cast<Diag>(20)), "Reserved");
}

}  // namespace
}  // namespace xvrrp::core::bfd
