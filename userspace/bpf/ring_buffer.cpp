// SPDX-License-Identifier: GPL-2.0-or-later
#include "bpf/ring_buffer.hpp"

#include <cerrno>
#include <system_error>

#include "common/log.hpp"

namespace xvrrp::bpf {

RingBuffer::RingBuffer(int map_fd) {
  rb_ = ring_buffer__new(map_fd, &RingBuffer::on_sample, this, nullptr);
  if (rb_ == nullptr) {
    throw std::system_error(errno, std::generic_category(), "ring_buffer__new(xvrrp_events)");
  }
}

RingBuffer::~RingBuffer() { ring_buffer__free(rb_); }

int RingBuffer::epoll_fd() const { return ring_buffer__epoll_fd(rb_); }

std::size_t RingBuffer::consume(const Callback& cb) {
  const RecordCallback wrap = [&cb](const xvrrp_advert_event& ev, std::span<const std::uint8_t>) {
    cb(ev);
  };
  return consume(wrap);
}

std::size_t RingBuffer::consume(const RecordCallback& cb) {
  cb_ = &cb;
  delivered_ = 0;
  int rc = ring_buffer__consume(rb_);
  cb_ = nullptr;
  if (rc < 0) throw std::system_error(-rc, std::generic_category(), "ring_buffer__consume");
  return delivered_;
}

int RingBuffer::on_sample(void* ctx, void* data, std::size_t size) {
  auto* self = static_cast<RingBuffer*>(ctx);
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  constexpr std::size_t kEv = sizeof(xvrrp_advert_event);
  constexpr std::size_t kHdr = kEv + sizeof(xvrrp_payload_hdr);
  // The record lives in the ring's memory; copy so the callback may keep it.
  xvrrp_advert_event ev{};
  std::span<const std::uint8_t> payload;
  bool ok = size >= kEv;
  if (ok) {
    __builtin_memcpy(&ev, bytes, kEv);
    if ((ev.flags & XVRRP_EVT_PAYLOAD) == 0) {
      ok = size == kEv;
    } else if (size >= kHdr) {
      xvrrp_payload_hdr ph{};
      __builtin_memcpy(&ph, bytes + kEv, sizeof ph);
      ok = size == kHdr + ph.len && ph.msg_len <= ph.len;
      payload = {bytes + kHdr, ph.len};
    } else {
      ok = false;
    }
  }
  if (!ok) {
    if (self->bad_records_++ == 0) {
      XLOG_ERROR(
          "xvrrp_events: record of %zu bytes does not match its header (BPF object/daemon ABI "
          "mismatch)",
          size);
    }
    return 0;
  }
  ++self->delivered_;
  if (self->cb_ != nullptr) (*self->cb_)(ev, payload);
  return 0;
}

}  // namespace xvrrp::bpf
