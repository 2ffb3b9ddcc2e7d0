// Drives one in-band Operation through a real chat::AtEngine against a scripted module: each
// step says which bytes the client must write and what the module answers, fed in chunks of
// `chunk` bytes so transcripts can be replayed split at every offset (docs/ARCHITECTURE.md,
// "Design rules: transcripts split at every offset").
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "chat/at_engine.h"
#include "control/inband/operation.h"

namespace uclink::control::inband::testing {

struct Step {
  std::string expect;  // bytes the client writes (command + "\r", or a prompt payload)
  std::string reply;   // what the module answers once they are written
};

class InbandHarness {
 public:
  explicit InbandHarness(Operation& op, std::size_t chunk = 4096) : op_(op), chunk_(chunk) {}
  // Feeds the module's answers in pieces of `chunk` bytes from now on.
  void set_chunk(std::size_t chunk) { chunk_ = chunk; }

  void Script(std::vector<Step> steps) {
    for (Step& s : steps) script_.push_back(std::move(s));
  }
  // Runs until nothing moves.
  void Run() {
    for (int guard = 0; guard < 100000; ++guard) {
      bool moved = false;
      for (Action& action : op_.TakeActions()) {
        moved = true;
        if (auto* submit = std::get_if<SubmitAction>(&action)) {
          engine_.Submit(std::move(submit->command));
        } else {
          events_.push_back(std::move(action));
        }
      }
      for (chat::AtAction& action : engine_.TakeActions()) {
        moved = true;
        Perform(action);
      }
      if (!moved) return;
    }
    ADD_FAILURE() << "the harness did not settle";
  }
  // The module sends `bytes` unprompted (URCs).
  void Inject(std::string_view bytes) {
    Feed(bytes);
    Run();
  }
  void FireTimer() {
    op_.OnTimer(now_);
    Run();
  }

  // Everything the client wrote, in order.
  const std::string& written() const { return written_; }
  bool script_done() const { return script_.empty(); }
  const std::vector<Action>& events() const { return events_; }

  template <typename T>
  std::vector<T> Events() const {
    std::vector<T> out;
    for (const Action& a : events_) {
      if (auto* t = std::get_if<T>(&a)) out.push_back(*t);
    }
    return out;
  }
  std::string Data() const {
    std::string out;
    for (const auto& d : Events<DataAction>()) out += d.bytes;
    return out;
  }
  std::optional<ServiceError> Done() const {
    auto done = Events<DoneAction>();
    if (done.empty()) return std::nullopt;
    return done.back().error;
  }

 private:
  void Feed(std::string_view bytes) {
    for (std::size_t off = 0; off < bytes.size(); off += chunk_) {
      engine_.OnBytes(bytes.substr(off, chunk_), now_);
    }
  }
  void Perform(chat::AtAction& action) {
    if (auto* write = std::get_if<chat::WriteAction>(&action)) {
      written_ += write->bytes;
      pending_ += write->bytes;
      engine_.OnWritten(now_);
      if (script_.empty()) {
        ADD_FAILURE() << "unexpected write: " << pending_;
        pending_.clear();
        return;
      }
      if (pending_ != script_.front().expect) {
        if (!script_.front().expect.starts_with(pending_)) {
          ADD_FAILURE() << "wrote \"" << pending_ << "\", expected \"" << script_.front().expect
                        << "\"";
          pending_.clear();
        }
        return;
      }
      pending_.clear();
      const std::string reply = script_.front().reply;
      script_.pop_front();
      Feed(reply);
    } else if (auto* complete = std::get_if<chat::CompleteAction>(&action)) {
      op_.OnReply(complete->reply, now_);
    } else if (auto* urc = std::get_if<chat::UrcAction>(&action)) {
      op_.OnUrc(urc->urc, now_);
    }
  }

  Operation& op_;
  std::size_t chunk_;
  chat::AtEngine engine_;
  chat::TimePoint now_{};
  std::deque<Step> script_;
  std::string written_;
  std::string pending_;
  std::vector<Action> events_;
};

// Feeding chunk sizes every transcript test replays: 1, 2, 3, 5, 7 and whole.
inline std::vector<std::size_t> ChunkSizes() { return {1, 2, 3, 5, 7, 4096}; }

}  // namespace uclink::control::inband::testing
