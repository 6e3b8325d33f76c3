// SPDX-License-Identifier: GPL-2.0-or-later
// RingBuffer: owner of a libbpf ring_buffer over the xvrrp_events map. A record
// is an xvrrp_advert_event, or with XVRRP_EVT_PAYLOAD an event, an
// xvrrp_payload_hdr and the payload (include/xvrrp/abi.h). Records of any
// other size are skipped and counted (AOSP BpfRingbuf's EMSGSIZE check): a
// mismatch means the object and the daemon were built from different abi.h
// versions.
#pragma once

#include <bpf/libbpf.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "xvrrp/abi.h"

namespace xvrrp::bpf {

class RingBuffer {
 public:
  using Callback = std::function<void(const xvrrp_advert_event&)>;
  /// The payload (empty without XVRRP_EVT_PAYLOAD) lives in the ring: valid
  /// only during the call.
  using RecordCallback =
      std::function<void(const xvrrp_advert_event&, std::span<const std::uint8_t> payload)>;

  /// map_fd: a BPF_MAP_TYPE_RINGBUF fd (not owned; must outlive this object).
  explicit RingBuffer(int map_fd);
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;
  ~RingBuffer();

  /// Level-triggered epoll fd that becomes readable when records are pending.
  [[nodiscard]] int epoll_fd() const;

  /// Non-blocking: hands every pending record to `cb`, returns how many.
  std::size_t consume(const Callback& cb);
  /// Same, with each record's payload.
  std::size_t consume(const RecordCallback& cb);

  /// Records rejected for their size since construction.
  [[nodiscard]] std::uint64_t bad_records() const { return bad_records_; }

 private:
  static int on_sample(void* ctx, void* data, std::size_t size);

  ring_buffer* rb_ = nullptr;
  const RecordCallback* cb_ = nullptr;
  std::size_t delivered_ = 0;
  std::uint64_t bad_records_ = 0;
};

}  // namespace xvrrp::bpf
