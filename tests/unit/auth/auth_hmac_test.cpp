// SPDX-License-Identifier: GPL-2.0-or-later
// auth_hmac core: known answers (RFC 4231 HMAC-SHA256, the wire images of the
// IETF draft's appendix), tampering of every field, replay, stale stamps,
// key ids and rotation, modes, sequence numbers. The clock is a plain value.
#include "core/auth_hmac.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hex.hpp"

namespace xvrrp::core::auth_hmac {
namespace {

using test::Bytes;
using test::unhex;

std::string hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

constexpr std::int64_t kSec = 1'000'000'000;
// The appendix images carry sequence 0x68000000'80000000: 0x68000000 s and a half.
constexpr std::int64_t kVectorNow = 0x68000000LL * kSec + kSec / 2;

Key key_of(std::uint8_t id, const Bytes& b) { return Key{id, SecretBytes(b)}; }

Bytes key_00_1f() {
  Bytes k;
  for (int i = 0; i < 32; ++i) k.push_back(static_cast<std::uint8_t>(i));
  return k;
}

Settings settings_1() {
  Settings s;
  s.keys.push_back(key_of(1, key_00_1f()));
  s.active_key = 1;
  s.time_window = 5;
  return s;
}

// Draft appendix wire images: key 00..1f, VRID 51, priority 200, sequence
// 0x6800000080000000. IPv4 source 198.51.100.10, VIP 192.0.2.100; IPv6 source
// fe80::10, VIP fe80::100.
const std::string kV4Msg = "3133c80100644402c0000264";
const std::string kV4Trailer =
    "010100006800000080000000"
    "1b84bc4e8e43892dc6d98448f8ee2265";
const std::string kV6Msg = "3133c8010064a2e9fe800000000000000000000000000100";
const std::string kV6Trailer =
    "010100006800000080000000"
    "c8c56146ebfd66ee10ec4d8186461b78";

struct Advert6 {
  Bytes pkt = unhex(kV6Msg + kV6Trailer);
  std::size_t msg_len = 24;
};

TEST(AuthHmacPrimitive, Rfc4231KnownAnswers) {
  // Test case 1
  const Bytes k1(20, 0x0b);
  const std::string d1 = "Hi There";
  const std::span<const std::uint8_t> p1[] = {
      {reinterpret_cast<const std::uint8_t*>(d1.data()), d1.size()}};
  EXPECT_EQ(hex(hmac_sha256(k1, p1)),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2, the message split in three parts
  const std::string key2 = "Jefe";
  const std::string a = "what do ya", b = " want for ", c = "nothing?";
  const std::span<const std::uint8_t> p2[] = {
      {reinterpret_cast<const std::uint8_t*>(a.data()), a.size()},
      {reinterpret_cast<const std::uint8_t*>(b.data()), b.size()},
      {reinterpret_cast<const std::uint8_t*>(c.data()), c.size()}};
  EXPECT_EQ(hex(hmac_sha256({reinterpret_cast<const std::uint8_t*>(key2.data()), key2.size()}, p2)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first
  const Bytes k6(131, 0xaa);
  const std::string d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  const std::span<const std::uint8_t> p6[] = {
      {reinterpret_cast<const std::uint8_t*>(d6.data()), d6.size()}};
  EXPECT_EQ(hex(hmac_sha256(k6, p6)),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(AuthHmacVectors, DraftAppendixImagesVerify) {
  Authenticator a4(settings_1(), 100);
  const Bytes v4 = unhex(kV4Msg + kV4Trailer);
  EXPECT_EQ(a4.verify(v4, 12, AF_INET, 3, 51, ip("198.51.100.10"), true, kVectorNow).result,
            Result::Ok);
  Authenticator a6(settings_1(), 100);
  const Advert6 v6;
  const auto r = a6.verify(v6.pkt, v6.msg_len, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow);
  EXPECT_EQ(r.result, Result::Ok);
  EXPECT_EQ(r.skew_s, 0);
}

TEST(AuthHmacVectors, EncoderReproducesTheTrailerByteForByte) {
  const Authenticator a(settings_1(), 100);
  Bytes buf = unhex(kV4Msg);
  buf.resize(buf.size() + kTrailerLen);
  ASSERT_EQ(a.sign_with(buf, 12, AF_INET, 3, 51, ip("198.51.100.10"), 0x6800000080000000ULL),
            12 + kTrailerLen);
  EXPECT_EQ(hex(std::span(buf).subspan(12)), kV4Trailer);

  Bytes buf6 = unhex(kV6Msg);
  buf6[6] = buf6[7] = 0;  // signed before the kernel writes the IPv6 checksum
  buf6.resize(buf6.size() + kTrailerLen);
  ASSERT_EQ(a.sign_with(buf6, 24, AF_INET6, 3, 51, ip("fe80::10"), 0x6800000080000000ULL),
            24 + kTrailerLen);
  EXPECT_EQ(hex(std::span(buf6).subspan(24)), kV6Trailer);
}

TEST(AuthHmacVectors, SignUsesTheClockSequence) {
  Authenticator a(settings_1(), 100);
  Bytes buf = unhex(kV4Msg);
  buf.resize(buf.size() + kTrailerLen);
  ASSERT_EQ(a.sign(buf, 12, AF_INET, 3, 51, ip("198.51.100.10"), kVectorNow), 40U);
  EXPECT_EQ(hex(std::span(buf).subspan(12)), kV4Trailer);
}

struct Mutation {
  const char* what;
  std::size_t offset;
  Result expected;
};

TEST(AuthHmacTamper, EveryFieldOfTheIpv6Image) {
  const std::size_t t = 24;
  const Mutation cases[] = {
      {"version/type", 0, Result::BadHmac},       {"vrid", 1, Result::BadHmac},
      {"priority", 2, Result::BadHmac},           {"count", 3, Result::BadHmac},
      {"advert interval", 5, Result::BadHmac},    {"checksum (not covered)", 6, Result::Ok},
      {"address", 8 + 15, Result::BadHmac},       {"ext_type", t + 0, Result::Malformed},
      {"key id", t + 1, Result::UnknownKey},      {"reserved", t + 2, Result::Malformed},
      {"reserved low", t + 3, Result::Malformed}, {"seconds", t + 7, Result::BadHmac},
      {"subsec", t + 8, Result::BadHmac},         {"counter", t + 11, Result::BadHmac},
      {"hmac first", t + 12, Result::BadHmac},    {"hmac last", t + 27, Result::BadHmac},
  };
  for (const auto& m : cases) {
    Authenticator a(settings_1(), 100);
    Advert6 v;
    v.pkt[m.offset] ^= 0x01;
    EXPECT_EQ(a.verify(v.pkt, v.msg_len, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow).result,
              m.expected)
        << m.what;
  }
}

TEST(AuthHmacTamper, PseudoHeaderBindsSourceVridVersionFamily) {
  const Advert6 v;
  Authenticator a(settings_1(), 100);
  EXPECT_EQ(a.verify(v.pkt, 24, AF_INET6, 3, 51, ip("fe80::20"), false, kVectorNow).result,
            Result::BadHmac);
  EXPECT_EQ(a.verify(v.pkt, 24, AF_INET6, 3, 52, ip("fe80::10"), false, kVectorNow).result,
            Result::BadHmac);
  EXPECT_EQ(a.verify(v.pkt, 24, AF_INET6, 2, 51, ip("fe80::10"), false, kVectorNow).result,
            Result::BadHmac);
  const Bytes v4 = unhex(kV4Msg + kV4Trailer);
  EXPECT_EQ(a.verify(v4, 12, AF_INET, 3, 51, ip("198.51.100.11"), true, kVectorNow).result,
            Result::BadHmac);
  // The same bytes claimed by IPv6 under a source with the same first 4 bytes.
  EXPECT_EQ(a.verify(v4, 12, AF_INET6, 3, 51, ip("c633:640a::"), true, kVectorNow).result,
            Result::BadHmac);
}

TEST(AuthHmacTamper, WrongKeyBytesFail) {
  Settings s = settings_1();
  Bytes other = key_00_1f();
  other[31] ^= 0x80;
  s.keys[0] = key_of(1, other);
  Authenticator a(s, 100);
  const Advert6 v;
  EXPECT_EQ(a.verify(v.pkt, 24, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow).result,
            Result::BadHmac);
}

TEST(AuthHmacLength, TrailerDetectedFromTheLengthOnly) {
  Authenticator a(settings_1(), 100);
  const Advert6 v;
  Bytes shorter(v.pkt.begin(), v.pkt.end() - 1);
  EXPECT_EQ(a.verify(shorter, 24, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow).result,
            Result::Malformed);
  Bytes longer = v.pkt;
  longer.push_back(0);
  EXPECT_EQ(a.verify(longer, 24, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow).result,
            Result::Malformed);
}

TEST(AuthHmacReplay, SameAdvertTwiceIsAReplayPerSender) {
  Authenticator a(settings_1(), 100);
  const Bytes v4 = unhex(kV4Msg + kV4Trailer);
  const auto src = ip("198.51.100.10");
  EXPECT_EQ(a.verify(v4, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Ok);
  EXPECT_EQ(a.verify(v4, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Replay);
  EXPECT_EQ(a.verify(v4, 12, AF_INET, 3, 51, src, true, kVectorNow + kSec).result, Result::Replay);
  a.reset_replay();
  EXPECT_EQ(a.verify(v4, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Ok);
}

TEST(AuthHmacReplay, OlderSequenceAfterANewerOneIsRejected) {
  Authenticator tx(settings_1(), 100);
  Authenticator rx(settings_1(), 100);
  const auto src = ip("198.51.100.10");
  Bytes first = unhex(kV4Msg), second = unhex(kV4Msg);
  first.resize(40);
  second.resize(40);
  ASSERT_EQ(tx.sign(first, 12, AF_INET, 3, 51, src, kVectorNow), 40U);
  ASSERT_EQ(tx.sign(second, 12, AF_INET, 3, 51, src, kVectorNow + kSec / 100), 40U);
  EXPECT_EQ(rx.verify(second, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Ok);
  EXPECT_EQ(rx.verify(first, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Replay);
}

TEST(AuthHmacReplay, MarkMovesOnlyOnAVerifiedMac) {
  Authenticator tx(settings_1(), 100);
  Authenticator rx(settings_1(), 100);
  const auto src = ip("198.51.100.10");
  Bytes good = unhex(kV4Msg);
  good.resize(40);
  ASSERT_EQ(tx.sign(good, 12, AF_INET, 3, 51, src, kVectorNow), 40U);
  // A forgery with a later sequence but a bad MAC must not raise the mark.
  Bytes forged = good;
  forged[12 + 11] = 0xff;  // counter
  EXPECT_EQ(rx.verify(forged, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::BadHmac);
  EXPECT_EQ(rx.verify(good, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Ok);
}

TEST(AuthHmacReplay, UnicastPeersHaveTheirOwnState) {
  Authenticator rx(settings_1(), 100);
  Authenticator tx(settings_1(), 100);
  Bytes a = unhex(kV4Msg), b = unhex(kV4Msg);
  a.resize(40);
  b.resize(40);
  ASSERT_EQ(tx.sign(a, 12, AF_INET, 3, 51, ip("198.51.100.10"), kVectorNow + kSec), 40U);
  ASSERT_EQ(tx.sign(b, 12, AF_INET, 3, 51, ip("198.51.100.11"), kVectorNow), 40U);
  EXPECT_EQ(rx.verify(a, 12, AF_INET, 3, 51, ip("198.51.100.10"), true, kVectorNow).result,
            Result::Ok);
  // Older sequence, but another sender.
  EXPECT_EQ(rx.verify(b, 12, AF_INET, 3, 51, ip("198.51.100.11"), true, kVectorNow).result,
            Result::Ok);
}

TEST(AuthHmacReplay, MulticastTableEvictsTheLeastRecentlyUsed) {
  Authenticator rx(settings_1(), 100);
  Authenticator tx(settings_1(), 100);
  std::vector<Bytes> adverts;
  for (int i = 0; i < 5; ++i) {
    Bytes p = unhex(kV6Msg);
    p.resize(24 + kTrailerLen);
    const auto src = ip(("fe80::" + std::to_string(i + 1)).c_str());
    ASSERT_EQ(tx.sign(p, 24, AF_INET6, 3, 51, src, kVectorNow), 24 + kTrailerLen);
    adverts.push_back(p);
  }
  auto check = [&](int i) {
    const auto src = ip(("fe80::" + std::to_string(i + 1)).c_str());
    return rx.verify(adverts[i], 24, AF_INET6, 3, 51, src, false, kVectorNow).result;
  };
  for (int i = 0; i < 4; ++i) EXPECT_EQ(check(i), Result::Ok);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(check(i), Result::Replay);  // all four remembered
  EXPECT_EQ(check(4), Result::Ok);  // evicts sender 0, the least recently used
  EXPECT_EQ(check(0), Result::Ok);  // forgotten, so accepted again (and evicts sender 1)
  EXPECT_EQ(check(2), Result::Replay);
}

TEST(AuthHmacWindow, StaleAndFutureStampsAreRejectedBeforeTheDigest) {
  const Advert6 v;
  for (const std::int64_t offset : {-5 * kSec, 5 * kSec}) {
    Authenticator a(settings_1(), 100);
    const auto r = a.verify(v.pkt, 24, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow + offset);
    EXPECT_EQ(r.result, Result::Ok) << offset;
  }
  for (const std::int64_t offset : {-6 * kSec, 6 * kSec}) {
    Authenticator a(settings_1(), 100);
    const auto r = a.verify(v.pkt, 24, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow + offset);
    EXPECT_EQ(r.result, Result::Stale) << offset;
    EXPECT_EQ(r.skew_s, offset / kSec);
  }
  // A stale stamp is reported as stale even with a wrong MAC (no digest computed).
  Advert6 bad;
  bad.pkt.back() ^= 1;
  Authenticator a(settings_1(), 100);
  EXPECT_EQ(
      a.verify(bad.pkt, 24, AF_INET6, 3, 51, ip("fe80::10"), false, kVectorNow + 60 * kSec).result,
      Result::Stale);
}

TEST(AuthHmacWindow, MonotonicModeIgnoresTheClock) {
  Settings s = settings_1();
  s.anti_replay = AntiReplay::Monotonic;
  Authenticator a(s, 100);
  const Advert6 v;
  EXPECT_EQ(a.verify(v.pkt, 24, AF_INET6, 3, 51, ip("fe80::10"), false, 0).result, Result::Ok);
  EXPECT_EQ(a.verify(v.pkt, 24, AF_INET6, 3, 51, ip("fe80::10"), false, 0).result, Result::Replay);
}

TEST(AuthHmacWindow, AMarkOutsideTheWindowExpires) {
  Authenticator tx(settings_1(), 100);
  Authenticator rx(settings_1(), 100);
  const auto src = ip("198.51.100.10");
  Bytes future = unhex(kV4Msg), now = unhex(kV4Msg);
  future.resize(40);
  now.resize(40);
  ASSERT_EQ(tx.sign(future, 12, AF_INET, 3, 51, src, kVectorNow + 4 * kSec), 40U);
  Authenticator tx2(settings_1(), 100);  // a restarted sender, clock stepped back
  ASSERT_EQ(tx2.sign(now, 12, AF_INET, 3, 51, src, kVectorNow + 10 * kSec), 40U);
  EXPECT_EQ(rx.verify(future, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Ok);
  // 10 s later the old mark is outside the 5 s window and no longer orders.
  Authenticator tx3(settings_1(), 100);
  Bytes older = unhex(kV4Msg);
  older.resize(40);
  ASSERT_EQ(tx3.sign(older, 12, AF_INET, 3, 51, src, kVectorNow + 7 * kSec), 40U);
  EXPECT_EQ(rx.verify(older, 12, AF_INET, 3, 51, src, true, kVectorNow + 10 * kSec).result,
            Result::Ok);
}

TEST(AuthHmacKeys, UnknownKeyIdAndRotation) {
  // Sender signs with key 2; a receiver knowing only key 1 cannot verify it.
  Settings s12 = settings_1();
  Bytes k2(32, 0x42);
  s12.keys.push_back(key_of(2, k2));
  Settings tx_s = s12;
  tx_s.active_key = 2;
  Authenticator tx(tx_s, 100);
  Bytes p = unhex(kV4Msg);
  p.resize(40);
  const auto src = ip("198.51.100.10");
  ASSERT_EQ(tx.sign(p, 12, AF_INET, 3, 51, src, kVectorNow), 40U);
  EXPECT_EQ(p[13], 2);

  Authenticator old_rx(settings_1(), 100);
  EXPECT_EQ(old_rx.verify(p, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::UnknownKey);
  // Step 1 of a rotation: receivers know both keys, still send with 1.
  Authenticator rx(s12, 100);
  EXPECT_EQ(rx.verify(p, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Ok);
  Bytes q = unhex(kV4Msg);
  q.resize(40);
  ASSERT_EQ(rx.sign(q, 12, AF_INET, 3, 51, src, kVectorNow + kSec), 40U);
  EXPECT_EQ(q[13], 1);
  // Both ids verify; the sequence is per sender, not per key.
  EXPECT_EQ(rx.verify(q, 12, AF_INET, 3, 51, src, true, kVectorNow + kSec).result, Result::Ok);
  // The same bytes under a key id whose key differs fail.
  q[13] = 2;
  EXPECT_EQ(rx.verify(q, 12, AF_INET, 3, 51, ip("198.51.100.11"), true, kVectorNow + kSec).result,
            Result::BadHmac);
}

TEST(AuthHmacModes, TrailerlessAdverts) {
  const Bytes bare = unhex(kV4Msg);
  const auto src = ip("198.51.100.10");
  for (const auto& [mode, expected] :
       {std::pair{Mode::Enforce, Result::Missing}, std::pair{Mode::Permissive, Result::Unsigned},
        std::pair{Mode::ReceiveOnly, Result::Unsigned}}) {
    Settings s = settings_1();
    s.mode = mode;
    Authenticator a(s, 100);
    EXPECT_EQ(a.verify(bare, 12, AF_INET, 3, 51, src, true, kVectorNow).result, expected)
        << mode_name(mode);
    // A present trailer is verified in every mode.
    Bytes bad = unhex(kV4Msg + kV4Trailer);
    bad.back() ^= 1;
    EXPECT_EQ(a.verify(bad, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::BadHmac)
        << mode_name(mode);
    const Bytes good = unhex(kV4Msg + kV4Trailer);
    EXPECT_EQ(a.verify(good, 12, AF_INET, 3, 51, src, true, kVectorNow).result, Result::Ok)
        << mode_name(mode);
  }
}

TEST(AuthHmacModes, ReceiveOnlySendsNoTrailer) {
  Settings s = settings_1();
  s.mode = Mode::ReceiveOnly;
  Authenticator a(s, 100);
  EXPECT_EQ(a.trailer_len(), 0U);
  Bytes buf = unhex(kV4Msg);
  buf.resize(40, 0xee);
  const Bytes before = buf;
  EXPECT_EQ(a.sign(buf, 12, AF_INET, 3, 51, ip("198.51.100.10"), kVectorNow), 12U);
  EXPECT_EQ(buf, before);
  s.mode = Mode::Permissive;
  EXPECT_EQ(Authenticator(s, 100).trailer_len(), kTrailerLen);
}

TEST(AuthHmacSequence, GrowsWhenTheClockDoesNot) {
  Authenticator a(settings_1(), 100);
  const std::uint64_t s1 = a.next_sequence(kVectorNow);
  EXPECT_EQ(s1, 0x6800000080000000ULL);
  EXPECT_EQ(a.next_sequence(kVectorNow), s1 + 1);
  EXPECT_EQ(a.next_sequence(kVectorNow - kSec), s1 + 2);  // small step back: keep growing
  EXPECT_EQ(a.next_sequence(kVectorNow + kSec), clock_sequence(kVectorNow + kSec));
}

TEST(AuthHmacSequence, ClockStepBackBeyondTheWindowRestartsInTimeMode) {
  Authenticator a(settings_1(), 100);
  a.next_sequence(kVectorNow + 3600 * kSec);
  EXPECT_EQ(a.next_sequence(kVectorNow), clock_sequence(kVectorNow));

  Settings s = settings_1();
  s.anti_replay = AntiReplay::Monotonic;
  Authenticator m(s, 100);
  const std::uint64_t high = m.next_sequence(kVectorNow + 3600 * kSec);
  EXPECT_EQ(m.next_sequence(kVectorNow), high + 1);
}

TEST(AuthHmacSequence, ClockSequenceLayout) {
  EXPECT_EQ(clock_sequence(0), 0U);
  EXPECT_EQ(clock_sequence(kSec / 2), 0x80000000ULL);
  EXPECT_EQ(clock_sequence(7 * kSec + kSec / 4), (7ULL << 32) | 0x40000000ULL);
  EXPECT_TRUE(sequence_after(1, 0));
  EXPECT_TRUE(sequence_after(0, 0xffffffffffffffffULL));  // across the wrap
  EXPECT_FALSE(sequence_after(5, 5));
}

TEST(AuthHmacTrailer, ParseAndWriteRoundTrip) {
  const Bytes raw = unhex(kV6Trailer);
  const auto t = parse_trailer(raw);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ext_type, 1);
  EXPECT_EQ(t->key_id, 1);
  EXPECT_EQ(t->reserved, 0);
  EXPECT_EQ(t->sequence, 0x6800000080000000ULL);
  EXPECT_EQ(t->seconds(), 0x68000000U);
  std::array<std::uint8_t, kTrailerLen> out{};
  write_trailer(*t, out);
  EXPECT_EQ(hex(out), kV6Trailer);
  EXPECT_FALSE(parse_trailer(std::span(raw).first(27)));
}

TEST(AuthHmacSettings, Problems) {
  EXPECT_EQ(settings_problem(settings_1()), nullptr);
  Settings s = settings_1();
  s.active_key = 2;
  EXPECT_STREQ(settings_problem(s), "auth_hmac active_key names no configured key");
  s.active_key = 0;
  EXPECT_STREQ(settings_problem(s), "auth_hmac needs an active_key");
  s = settings_1();
  s.keys.push_back(key_of(1, key_00_1f()));
  EXPECT_STREQ(settings_problem(s), "duplicate auth_hmac key id");
  s = settings_1();
  s.keys[0] = key_of(1, Bytes(31, 1));
  EXPECT_STREQ(settings_problem(s), "auth_hmac key length must be 32 to 64 bytes");
  s.keys[0] = key_of(1, Bytes(65, 1));
  EXPECT_STREQ(settings_problem(s), "auth_hmac key length must be 32 to 64 bytes");
  s.keys[0] = key_of(1, Bytes(64, 1));
  EXPECT_EQ(settings_problem(s), nullptr);
  s.time_window = 301;
  EXPECT_NE(settings_problem(s), nullptr);
  s = Settings{};
  EXPECT_STREQ(settings_problem(s), "auth_hmac has no key");
  EXPECT_THROW(Authenticator(s, 100), std::invalid_argument);
}

TEST(AuthHmacSettings, DerivedWindowAndNames) {
  EXPECT_EQ(derived_window(1), 5U);
  EXPECT_EQ(derived_window(100), 5U);
  EXPECT_EQ(derived_window(199), 5U);
  EXPECT_EQ(derived_window(200), 6U);
  EXPECT_EQ(derived_window(1000), 30U);
  EXPECT_EQ(derived_window(25500), 300U);
  Settings s = settings_1();
  s.time_window = 0;
  EXPECT_EQ(Authenticator(s, 1000).time_window(), 30U);
  EXPECT_STREQ(mode_name(Mode::ReceiveOnly), "receive-only");
  EXPECT_EQ(parse_mode("receive-only"), Mode::ReceiveOnly);
  EXPECT_EQ(parse_mode("permissive"), Mode::Permissive);
  EXPECT_EQ(parse_mode("enforce"), Mode::Enforce);
  EXPECT_FALSE(parse_mode("receive_only"));
  EXPECT_STREQ(result_name(Result::BadHmac), "bad_hmac");
}

TEST(AuthHmacSecret, ComparesAndCopies) {
  const SecretBytes a(key_00_1f());
  SecretBytes b = a;
  EXPECT_TRUE(a == b);
  SecretBytes c(Bytes(32, 0));
  EXPECT_FALSE(a == c);
  c = std::move(b);
  EXPECT_TRUE(a == c);
  EXPECT_EQ(b.size(), 0U);  // NOLINT(bugprone-use-after-move): moved-from is empty
}

}  // namespace
}  // namespace xvrrp::core::auth_hmac
