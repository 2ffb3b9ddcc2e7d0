// The Asio shell around Module: moves bytes between the pty (and an optional loopback TCP
// client), the PPP peer process and the module, runs the module's timers, serves the control
// socket and writes the transcript. Single thread; no logic of the modem lives here.
#pragma once

#include <boost/asio.hpp>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "sim/control_server.h"
#include "sim/module.h"
#include "sim/peer_process.h"
#include "sim/pty_port.h"
#include "sim/scenario.h"
#include "sim/service_router.h"
#include "sim/transcript_log.h"
#include "sim/write_queue.h"

namespace uclink::sim {

/// Transport and process options (the module's behaviour is in Scenario).
struct SimulatorOptions {
  std::string link;               ///< --link: symlink to the pty slave
  std::string tcp;                ///< --tcp 127.0.0.1:PORT (PORT 0: ephemeral)
  std::string control;            ///< --control: Unix socket path
  std::string log;                ///< --log: transcript file
  std::vector<std::string> peer;  ///< --ppp-peer argv; empty: slirp-fullbolt, fresh HOME
};

/// One running simulator.
class Simulator {
 public:
  Simulator(boost::asio::io_context& io, Scenario scenario, SimulatorOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Opens everything; writes "PTY <path>" (and "TCP <addr>:<port>") lines to `announce`, then
  /// "READY" once the link, the TCP port and the control socket are all in place.
  std::error_code Start(std::ostream& announce);
  /// Stops the peer and closes every endpoint.
  void Stop();

  /// Installs the in-band services (an object with Handles/Execute/Reset), built on the module
  /// as its ServiceHost.
  template <typename Services>
  void InstallServices() {
    auto services = std::make_shared<Services>(io_, module_);
    router_ = std::make_unique<ServiceRouterFor<Services>>(*services);
    services_ = services;
    module_.SetServices(router_.get());
  }

 private:
  using TcpSocket = boost::asio::ip::tcp::socket;

  void Pump();
  void Perform(ModuleAction& action);
  void ArmTimer();
  void ReadPty();
  void AcceptTcp();
  void ReadTcp();
  void Serial(std::string_view bytes);
  void StartPeer();

  boost::asio::io_context& io_;
  SimulatorOptions options_;
  Module module_;
  std::shared_ptr<void> services_;
  std::unique_ptr<ServiceRouter> router_;
  boost::asio::steady_timer timer_;
  std::optional<Module::TimePoint> armed_;
  bool pump_posted_ = false;
  bool stopped_ = false;

  std::unique_ptr<PtyPort> pty_;
  std::unique_ptr<WriteQueue<boost::asio::posix::stream_descriptor>> pty_writes_;
  std::array<char, 4096> pty_buffer_{};
  boost::asio::steady_timer pty_retry_;

  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<TcpSocket> tcp_;
  std::unique_ptr<WriteQueue<TcpSocket>> tcp_writes_;
  std::array<char, 4096> tcp_buffer_{};

  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<TranscriptLog> log_;
  std::shared_ptr<PeerProcess> peer_;
};

}  // namespace uclink::sim
