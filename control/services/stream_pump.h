// Shared plumbing of the nc-like commands in both modes: reads the user's input descriptor one
// chunk at a time (the next read starts once the previous chunk was sent: flow control), and an
// idle timer that ends the exchange once input is over and nothing arrived for a while.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>

namespace uclink::control::services {

class StreamPump {
 public:
  using ChunkHandler = std::function<void(std::string)>;
  using Handler = std::function<void()>;

  // `on_chunk` gets each chunk read; `on_idle` runs once input ended and `idle_ms` passed with no
  // Activity().
  StreamPump(boost::asio::io_context& io, int in_fd, int idle_ms, ChunkHandler on_chunk,
             Handler on_idle);
  ~StreamPump();

  // Reads the next chunk (call once to start, then after each chunk was sent).
  void ReadNext();
  // Data arrived: restart the idle timer.
  void Activity();
  bool input_ended() const { return input_ended_; }

 private:
  void ArmIdle();

  boost::asio::posix::stream_descriptor in_;
  boost::asio::steady_timer idle_;
  int idle_ms_;
  ChunkHandler on_chunk_;
  Handler on_idle_;
  std::array<char, 1024> buffer_{};
  bool input_ended_ = false;
  bool reading_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::control::services
