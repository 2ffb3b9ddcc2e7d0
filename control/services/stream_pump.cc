#include "control/services/stream_pump.h"

#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <chrono>

namespace uclink::control::services {

StreamPump::StreamPump(boost::asio::io_context& io, int in_fd, int idle_ms, ChunkHandler on_chunk,
                       Handler on_idle)
    : in_(io),
      idle_(io),
      idle_ms_(idle_ms),
      on_chunk_(std::move(on_chunk)),
      on_idle_(std::move(on_idle)) {
  // A duplicate: closing ours must not close the caller's descriptor (stdin).
  boost::system::error_code ignored;
  in_.assign(::dup(in_fd), ignored);
}

StreamPump::~StreamPump() {
  boost::system::error_code ignored;
  in_.close(ignored);
  idle_.cancel();
}

void StreamPump::ReadNext() {
  if (input_ended_ || reading_) return;
  reading_ = true;
  std::weak_ptr<int> alive = alive_;
  in_.async_read_some(boost::asio::buffer(buffer_),
                      [this, alive](const boost::system::error_code& error, std::size_t n) {
                        if (alive.expired()) return;
                        reading_ = false;
                        if (error || n == 0) {
                          input_ended_ = true;
                          return ArmIdle();
                        }
                        on_chunk_(std::string(buffer_.data(), n));
                      });
}

void StreamPump::Activity() {
  if (input_ended_) ArmIdle();
}

void StreamPump::ArmIdle() {
  idle_.expires_after(std::chrono::milliseconds(idle_ms_));
  std::weak_ptr<int> alive = alive_;
  idle_.async_wait([this, alive](const boost::system::error_code& error) {
    if (error || alive.expired()) return;
    on_idle_();
  });
}

}  // namespace uclink::control::services
