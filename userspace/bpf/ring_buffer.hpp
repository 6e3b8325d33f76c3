// SPDX-License-Identifier: GPL-2.0-or-later
// RingBuffer: owner of a libbpf ring_buffer over the xvrrp_events map. Records
// whose size is not sizeof(xvrrp_advert_event) are skipped and counted (AOSP
// BpfRingbuf's EMSGSIZE check): a mismatch means the object and the daemon
// were built from different abi.h versions.
#pragma once

#include <bpf/libbpf.h>

#include <cstddef>
#include <cstdint>
#include <functional>

#include "xvrrp/abi.h"

namespace xvrrp::bpf {

class RingBuffer {
 public:
  using Callback = std::function<void(const xvrrp_advert_event&)>;

  /// map_fd: a BPF_MAP_TYPE_RINGBUF fd (not owned; must outlive this object).
  explicit RingBuffer(int map_fd);
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;
  ~RingBuffer();

  /// Level-triggered epoll fd that becomes readable when records are pending.
  [[nodiscard]] int epoll_fd() const;

  /// Non-blocking: hands every pending record to `cb`, returns how many.
  std::size_t consume(const Callback& cb);

  /// Records rejected for their size since construction.
  [[nodiscard]] std::uint64_t bad_records() const { return bad_records_; }

 private:
  static int on_sample(void* ctx, void* data, std::size_t size);

  ring_buffer* rb_ = nullptr;
  const Callback* cb_ = nullptr;
  std::size_t delivered_ = 0;
  std::uint64_t bad_records_ = 0;
};

}  // namespace xvrrp::bpf
