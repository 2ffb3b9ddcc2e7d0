// A driver for ConnectionManager tests: a fake clock, the last AT command sent, and helpers that
// play the module's part of a script. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/manager/connection_manager.h"

namespace uclink::control::testing {

using namespace std::chrono_literals;

class ManagerDriver {
 public:
  ManagerDriver() { options.config.network.apn = "cmnet"; }

  void Start() { manager = std::make_unique<ConnectionManager>(options, now); }

  std::vector<Action> Feed(Event event) {
    std::vector<Action> actions = manager->Handle(std::move(event), now);
    for (const Action& action : actions) {
      if (const auto* at = std::get_if<act::SendAt>(&action)) queue_.push_back(*at);
      all.push_back(action);
    }
    last = actions;
    return actions;
  }

  /// Moves the fake clock forward, firing every timer that falls due on the way, in order.
  void Advance(Clock::duration by) {
    const Clock::time_point target = now + by;
    while (true) {
      std::optional<Clock::time_point> next = manager->NextDeadline();
      if (!next || *next > target) break;
      now = std::max(now, *next);
      Feed(ev::Tick{});
    }
    now = target;
  }

  /// The oldest AT command not yet answered (the AT channel answers in order), if any.
  std::optional<act::SendAt> at() const {
    return queue_.empty() ? std::nullopt : std::optional(queue_.front());
  }
  std::string AtCommand() const { return queue_.empty() ? "(none)" : queue_.front().command; }
  std::size_t PendingAtCount() const { return queue_.size(); }

  /// Answers the oldest pending AT command.
  std::vector<Action> Reply(AtOutcome outcome, std::vector<std::string> info = {}, int code = 0) {
    EXPECT_FALSE(queue_.empty()) << "no AT command is pending";
    if (queue_.empty()) return {};
    ev::AtDone done{queue_.front().id, outcome, code, std::move(info)};
    queue_.pop_front();
    return Feed(done);
  }

  /// Expects `command` to be pending and answers it.
  void Expect(const std::string& command, AtOutcome outcome, std::vector<std::string> info = {},
              int code = 0) {
    ASSERT_EQ(AtCommand(), command);
    Reply(outcome, std::move(info), code);
  }

  /// Plays a module that answers the init script (after a probe).
  void AnswerProbeAndInit() {
    AnswerProbeAndInitUpToTheContext();
    Expect("AT+CGDCONT=1,\"IP\",\"cmnet\"", chat::FinalKind::kOk);
    Expect("AT+CGREG=1", chat::FinalKind::kOk);
  }

  /// The probe and the init script up to (not including) AT+CGDCONT: radio on, identity read,
  /// AT+CIMI answered with `imsi`.
  void AnswerProbeAndInitUpToTheContext(const std::string& imsi = "460001234567890") {
    Expect("AT", chat::FinalKind::kOk);
    Expect("ATE0", chat::FinalKind::kOk);
    Expect("AT+CMEE=1", chat::FinalKind::kOk);
    Expect("AT+CFUN=1", chat::FinalKind::kOk);
    Expect("AT+CGMI", chat::FinalKind::kOk, {"UNICORE"});
    Expect("AT+CGMM", chat::FinalKind::kOk, {"UC8088"});
    Expect("AT+CGMR", chat::FinalKind::kOk, {"V1.0"});
    Expect("AT+CGSN", chat::FinalKind::kOk, {"861234567890123"});
    Expect("AT+CIMI", chat::FinalKind::kOk, {imsi});
  }

  /// The CGREG? poll answered "registered, home" (the daemon decodes the line into the event).
  void AnswerRegistered(int stat = 1) {
    ASSERT_EQ(AtCommand(), "AT+CGREG?");
    Feed(ev::Registration{stat, "3342", "7A1"});
    Reply(chat::FinalKind::kOk);
  }

  /// Attach script: one CSQ reading, then AT+CGATT=1.
  void AnswerAttach() {
    ASSERT_EQ(AtCommand(), "AT+CSQ");
    Feed(ev::Signal{21, 99});
    Reply(chat::FinalKind::kOk);
    Expect("AT+CGATT=1", chat::FinalKind::kOk);
  }

  /// From idle through a connect request, the probe, the init, registration and the attach.
  void ConnectUntilAttached() {
    Feed(ev::UserConnect{});
    AnswerProbeAndInit();
    AnswerRegistered();
    AnswerAttach();
  }

  /// From idle to kNegotiatingPpp.
  void ConnectUntilConnect() {
    ConnectUntilAttached();
    Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
  }

  /// connection.mode = "inband": from a new manager to kOnlineInband (AT+CGACT=1).
  void BringOnlineInband() {
    options.config.connection.mode = ModeChoice::kInband;
    Start();
    ConnectUntilAttached();
    Expect("AT+CGACT=1,1", chat::FinalKind::kOk);
  }

  /// From idle to kOnline.
  void BringOnline() {
    ConnectUntilConnect();
    Feed(ev::PppUp{"uclink0", "10.0.2.15", "10.0.2.2", {"10.0.2.3"}, 1500});
  }

  /// Online → NO CARRIER → back-off (5 s) → the redial → kOnline again.
  void DropAndRedial() {
    Feed(ev::PppDown{"NO CARRIER", true});
    Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
    Advance(std::chrono::seconds(5));
    AnswerProbeAndInit();
    AnswerRegistered();
    AnswerAttach();
    Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
    Feed(ev::PppUp{"uclink0", "10.0.2.15", "10.0.2.2", {"10.0.2.3"}, 1500});
  }

  template <typename T>
  bool Emitted(const std::vector<Action>& actions) const {
    return std::any_of(actions.begin(), actions.end(),
                       [](const Action& a) { return std::holds_alternative<T>(a); });
  }
  template <typename T>
  bool EmittedLast() const {
    return Emitted<T>(last);
  }
  template <typename T>
  int Count() const {
    return static_cast<int>(std::count_if(
        all.begin(), all.end(), [](const Action& a) { return std::holds_alternative<T>(a); }));
  }

  State state() const { return manager->state(); }
  api::Status status() const { return manager->Snapshot(now, 1'800'000'000); }

  ManagerOptions options;
  Clock::time_point now = Clock::time_point{} + 1000h;
  std::unique_ptr<ConnectionManager> manager;
  std::vector<Action> last;
  std::vector<Action> all;

 private:
  std::deque<act::SendAt> queue_;
};

}  // namespace uclink::control::testing
