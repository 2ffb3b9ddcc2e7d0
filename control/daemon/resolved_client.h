// uclinkd's client of systemd-resolved (org.freedesktop.resolve1, see org.freedesktop.resolve1(5))
// over the system bus with sd-bus. The bus descriptor joins the daemon's one io_context
// (sd_bus_get_events / sd_bus_get_timeout tell what to wait for, sd_bus_process does the work),
// so no call ever blocks the loop, and every call carries its own bound: a call that is never
// answered ends in a timeout error. It also watches the owner of the resolve1 name
// (NameOwnerChanged), so a restarted resolved is noticed at once and the link's settings can be
// put back (docs/system-integration.md, "DNS").
#pragma once

#include <systemd/sd-bus.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "control/daemon/dns_policy.h"

namespace uclink::control {

/// Why libsystemd could not be loaded, or "" (control/daemon/lazy_sdbus.cc).
std::string SdBusLoadError();

class ResolvedClient {
 public:
  /// "" on success, otherwise what failed ("SetLinkDNS: org.freedesktop.DBus.Error...: ...").
  using Done = std::function<void(const std::string& error)>;

  ResolvedClient(boost::asio::io_context& io, std::chrono::milliseconds call_timeout);
  ~ResolvedClient();
  ResolvedClient(const ResolvedClient&) = delete;
  ResolvedClient& operator=(const ResolvedClient&) = delete;

  /// Connects to the system bus and starts watching org.freedesktop.resolve1. False (with
  /// `why`) when there is no bus or no libsystemd; the client then reports resolved absent and
  /// tries the bus again every `retry` (a bus that starts after uclinkd).
  bool Start(std::string* why);
  /// Called (from the io_context, never from inside sd-bus) when resolved appears (true: a new
  /// instance, whose settings are empty) or disappears (false).
  void set_on_presence(std::function<void(bool present)> on_presence) {
    on_presence_ = std::move(on_presence);
  }
  /// Whether resolved owns its name; nullopt until the bus has answered.
  std::optional<bool> present() const { return present_; }

  /// SetLinkDNS, SetLinkDomains and SetLinkDefaultRoute for `settings`; `done` once all three
  /// are answered (or timed out), with the first error.
  void Apply(const ResolvedLinkSettings& settings, Done done);
  /// RevertLink: resolved forgets what uclink set on the link.
  void Revert(int ifindex, Done done);

 private:
  struct Batch;
  struct PendingCall {
    ResolvedClient* client = nullptr;
    std::string what;
    std::shared_ptr<Batch> batch;
    sd_bus_slot* slot = nullptr;
    bool finished = false;
  };

  static int OnReply(sd_bus_message* reply, void* userdata, sd_bus_error* error);
  static int OnOwnerChanged(sd_bus_message* message, void* userdata, sd_bus_error* error);
  static int OnHasOwner(sd_bus_message* reply, void* userdata, sd_bus_error* error);
  static int OnOwnerPid(sd_bus_message* reply, void* userdata, sd_bus_error* error);

  /// resolved is on the bus: it counts as present only if it shares our network namespace
  /// (a resolved elsewhere — the host's, seen from a namespaced uclinkd — would apply our
  /// interface index to one of its own links). Asks the bus for its pid, then compares.
  void CheckOwnerNamespace();
  bool Connect(std::string* why);
  void Disconnect(const std::string& why);
  void ScheduleReconnect();
  /// Sends `message` (consumed) as one call of `batch`.
  void Send(sd_bus_message* message, const std::string& what, const std::shared_ptr<Batch>& batch);
  void Finish(PendingCall* call, const std::string& error);
  void SetPresent(bool present);
  /// sd_bus_process until idle (bounded per turn), then Arm().
  void Pump();
  void Arm();

  boost::asio::io_context& io_;
  std::chrono::milliseconds call_timeout_;
  sd_bus* bus_ = nullptr;
  sd_bus_slot* match_slot_ = nullptr;
  std::unique_ptr<boost::asio::posix::stream_descriptor> fd_;
  boost::asio::steady_timer timeout_timer_;
  boost::asio::steady_timer reconnect_timer_;
  bool read_waiting_ = false;
  bool write_waiting_ = false;
  std::list<PendingCall> calls_;
  std::optional<bool> present_;
  std::function<void(bool)> on_presence_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::control
