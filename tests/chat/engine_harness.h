// EngineHarness: drives an AtEngine with a fake clock and records what it asks for.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chat/at_engine.h"

namespace uclink::chat::testing {

class EngineHarness {
 public:
  explicit EngineHarness(AtEngineOptions options = {}) : engine(std::move(options)) {}

  CommandId Submit(std::string text) { return Submit(AtCommand::FromText(std::move(text))); }
  CommandId Submit(AtCommand command) {
    const CommandId id = engine.Submit(std::move(command));
    Drain();
    return id;
  }
  // Submits with the current time, so the timeout also covers the write.
  CommandId SubmitNow(std::string text) {
    const CommandId id = engine.Submit(AtCommand::FromText(std::move(text)), now);
    Drain();
    return id;
  }
  // Completes the pending write (the shell's write handler).
  void Written() {
    engine.OnWritten(now);
    Drain();
  }
  // Bytes from the module; in data mode they go to the data consumer, as the shell would do.
  void Feed(std::string_view bytes) {
    if (in_data_mode) {
      if (drop_leading_lf && !bytes.empty()) {
        drop_leading_lf = false;
        if (bytes.front() == '\n') bytes.remove_prefix(1);
      }
      data.append(bytes);
      return;
    }
    engine.OnBytes(bytes, now);
    Drain();
  }
  // Moves the fake clock; fires the timer when its deadline is reached.
  void Advance(Duration step) {
    now += step;
    if (timer && *timer <= now) {
      timer.reset();
      engine.OnTimer(now);
      Drain();
    }
  }
  // The data consumer hands the port back.
  void Resume() {
    in_data_mode = false;
    engine.ResumeCommandMode(now);
    Drain();
  }
  // The port closed.
  void Close() {
    engine.OnClosed();
    Drain();
  }
  // Sends each written command straight away (a fast port).
  void WriteAll() {
    while (pending_writes > 0) {
      --pending_writes;
      Written();
    }
  }

  const AtReply* Reply(CommandId id) const {
    const auto it = replies.find(id);
    return it == replies.end() ? nullptr : &it->second;
  }

  TimePoint now{};
  AtEngine engine;
  std::vector<std::string> writes;
  int pending_writes = 0;
  std::map<CommandId, AtReply> replies;
  std::vector<CommandId> completion_order;
  std::map<CommandId, bool> data_mode_at_reply;  // whether the hand-over came before the reply
  std::vector<Urc> urcs;
  std::optional<TimePoint> timer;
  bool in_data_mode = false;
  bool drop_leading_lf = false;
  std::string data;  // leftover + later bytes, as the data consumer sees them

 private:
  void Drain() {
    for (AtAction& action : engine.TakeActions()) {
      if (auto* write = std::get_if<WriteAction>(&action)) {
        writes.push_back(write->bytes);
        ++pending_writes;
      } else if (auto* set = std::get_if<SetTimerAction>(&action)) {
        timer = set->deadline;
      } else if (std::holds_alternative<CancelTimerAction>(action)) {
        timer.reset();
      } else if (auto* complete = std::get_if<CompleteAction>(&action)) {
        completion_order.push_back(complete->id);
        data_mode_at_reply[complete->id] = in_data_mode;
        replies[complete->id] = std::move(complete->reply);
      } else if (auto* urc = std::get_if<UrcAction>(&action)) {
        urcs.push_back(std::move(urc->urc));
      } else if (auto* enter = std::get_if<EnterDataModeAction>(&action)) {
        in_data_mode = true;
        data = enter->leftover;
        drop_leading_lf = enter->drop_leading_lf;
      }
    }
  }
};

}  // namespace uclink::chat::testing
