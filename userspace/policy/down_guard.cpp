// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/down_guard.hpp"

namespace xvrrp::policy {

void DownGuard::note_rx_counter(std::uint64_t rx_packets) { rx_seen_ = rx_packets; }

ExpiryDecision DownGuard::on_expiry(Nanos now, std::uint64_t rx_packets_now, Nanos grace) {
  ExpiryDecision d;
  // Without an earlier reading there is no evidence either way: RFC behaviour.
  const bool quiet = rx_seen_ && rx_packets_now == *rx_seen_;
  rx_seen_ = rx_packets_now;
  if (grace <= 0 || extended_ || !quiet) return d;
  extended_ = true;
  ++extensions_;
  d.verdict = ExpiryVerdict::Extend;
  d.until = now + grace;
  return d;
}

void DownGuard::reset() {
  rx_seen_.reset();
  extended_ = false;
}

bool is_near_miss(Nanos gap_ns, Nanos mdi_ns) {
  return mdi_ns > 0 && gap_ns * 100 >= mdi_ns * static_cast<Nanos>(kNearMissSharePct);
}

bool NearMiss::note_gap(Nanos gap_ns, Nanos mdi_ns) {
  if (gap_ns <= 0) return false;
  if (gap_ns > max_gap_ns) {
    max_gap_ns = gap_ns;
    max_gap_mdi_ns = mdi_ns;
  }
  if (!is_near_miss(gap_ns, mdi_ns)) return false;
  ++near_misses;
  return true;
}

void NearMiss::note_send_lateness(Nanos late_ns) {
  if (late_ns > max_send_late_ns) max_send_late_ns = late_ns;
}

void LatenessHistogram::note(Nanos late_ns) {
  if (late_ns < 0) late_ns = 0;
  std::size_t b = 0;
  while (b < kUpperNs.size() && late_ns > kUpperNs[b]) ++b;
  ++counts_[b];
  ++count_;
  sum_ns_ += late_ns;
}

std::uint64_t LatenessHistogram::cumulative(std::size_t b) const {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i <= b && i < kBuckets; ++i) sum += counts_[i];
  return sum;
}

void NearMiss::note_wake_lateness(Nanos late_ns) {
  if (late_ns > max_wake_late_ns) max_wake_late_ns = late_ns;
}

double NearMiss::max_gap_share_pct() const {
  if (max_gap_mdi_ns <= 0) return 0;
  return 100.0 * static_cast<double>(max_gap_ns) / static_cast<double>(max_gap_mdi_ns);
}

}  // namespace xvrrp::policy
