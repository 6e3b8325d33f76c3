// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/auth_hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace xvrrp::core::auth_hmac {

namespace {

constexpr std::size_t kBlock = 64;   // SHA-256 block
constexpr std::size_t kDigest = 32;  // SHA-256 output
constexpr std::size_t kChecksumOffset = 6;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

MdCtx new_ctx() {
  MdCtx c(EVP_MD_CTX_new());
  if (!c) throw std::bad_alloc();
  return c;
}

// The SHA-256 states after absorbing key^ipad and key^opad, so one MAC costs
// two context copies and the message blocks, not the key blocks again.
struct KeyState {
  MdCtx inner = new_ctx();
  MdCtx outer = new_ctx();

  explicit KeyState(std::span<const std::uint8_t> key) {
    std::array<std::uint8_t, kBlock> k{};
    std::array<std::uint8_t, kDigest> hashed{};
    if (key.size() > kBlock) {
      unsigned n = 0;
      EVP_Digest(key.data(), key.size(), hashed.data(), &n, EVP_sha256(), nullptr);
      key = std::span<const std::uint8_t>(hashed.data(), hashed.size());
    }
    std::memcpy(k.data(), key.data(), key.size());
    std::array<std::uint8_t, kBlock> pad{};
    for (std::size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
    if (EVP_DigestInit_ex(inner.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(inner.get(), pad.data(), pad.size()) != 1)
      throw std::runtime_error("SHA-256 unavailable in libcrypto");
    for (std::size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
    if (EVP_DigestInit_ex(outer.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(outer.get(), pad.data(), pad.size()) != 1)
      throw std::runtime_error("SHA-256 unavailable in libcrypto");
    OPENSSL_cleanse(pad.data(), pad.size());
    OPENSSL_cleanse(k.data(), k.size());
    OPENSSL_cleanse(hashed.data(), hashed.size());
  }

  // A failure leaves a zero digest, which no receiver accepts.
  std::array<std::uint8_t, kDigest> mac(
      EVP_MD_CTX* scratch, std::span<const std::span<const std::uint8_t>> parts) const {
    std::array<std::uint8_t, kDigest> d{};
    unsigned n = 0;
    bool ok = EVP_MD_CTX_copy_ex(scratch, inner.get()) == 1;
    for (const auto& p : parts) ok = ok && EVP_DigestUpdate(scratch, p.data(), p.size()) == 1;
    ok = ok && EVP_DigestFinal_ex(scratch, d.data(), &n) == 1;
    ok = ok && EVP_MD_CTX_copy_ex(scratch, outer.get()) == 1;
    ok = ok && EVP_DigestUpdate(scratch, d.data(), d.size()) == 1;
    ok = ok && EVP_DigestFinal_ex(scratch, d.data(), &n) == 1;
    if (!ok) d.fill(0);
    return d;
  }
};

std::array<std::uint8_t, kPseudoLen> pseudo_header(int family, std::uint8_t version,
                                                   std::uint8_t vrid, const IpAddress& src) {
  std::array<std::uint8_t, kPseudoLen> p{};
  p[0] = family == AF_INET6 ? 6 : 4;
  p[1] = version;
  p[2] = vrid;
  std::memcpy(p.data() + 4, src.bytes.data(), family == AF_INET6 ? 16 : 4);
  return p;
}

const std::array<std::uint8_t, kMacLen> kZeroMac{};
const std::array<std::uint8_t, 2> kZeroChecksum{};

// The HMAC input split so the checksum and MAC fields read as zero without
// copying the packet.
std::array<std::span<const std::uint8_t>, 6> mac_parts(
    const std::array<std::uint8_t, kPseudoLen>& pseudo, std::span<const std::uint8_t> message,
    std::span<const std::uint8_t, kTrailerPrefixLen> prefix) {
  return {std::span<const std::uint8_t>(pseudo),        message.first(kChecksumOffset),
          std::span<const std::uint8_t>(kZeroChecksum), message.subspan(kChecksumOffset + 2),
          std::span<const std::uint8_t>(prefix),        std::span<const std::uint8_t>(kZeroMac)};
}

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}
std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(get16(p)) << 16) | get16(p + 2);
}

}  // namespace

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::ReceiveOnly:
      return "receive-only";
    case Mode::Permissive:
      return "permissive";
    case Mode::Enforce:
      break;
  }
  return "enforce";
}

std::optional<Mode> parse_mode(const std::string& word) {
  if (word == "enforce") return Mode::Enforce;
  if (word == "permissive") return Mode::Permissive;
  if (word == "receive-only") return Mode::ReceiveOnly;
  return std::nullopt;
}

const char* anti_replay_name(AntiReplay a) {
  return a == AntiReplay::Monotonic ? "monotonic" : "time";
}

unsigned derived_window(std::uint32_t advert_int_cs) {
  const unsigned w = 3 * (advert_int_cs / 100);
  return std::clamp(w, kWindowFloor, kWindowMax);
}

SecretBytes::SecretBytes(std::span<const std::uint8_t> bytes)
    : bytes_(bytes.begin(), bytes.end()) {}
SecretBytes::SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}
SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}
SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}
SecretBytes::~SecretBytes() { wipe(); }
void SecretBytes::wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}
bool operator==(const SecretBytes& a, const SecretBytes& b) {
  return a.bytes_.size() == b.bytes_.size() &&
         CRYPTO_memcmp(a.bytes_.data(), b.bytes_.data(), a.bytes_.size()) == 0;
}

const char* settings_problem(const Settings& s) {
  if (s.keys.empty()) return "auth_hmac has no key";
  for (std::size_t i = 0; i < s.keys.size(); ++i) {
    const Key& k = s.keys[i];
    if (k.id == 0) return "auth_hmac key id must be between 1 and 255";
    if (k.secret.size() < kKeyMinLen || k.secret.size() > kKeyMaxLen)
      return "auth_hmac key length must be 32 to 64 bytes";
    for (std::size_t j = 0; j < i; ++j)
      if (s.keys[j].id == k.id) return "duplicate auth_hmac key id";
  }
  if (s.active_key == 0) return "auth_hmac needs an active_key";
  if (std::none_of(s.keys.begin(), s.keys.end(),
                   [&](const Key& k) { return k.id == s.active_key; }))
    return "auth_hmac active_key names no configured key";
  if (s.time_window != 0 && (s.time_window < kWindowMin || s.time_window > kWindowMax))
    return "auth_hmac time_window must be between 1 and 300 seconds";
  return nullptr;
}

std::optional<Trailer> parse_trailer(std::span<const std::uint8_t> b) {
  if (b.size() != kTrailerLen) return std::nullopt;
  Trailer t;
  t.ext_type = b[0];
  t.key_id = b[1];
  t.reserved = get16(&b[2]);
  t.sequence = (static_cast<std::uint64_t>(get32(&b[4])) << 32) |
               (static_cast<std::uint64_t>(get16(&b[8])) << 16) | get16(&b[10]);
  std::memcpy(t.mac.data(), &b[12], kMacLen);
  return t;
}

void write_trailer(const Trailer& t, std::span<std::uint8_t, kTrailerLen> out) {
  out[0] = t.ext_type;
  out[1] = t.key_id;
  put16(&out[2], t.reserved);
  put32(&out[4], static_cast<std::uint32_t>(t.sequence >> 32));
  put16(&out[8], static_cast<std::uint16_t>(t.sequence >> 16));
  put16(&out[10], static_cast<std::uint16_t>(t.sequence));
  std::memcpy(&out[12], t.mac.data(), kMacLen);
}

std::uint64_t clock_sequence(std::int64_t realtime_ns) {
  const auto sec = static_cast<std::uint64_t>(realtime_ns / 1'000'000'000);
  const auto nsec = static_cast<std::uint64_t>(realtime_ns % 1'000'000'000);
  const std::uint64_t subsec = (nsec << 16) / 1'000'000'000U;
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(sec)) << 32) | (subsec << 16);
}

std::array<std::uint8_t, 32> hmac_sha256(std::span<const std::uint8_t> key,
                                         std::span<const std::span<const std::uint8_t>> parts) {
  const KeyState ks(key);
  const MdCtx scratch = new_ctx();
  return ks.mac(scratch.get(), parts);
}

std::array<std::uint8_t, kMacLen> advert_mac(
    std::span<const std::uint8_t> key, int family, std::uint8_t version, std::uint8_t vrid,
    const IpAddress& src, std::span<const std::uint8_t> message,
    std::span<const std::uint8_t, kTrailerPrefixLen> prefix) {
  std::array<std::uint8_t, kMacLen> out{};
  if (message.size() < kChecksumOffset + 2) return out;
  const auto pseudo = pseudo_header(family, version, vrid, src);
  const auto parts = mac_parts(pseudo, message, prefix);
  const auto full = hmac_sha256(key, parts);
  std::memcpy(out.data(), full.data(), kMacLen);
  return out;
}

const char* result_name(Result r) {
  switch (r) {
    case Result::Ok:
      return "ok";
    case Result::Unsigned:
      return "unsigned";
    case Result::Missing:
      return "missing";
    case Result::Malformed:
      return "malformed";
    case Result::UnknownKey:
      return "unknown_key";
    case Result::BadHmac:
      return "bad_hmac";
    case Result::Stale:
      return "stale";
    case Result::Replay:
      return "replay";
  }
  return "invalid";
}

class Authenticator::Macs {
 public:
  explicit Macs(const std::vector<Key>& keys) {
    for (const Key& k : keys) states_.emplace(k.id, std::make_unique<KeyState>(k.secret.bytes()));
  }
  [[nodiscard]] const KeyState* find(std::uint8_t id) const {
    auto it = states_.find(id);
    return it == states_.end() ? nullptr : it->second.get();
  }
  [[nodiscard]] EVP_MD_CTX* scratch() const { return scratch_.get(); }

 private:
  std::map<std::uint8_t, std::unique_ptr<KeyState>> states_;
  MdCtx scratch_ = new_ctx();
};

Authenticator::Authenticator(Settings settings, std::uint32_t advert_int_cs)
    : settings_(std::move(settings)) {
  if (const char* p = settings_problem(settings_)) throw std::invalid_argument(p);
  window_ = settings_.time_window != 0 ? settings_.time_window : derived_window(advert_int_cs);
  macs_ = std::make_unique<Macs>(settings_.keys);
}

Authenticator::~Authenticator() = default;

std::size_t Authenticator::trailer_len() const {
  return settings_.mode == Mode::ReceiveOnly ? 0 : kTrailerLen;
}

std::uint64_t Authenticator::next_sequence(std::int64_t realtime_ns) {
  const std::uint64_t clk = clock_sequence(realtime_ns);
  if (sequence_after(clk, send_seq_)) {
    send_seq_ = clk;
    return send_seq_;
  }
  // After a clock step back, receivers in time mode would reject a sequence
  // stranded in the future, so restart from the clock once past the window.
  const auto ahead = static_cast<std::int32_t>(static_cast<std::uint32_t>(send_seq_ >> 32) -
                                               static_cast<std::uint32_t>(clk >> 32));
  if (settings_.anti_replay == AntiReplay::Time && ahead > static_cast<std::int32_t>(window_))
    send_seq_ = clk;
  else
    ++send_seq_;
  return send_seq_;
}

std::size_t Authenticator::sign(std::span<std::uint8_t> buf, std::size_t msg_len, int family,
                                std::uint8_t version, std::uint8_t vrid, const IpAddress& src,
                                std::int64_t realtime_ns) {
  if (settings_.mode == Mode::ReceiveOnly) return msg_len <= buf.size() ? msg_len : 0;
  if (buf.size() < msg_len + kTrailerLen || msg_len < kChecksumOffset + 2) return 0;
  return sign_with(buf, msg_len, family, version, vrid, src, next_sequence(realtime_ns));
}

std::size_t Authenticator::sign_with(std::span<std::uint8_t> buf, std::size_t msg_len, int family,
                                     std::uint8_t version, std::uint8_t vrid, const IpAddress& src,
                                     std::uint64_t sequence) const {
  if (buf.size() < msg_len + kTrailerLen || msg_len < kChecksumOffset + 2) return 0;
  Trailer t;
  t.key_id = settings_.active_key;
  t.sequence = sequence;
  auto out = buf.subspan(msg_len).first<kTrailerLen>();
  write_trailer(t, out);
  const KeyState* ks = macs_->find(settings_.active_key);
  if (ks == nullptr) return 0;
  const auto pseudo = pseudo_header(family, version, vrid, src);
  const auto parts = mac_parts(pseudo, buf.first(msg_len), out.first<kTrailerPrefixLen>());
  const auto full = ks->mac(macs_->scratch(), parts);
  std::memcpy(out.data() + kTrailerPrefixLen, full.data(), kMacLen);
  return msg_len + kTrailerLen;
}

Authenticator::Replay& Authenticator::replay_slot(const IpAddress& src, bool unicast) {
  if (unicast) return unicast_[src];
  McastSlot* victim = mcast_.data();
  for (McastSlot& s : mcast_) {
    if (s.last_used != 0 && s.addr == src) {
      s.last_used = ++lru_clock_;
      return s.replay;
    }
    if (s.last_used < victim->last_used) victim = &s;
  }
  victim->addr = src;
  victim->replay = {};
  victim->last_used = ++lru_clock_;
  return victim->replay;
}

bool Authenticator::replay_ok(Replay& r, std::uint64_t sequence, std::int64_t realtime_ns) const {
  // A mark outside the window only orders what the window rejects anyway;
  // expiring it lets a sender that restarted after a clock step back in.
  if (r.valid && settings_.anti_replay == AntiReplay::Time) {
    const auto now_s = static_cast<std::uint32_t>(realtime_ns / 1'000'000'000);
    const auto age =
        static_cast<std::int32_t>(now_s - static_cast<std::uint32_t>(r.sequence >> 32));
    const auto w = static_cast<std::int32_t>(window_);
    if (age > w || age < -w) r.valid = false;
  }
  if (r.valid && !sequence_after(sequence, r.sequence)) return false;
  r.valid = true;
  r.sequence = sequence;
  return true;
}

Verification Authenticator::verify(std::span<const std::uint8_t> payload, std::size_t msg_len,
                                   int family, std::uint8_t version, std::uint8_t vrid,
                                   const IpAddress& src, bool unicast, std::int64_t realtime_ns) {
  Verification v;
  if (msg_len < kChecksumOffset + 2) return v;
  if (payload.size() == msg_len) {
    v.result = settings_.mode == Mode::Enforce ? Result::Missing : Result::Unsigned;
    return v;
  }
  if (payload.size() != msg_len + kTrailerLen) return v;
  const auto tb = payload.subspan(msg_len).first<kTrailerLen>();
  const Trailer t = *parse_trailer(tb);
  if (t.ext_type != kExtTypeSha256 || t.reserved != 0) return v;

  // Shed stale stamps before the digest so replayed captures cost no HMAC;
  // the stamp is unauthenticated here, so this can only reject.
  if (settings_.anti_replay == AntiReplay::Time) {
    const auto now_s = static_cast<std::uint32_t>(realtime_ns / 1'000'000'000);
    v.skew_s = static_cast<std::int32_t>(now_s - t.seconds());
    const auto w = static_cast<std::int32_t>(window_);
    if (v.skew_s > w || v.skew_s < -w) {
      v.result = Result::Stale;
      return v;
    }
  }
  const KeyState* ks = macs_->find(t.key_id);
  if (ks == nullptr) {
    v.result = Result::UnknownKey;
    return v;
  }
  const auto pseudo = pseudo_header(family, version, vrid, src);
  const auto parts = mac_parts(pseudo, payload.first(msg_len), tb.first<kTrailerPrefixLen>());
  const auto full = ks->mac(macs_->scratch(), parts);
  if (CRYPTO_memcmp(full.data(), t.mac.data(), kMacLen) != 0) {
    v.result = Result::BadHmac;
    return v;
  }
  v.result =
      replay_ok(replay_slot(src, unicast), t.sequence, realtime_ns) ? Result::Ok : Result::Replay;
  return v;
}

void Authenticator::adopt_state(const Authenticator& previous) {
  unicast_ = previous.unicast_;
  mcast_ = previous.mcast_;
  lru_clock_ = previous.lru_clock_;
  send_seq_ = previous.send_seq_;
}

void Authenticator::reset_replay() {
  unicast_.clear();
  mcast_ = {};
  lru_clock_ = 0;
}

}  // namespace xvrrp::core::auth_hmac
