// The daemon side of the "service" method (docs/control-api.md): runs the pure in-band clients
// of control/inband with services::InbandRunner over the daemon's control-port AtChannel, so
// their commands queue behind and between the manager's own (the channel has one command in
// flight). The channel's one URC handler reaches every running service through OnUrc().
//
// One job per request: it holds one of the module's clients (inband::ClientSlots: one TCP, one
// UDP, one FTP, one HTTP, one MQTT user), streams service.* events on the request's
// connection, and answers the request last. A client that goes away or reads too slowly, a state
// change that ends in-band mode, or a closing port ends the job and releases the module's client
// (AT+IPCLOSE, AT+MQTTDISCONNECT; FTP and HTTP end by themselves, AT+FTPQUIT included).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "chat/at_channel.h"
#include "control/api/service.h"
#include "control/daemon/control_server.h"
#include "control/inband/client_slots.h"
#include "control/manager/events.h"

namespace uclink::control {

/// What the daemon knows about the link when a "service" request arrives.
struct ServiceLink {
  State state = State::kIdle;
  std::string interface;               ///< the PPP interface while online over PPP
  chat::AtChannel* channel = nullptr;  ///< the control port's channel; null while closed
};

/// The control API's error for an in-band failure (inband::Errc → api::Errc).
api::Errc ToApiErrc(const std::error_code& code);

class ServiceHost {
 public:
  explicit ServiceHost(boost::asio::io_context& io);
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  /// A "service" request (authorised): validates, takes the module's client and runs it.
  void Handle(const api::Request& request, ControlServer::Reply reply, const ServiceLink& link);
  /// Every URC of the control port's channel (unrelated ones are ignored by the operations).
  void OnUrc(const chat::Urc& urc);
  /// The manager's state changed: leaving online-inband ends every job with `not-online`.
  void OnStateChanged(State state);
  /// The channel is about to close: every job ends now (call before destroying the channel).
  void DropChannel();
  /// Jobs running or waiting for a client.
  std::size_t jobs() const { return jobs_.size(); }
  /// Payload bytes the module carried for a service (received, sent), as the module reported
  /// them: the data-usage ledger's in-band source (docs/data-budget.md).
  using PayloadObserver = std::function<void(std::uint64_t rx, std::uint64_t tx)>;
  void SetPayloadObserver(PayloadObserver observer) { payload_ = std::move(observer); }

 private:
  class Job;
  friend class Job;

  void Release(Job& job);
  void Forget(std::uint64_t id);
  void CountPayload(std::uint64_t rx, std::uint64_t tx) {
    if (payload_) payload_(rx, tx);
  }

  boost::asio::io_context& io_;
  inband::ClientSlots slots_;
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs_;
  std::uint64_t next_id_ = 1;
  PayloadObserver payload_;
};

}  // namespace uclink::control
