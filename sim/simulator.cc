#include "sim/simulator.h"

#include <charconv>

#include "sim/errors.h"

namespace uclink::sim {
namespace {

Module::TimePoint Now() { return Module::Clock::now(); }

}  // namespace

Simulator::Simulator(boost::asio::io_context& io, Scenario scenario, SimulatorOptions options)
    : io_(io),
      options_(std::move(options)),
      module_(std::move(scenario), Now()),
      timer_(io),
      pty_retry_(io) {
  module_.SetActionListener([this] {
    if (pump_posted_) return;
    pump_posted_ = true;
    boost::asio::post(io_, [this] {
      pump_posted_ = false;
      Pump();
    });
  });
}

Simulator::~Simulator() { Stop(); }

std::error_code Simulator::Start(std::ostream& announce) {
  std::error_code error;
  if (!options_.log.empty()) {
    log_ = std::make_unique<TranscriptLog>(options_.log, error);
    if (error) return error;
  }
  pty_ = std::make_unique<PtyPort>(io_, error);
  if (error) return error;
  if (!options_.link.empty()) {
    error = pty_->Link(options_.link);
    if (error) return error;
  }
  pty_writes_ = std::make_unique<WriteQueue<boost::asio::posix::stream_descriptor>>(pty_->master());
  announce << "PTY " << pty_->slave_path() << std::endl;
  if (!options_.tcp.empty()) {
    std::size_t colon = options_.tcp.rfind(':');
    unsigned short port = 0;
    boost::system::error_code ec;
    boost::asio::ip::address address;
    if (colon != std::string::npos) {
      address = boost::asio::ip::make_address(options_.tcp.substr(0, colon), ec);
      const char* first = options_.tcp.data() + colon + 1;
      const char* last = options_.tcp.data() + options_.tcp.size();
      if (std::from_chars(first, last, port).ec != std::errc())
        ec = boost::asio::error::invalid_argument;
    }
    // Loopback only: the simulator is a test tool and must not listen on real interfaces.
    if (colon == std::string::npos || ec || !address.is_loopback()) {
      return make_error_code(Errc::kSocketFailed);
    }
    acceptor_ = std::make_unique<boost::asio::ip::tcp::acceptor>(io_);
    boost::asio::ip::tcp::endpoint endpoint(address, port);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(boost::asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(1, ec);
    if (ec) return make_error_code(Errc::kSocketFailed);
    announce << "TCP " << acceptor_->local_endpoint().address().to_string() << ":"
             << acceptor_->local_endpoint().port() << std::endl;
    AcceptTcp();
  }
  if (!options_.control.empty()) {
    control_ = std::make_unique<ControlServer>(io_, [this](std::string_view line) {
      std::string answer = module_.OnControl(line, Now());
      Pump();
      return answer;
    });
    error = control_->Listen(options_.control);
    if (error) return error;
  }
  ReadPty();
  Pump();
  // Last: everything above is in place, so a launcher may use the link, the TCP port and the
  // control socket as soon as it reads this line (docs/simulator.md).
  announce << "READY" << std::endl;
  return {};
}

void Simulator::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (peer_) peer_->Stop();
  peer_.reset();
  timer_.cancel();
  pty_retry_.cancel();
  control_.reset();
  boost::system::error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  if (tcp_) tcp_->close(ignored);
  if (pty_) pty_->master().close(ignored);
}

void Simulator::Pump() {
  if (stopped_) return;
  std::vector<ModuleAction> actions = module_.TakeActions();
  for (ModuleAction& action : actions) Perform(action);
  ArmTimer();
}

void Simulator::Perform(ModuleAction& action) {
  switch (action.kind) {
    case ModuleAction::Kind::kWriteSerial:
      if (log_) log_->Record('>', action.bytes);
      if (tcp_writes_) tcp_writes_->Write(action.bytes);
      pty_writes_->Write(std::move(action.bytes));
      return;
    case ModuleAction::Kind::kStartPeer:
      return StartPeer();
    case ModuleAction::Kind::kWritePeer:
      if (peer_) peer_->Write(action.bytes);
      return;
    case ModuleAction::Kind::kStopPeer:
      if (peer_) peer_->Stop();
      peer_.reset();
      return;
  }
}

void Simulator::StartPeer() {
  if (peer_) peer_->Stop();
  auto peer = std::make_shared<PeerProcess>(
      io_,
      [this](std::string_view bytes) {
        module_.OnPeer(bytes, Now());
        Pump();
      },
      [this] {
        // Deferred: the peer object must not be destroyed inside its own read handler.
        boost::asio::post(io_, [this] {
          peer_.reset();
          module_.OnPeerExit(Now());
          Pump();
        });
      });
  bool fresh_home = options_.peer.empty();
  std::error_code error =
      peer->Start(fresh_home ? DefaultPeerCommand() : options_.peer, fresh_home);
  if (error) {
    module_.OnPeerExit(Now());
    return;
  }
  peer_ = std::move(peer);
}

void Simulator::ArmTimer() {
  std::optional<Module::TimePoint> deadline = module_.NextDeadline();
  if (deadline == armed_) return;
  armed_ = deadline;
  if (!deadline) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*deadline);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error == boost::asio::error::operation_aborted) return;
    armed_.reset();
    module_.OnTimer(Now());
    Pump();
  });
}

void Simulator::Serial(std::string_view bytes) {
  if (log_) log_->Record('<', bytes);
  module_.OnSerial(bytes, Now());
  Pump();
}

void Simulator::ReadPty() {
  pty_->master().async_read_some(
      boost::asio::buffer(pty_buffer_),
      [this](const boost::system::error_code& error, std::size_t n) {
        if (error == boost::asio::error::operation_aborted || stopped_) return;
        if (error) {
          // EIO while no client holds the slave on some kernels: retry shortly.
          pty_retry_.expires_after(std::chrono::milliseconds(100));
          pty_retry_.async_wait([this](const boost::system::error_code& wait_error) {
            if (!wait_error && !stopped_) ReadPty();
          });
          return;
        }
        Serial(std::string_view(pty_buffer_.data(), n));
        ReadPty();
      });
}

void Simulator::AcceptTcp() {
  acceptor_->async_accept([this](const boost::system::error_code& error, TcpSocket socket) {
    if (error == boost::asio::error::operation_aborted || stopped_) return;
    if (!error) {
      // One DTE at a time, like a UART: a new client replaces the old one.
      tcp_writes_.reset();
      tcp_ = std::make_unique<TcpSocket>(std::move(socket));
      tcp_writes_ = std::make_unique<WriteQueue<TcpSocket>>(*tcp_);
      ReadTcp();
    }
    AcceptTcp();
  });
}

void Simulator::ReadTcp() {
  TcpSocket* socket = tcp_.get();
  socket->async_read_some(boost::asio::buffer(tcp_buffer_),
                          [this, socket](const boost::system::error_code& error, std::size_t n) {
                            if (error || stopped_ || socket != tcp_.get()) return;
                            Serial(std::string_view(tcp_buffer_.data(), n));
                            ReadTcp();
                          });
}

}  // namespace uclink::sim
