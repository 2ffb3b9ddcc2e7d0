// One write in flight with a queue behind it (the Asio chat example's pattern), bounded so a
// reader that never reads cannot make the simulator grow without limit.
#pragma once

#include <boost/asio.hpp>
#include <deque>
#include <memory>
#include <string>
#include <utility>

namespace uclink::sim {

/// Serialises async writes to one stream. Bytes beyond kMaxQueued are dropped (and counted).
/// The queue may be destroyed with a write in flight: the handler owns the queued buffers.
template <typename Stream>
class WriteQueue {
 public:
  static constexpr std::size_t kMaxQueued = 1 << 20;

  explicit WriteQueue(Stream& stream) : state_(std::make_shared<State>(stream)) {}
  ~WriteQueue() { state_->alive = false; }
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  /// Queues `bytes` behind earlier writes.
  void Write(std::string bytes) {
    State& s = *state_;
    if (bytes.empty()) return;
    if (s.queued + bytes.size() > kMaxQueued) {
      s.dropped += bytes.size();
      return;
    }
    s.queued += bytes.size();
    s.queue.push_back(std::move(bytes));
    if (s.queue.size() == 1) Next(state_);
  }
  /// Bytes dropped because the reader fell more than kMaxQueued behind.
  std::size_t dropped() const { return state_->dropped; }

 private:
  struct State {
    explicit State(Stream& s) : stream(s) {}
    Stream& stream;
    std::deque<std::string> queue;
    std::size_t queued = 0;
    std::size_t dropped = 0;
    bool alive = true;
  };

  static void Next(const std::shared_ptr<State>& state) {
    boost::asio::async_write(state->stream, boost::asio::buffer(state->queue.front()),
                             [state](const boost::system::error_code& error, std::size_t) {
                               state->queued -= state->queue.front().size();
                               state->queue.pop_front();
                               if (error || !state->alive) {
                                 state->queue.clear();
                                 state->queued = 0;
                                 return;
                               }
                               if (!state->queue.empty()) Next(state);
                             });
  }

  std::shared_ptr<State> state_;
};

}  // namespace uclink::sim
