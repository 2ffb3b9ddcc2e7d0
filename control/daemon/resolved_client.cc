#include "control/daemon/resolved_client.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstdint>
#include <cstring>

namespace uclink::control {
namespace {

constexpr const char* kResolve1 = "org.freedesktop.resolve1";
constexpr const char* kResolve1Path = "/org/freedesktop/resolve1";
constexpr const char* kManager = "org.freedesktop.resolve1.Manager";
constexpr const char* kOwnerMatch =
    "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
    "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='org.freedesktop.resolve1'";
// A bus that was not there (or went away) is looked for again this often.
constexpr auto kReconnectEvery = std::chrono::seconds(5);
// sd_bus_process calls per turn of the loop, so a flood of messages cannot starve the others.
constexpr int kProcessPerTurn = 64;

std::string Errno(int negative) { return std::strerror(-negative); }

std::uint64_t MonotonicMicroseconds() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000u +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

// A method call to resolved's manager object, or nullptr.
sd_bus_message* NewManagerCall(sd_bus* bus, const char* member) {
  sd_bus_message* message = nullptr;
  if (sd_bus_message_new_method_call(bus, &message, kResolve1, kResolve1Path, kManager, member) <
      0) {
    return nullptr;
  }
  return message;
}

// SetLinkDNS(i ifindex, a(iay) addresses).
sd_bus_message* SetLinkDns(sd_bus* bus, const ResolvedLinkSettings& settings) {
  sd_bus_message* m = NewManagerCall(bus, "SetLinkDNS");
  if (m == nullptr) return nullptr;
  bool ok = sd_bus_message_append(m, "i", settings.ifindex) >= 0 &&
            sd_bus_message_open_container(m, 'a', "(iay)") >= 0;
  for (const auto& server : settings.servers) {
    ok = ok && sd_bus_message_open_container(m, 'r', "iay") >= 0 &&
         sd_bus_message_append(m, "i", AF_INET) >= 0 &&
         sd_bus_message_append_array(m, 'y', server.data(), server.size()) >= 0 &&
         sd_bus_message_close_container(m) >= 0;
  }
  for (const auto& server : settings.servers6) {
    ok = ok && sd_bus_message_open_container(m, 'r', "iay") >= 0 &&
         sd_bus_message_append(m, "i", AF_INET6) >= 0 &&
         sd_bus_message_append_array(m, 'y', server.data(), server.size()) >= 0 &&
         sd_bus_message_close_container(m) >= 0;
  }
  ok = ok && sd_bus_message_close_container(m) >= 0;
  if (!ok) return sd_bus_message_unref(m);
  return m;
}

// SetLinkDomains(i ifindex, a(sb) domains): (name, routing-only); every one of ours is
// routing-only (org.freedesktop.resolve1(5)).
sd_bus_message* SetLinkDomains(sd_bus* bus, const ResolvedLinkSettings& settings) {
  sd_bus_message* m = NewManagerCall(bus, "SetLinkDomains");
  if (m == nullptr) return nullptr;
  bool ok = sd_bus_message_append(m, "i", settings.ifindex) >= 0 &&
            sd_bus_message_open_container(m, 'a', "(sb)") >= 0;
  for (const std::string& domain : settings.routing_domains) {
    ok = ok && sd_bus_message_append(m, "(sb)", domain.c_str(), 1) >= 0;
  }
  ok = ok && sd_bus_message_close_container(m) >= 0;
  if (!ok) return sd_bus_message_unref(m);
  return m;
}

sd_bus_message* WithIfindex(sd_bus_message* m, int ifindex) {
  if (m != nullptr && sd_bus_message_append(m, "i", ifindex) < 0) return sd_bus_message_unref(m);
  return m;
}

}  // namespace

// The calls of one Apply/Revert: `done` runs once the last is answered.
struct ResolvedClient::Batch {
  int remaining = 0;
  std::string first_error;
  Done done;
};

ResolvedClient::ResolvedClient(boost::asio::io_context& io, std::chrono::milliseconds call_timeout)
    : io_(io), call_timeout_(call_timeout), timeout_timer_(io), reconnect_timer_(io) {}

ResolvedClient::~ResolvedClient() {
  *alive_ = 1;
  alive_.reset();
  // Pending calls end here without their callbacks (nothing is left to tell).
  for (PendingCall& call : calls_) sd_bus_slot_unref(call.slot);
  calls_.clear();
  if (fd_) fd_->release();  // the descriptor is sd-bus's
  if (match_slot_) sd_bus_slot_unref(match_slot_);
  if (bus_) sd_bus_close_unref(bus_);
}

bool ResolvedClient::Start(std::string* why) {
  if (Connect(why)) return true;
  SetPresent(false);
  ScheduleReconnect();
  return false;
}

bool ResolvedClient::Connect(std::string* why) {
  const int r = sd_bus_open_system(&bus_);
  if (r < 0) {
    bus_ = nullptr;
    const std::string load = SdBusLoadError();
    if (why) *why = load.empty() ? "system bus: " + Errno(r) : load;
    return false;
  }
  const int fd = sd_bus_get_fd(bus_);
  if (fd < 0) {
    if (why) *why = "system bus descriptor: " + Errno(fd);
    bus_ = sd_bus_close_unref(bus_);
    return false;
  }
  fd_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd);
  // The match first, then the question: an owner change between the two cannot be missed.
  if (int m =
          sd_bus_add_match_async(bus_, &match_slot_, kOwnerMatch, &OnOwnerChanged, nullptr, this);
      m < 0) {
    if (why) *why = "NameOwnerChanged match: " + Errno(m);
    Disconnect("");
    return false;
  }
  sd_bus_message* ask = nullptr;
  if (sd_bus_message_new_method_call(bus_, &ask, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner") < 0 ||
      sd_bus_message_append(ask, "s", kResolve1) < 0 ||
      sd_bus_call_async(bus_, nullptr, ask, &OnHasOwner, this,
                        static_cast<std::uint64_t>(call_timeout_.count()) * 1000u) < 0) {
    if (ask) sd_bus_message_unref(ask);
    if (why) *why = "NameHasOwner could not be sent";
    Disconnect("");
    return false;
  }
  sd_bus_message_unref(ask);
  Pump();
  return true;
}

void ResolvedClient::Disconnect(const std::string& why) {
  if (!why.empty())
    spdlog::warn("resolved: system bus lost: {}; retrying every {} s", why,
                 kReconnectEvery.count());
  // Every call in flight fails now, so its owner hears about it (Finish only posts).
  for (PendingCall& call : calls_) {
    call.slot = sd_bus_slot_unref(call.slot);
    Finish(&call, call.what + ": the system bus connection was lost");
  }
  calls_.clear();
  read_waiting_ = write_waiting_ = false;
  if (fd_) {
    fd_->cancel();
    fd_->release();
    fd_.reset();
  }
  timeout_timer_.cancel();
  if (match_slot_) match_slot_ = sd_bus_slot_unref(match_slot_);
  if (bus_) bus_ = sd_bus_close_unref(bus_);
  SetPresent(false);
  ScheduleReconnect();
}

void ResolvedClient::ScheduleReconnect() {
  reconnect_timer_.expires_after(kReconnectEvery);
  reconnect_timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
        if (ec || alive.expired() || bus_) return;
        std::string why;
        if (Connect(&why)) {
          spdlog::info("resolved: connected to the system bus");
        } else {
          ScheduleReconnect();
        }
      });
}

void ResolvedClient::SetPresent(bool present) {
  const bool changed = present_ != present;
  present_ = present;
  if (!changed && !present) return;  // "appeared" is reported every time: a new instance
  boost::asio::post(io_, [this, present, alive = std::weak_ptr<int>(alive_)] {
    if (!alive.expired() && on_presence_) on_presence_(present);
  });
}

int ResolvedClient::OnHasOwner(sd_bus_message* reply, void* userdata, sd_bus_error*) {
  auto* self = static_cast<ResolvedClient*>(userdata);
  int has_owner = 0;
  if (sd_bus_message_get_error(reply) != nullptr ||
      sd_bus_message_read(reply, "b", &has_owner) < 0) {
    has_owner = 0;  // no answer from the bus is no resolved we could use
  }
  if (has_owner) {
    self->CheckOwnerNamespace();
  } else if (!self->present_) {  // a NameOwnerChanged that came first already told the truth
    self->SetPresent(false);
  }
  return 0;
}

int ResolvedClient::OnOwnerChanged(sd_bus_message* message, void* userdata, sd_bus_error*) {
  auto* self = static_cast<ResolvedClient*>(userdata);
  const char* name = nullptr;
  const char* old_owner = nullptr;
  const char* new_owner = nullptr;
  if (sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0) return 0;
  if (name == nullptr || std::strcmp(name, kResolve1) != 0) return 0;
  const bool present = new_owner != nullptr && *new_owner != '\0';
  spdlog::info("resolved: {} ({} → {})", present ? "on the system bus" : "left the system bus",
               old_owner && *old_owner ? old_owner : "-", present ? new_owner : "-");
  if (present) {
    self->CheckOwnerNamespace();
  } else {
    self->SetPresent(false);
  }
  return 0;
}

void ResolvedClient::CheckOwnerNamespace() {
  sd_bus_message* ask = nullptr;
  if (sd_bus_message_new_method_call(bus_, &ask, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "GetConnectionUnixProcessID") < 0 ||
      sd_bus_message_append(ask, "s", kResolve1) < 0 ||
      sd_bus_call_async(bus_, nullptr, ask, &OnOwnerPid, this,
                        static_cast<std::uint64_t>(call_timeout_.count()) * 1000u) < 0) {
    spdlog::warn("resolved: cannot ask for its pid; not used");
    SetPresent(false);
  }
  if (ask) sd_bus_message_unref(ask);
}

int ResolvedClient::OnOwnerPid(sd_bus_message* reply, void* userdata, sd_bus_error*) {
  auto* self = static_cast<ResolvedClient*>(userdata);
  std::uint32_t pid = 0;
  if (sd_bus_message_get_error(reply) != nullptr || sd_bus_message_read(reply, "u", &pid) < 0) {
    // Gone again meanwhile, or the bus would not say: its NameOwnerChanged follows if gone.
    spdlog::warn("resolved: the bus did not give its pid; not used");
    self->SetPresent(false);
    return 0;
  }
  char ours[64] = {}, theirs[64] = {};
  const std::string their_path = "/proc/" + std::to_string(pid) + "/ns/net";
  const ssize_t a = ::readlink("/proc/self/ns/net", ours, sizeof ours - 1);
  const ssize_t b = ::readlink(their_path.c_str(), theirs, sizeof theirs - 1);
  const bool same = a > 0 && b > 0 && std::strcmp(ours, theirs) == 0;
  if (!same) {
    spdlog::warn(
        "resolved (pid {}) runs in another network namespace ({} vs our {}): it cannot "
        "see our interface; not used",
        pid, b > 0 ? theirs : "unknown", a > 0 ? ours : "unknown");
  }
  self->SetPresent(same);
  return 0;
}

void ResolvedClient::Apply(const ResolvedLinkSettings& settings, Done done) {
  auto batch = std::make_shared<Batch>();
  batch->done = std::move(done);
  if (!bus_) {
    boost::asio::post(io_, [batch] { batch->done("the system bus is not connected"); });
    return;
  }
  batch->remaining = 3;
  // One connection keeps the order of its messages: resolved sees the servers first.
  Send(SetLinkDns(bus_, settings), "SetLinkDNS", batch);
  Send(SetLinkDomains(bus_, settings), "SetLinkDomains", batch);
  sd_bus_message* route =
      WithIfindex(NewManagerCall(bus_, "SetLinkDefaultRoute"), settings.ifindex);
  if (route != nullptr && sd_bus_message_append(route, "b", settings.default_route ? 1 : 0) < 0) {
    route = sd_bus_message_unref(route);
  }
  Send(route, "SetLinkDefaultRoute", batch);
  Pump();
}

void ResolvedClient::Revert(int ifindex, Done done) {
  auto batch = std::make_shared<Batch>();
  batch->done = std::move(done);
  if (!bus_) {
    boost::asio::post(io_, [batch] { batch->done("the system bus is not connected"); });
    return;
  }
  batch->remaining = 1;
  Send(WithIfindex(NewManagerCall(bus_, "RevertLink"), ifindex), "RevertLink", batch);
  Pump();
}

void ResolvedClient::Send(sd_bus_message* message, const std::string& what,
                          const std::shared_ptr<Batch>& batch) {
  calls_.push_back(PendingCall{this, what, batch});
  PendingCall* call = &calls_.back();
  if (message == nullptr) {
    Finish(call, what + ": the message could not be built");
    return;
  }
  // The bound of every call: sd-bus answers it with a timeout error past call_timeout_.
  const int r = sd_bus_call_async(bus_, &call->slot, message, &OnReply, call,
                                  static_cast<std::uint64_t>(call_timeout_.count()) * 1000u);
  sd_bus_message_unref(message);
  if (r < 0) Finish(call, what + ": " + Errno(r));
}

int ResolvedClient::OnReply(sd_bus_message* reply, void* userdata, sd_bus_error*) {
  auto* call = static_cast<PendingCall*>(userdata);
  std::string error;
  if (const sd_bus_error* e = sd_bus_message_get_error(reply); e != nullptr) {
    error =
        call->what + ": " + (e->name ? e->name : "error") + ": " + (e->message ? e->message : "");
  }
  call->client->Finish(call, error);
  return 0;
}

void ResolvedClient::Finish(PendingCall* call, const std::string& error) {
  if (call->finished) return;
  call->finished = true;
  Batch& batch = *call->batch;
  if (batch.first_error.empty()) batch.first_error = error;
  if (--batch.remaining > 0) return;
  // Posted: the owner may call Apply/Revert again, or destroy us, and we may be inside sd-bus.
  boost::asio::post(io_, [batch = call->batch, alive = std::weak_ptr<int>(alive_)] {
    if (!alive.expired()) batch->done(batch->first_error);
  });
}

void ResolvedClient::Pump() {
  if (!bus_) return;
  for (int i = 0; i < kProcessPerTurn; ++i) {
    const int r = sd_bus_process(bus_, nullptr);
    if (r < 0) {
      Disconnect(Errno(r));
      return;
    }
    if (r == 0) break;
    if (i == kProcessPerTurn - 1) {
      boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
        if (!alive.expired()) Pump();
      });
    }
  }
  // Answered calls leave the list here, outside sd-bus's dispatch.
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (it->finished) {
      sd_bus_slot_unref(it->slot);
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
  Arm();
}

void ResolvedClient::Arm() {
  if (!bus_ || !fd_) return;
  const int events = sd_bus_get_events(bus_);
  if (events < 0) {
    Disconnect(Errno(events));
    return;
  }
  const std::weak_ptr<int> alive = alive_;
  if ((events & POLLIN) && !read_waiting_) {
    read_waiting_ = true;
    fd_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this, alive](boost::system::error_code ec) {
                      if (alive.expired()) return;
                      read_waiting_ = false;
                      if (!ec) Pump();
                    });
  }
  if ((events & POLLOUT) && !write_waiting_) {
    write_waiting_ = true;
    fd_->async_wait(boost::asio::posix::stream_descriptor::wait_write,
                    [this, alive](boost::system::error_code ec) {
                      if (alive.expired()) return;
                      write_waiting_ = false;
                      if (!ec) Pump();
                    });
  }
  std::uint64_t deadline = UINT64_MAX;
  if (sd_bus_get_timeout(bus_, &deadline) < 0 || deadline == UINT64_MAX) {
    timeout_timer_.cancel();
    return;
  }
  const std::uint64_t now = MonotonicMicroseconds();
  timeout_timer_.expires_after(std::chrono::microseconds(deadline > now ? deadline - now : 0));
  timeout_timer_.async_wait([this, alive](boost::system::error_code ec) {
    if (!ec && !alive.expired()) Pump();
  });
}

}  // namespace uclink::control
