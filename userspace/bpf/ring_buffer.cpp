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
  cb_ = &cb;
  delivered_ = 0;
  int rc = ring_buffer__consume(rb_);
  cb_ = nullptr;
  if (rc < 0) throw std::system_error(-rc, std::generic_category(), "ring_buffer__consume");
  return delivered_;
}

int RingBuffer::on_sample(void* ctx, void* data, std::size_t size) {
  auto* self = static_cast<RingBuffer*>(ctx);
  if (size != sizeof(xvrrp_advert_event)) {
    if (self->bad_records_++ == 0) {
      XLOG_ERROR("xvrrp_events: record of %zu bytes, expected %zu (BPF object/daemon ABI mismatch)",
                 size, sizeof(xvrrp_advert_event));
    }
    return 0;
  }
  // The record lives in the ring's memory; copy so the callback may keep it.
  xvrrp_advert_event ev;
  __builtin_memcpy(&ev, data, sizeof(ev));
  ++self->delivered_;
  if (self->cb_ != nullptr) (*self->cb_)(ev);
  return 0;
}

}  // namespace xvrrp::bpf
