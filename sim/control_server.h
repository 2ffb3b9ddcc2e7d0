// The control socket (--control PATH): a Unix stream socket taking one command per line
// ("drop", "register 2", ...) and answering one line ("OK ..." / "ERROR ..."). Commands:
// docs/simulator.md.
#pragma once

#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace uclink::sim {

/// Accepts any number of clients; each line goes to the handler, its answer goes back.
class ControlServer {
 public:
  using Handler = std::function<std::string(std::string_view line)>;

  ControlServer(boost::asio::io_context& io, Handler handler);
  ~ControlServer();
  /// Binds `path` (an existing socket file there is replaced). Errors: Errc::kSocketFailed.
  std::error_code Listen(const std::string& path);

 private:
  void Accept();

  boost::asio::local::stream_protocol::acceptor acceptor_;
  Handler handler_;
  std::string path_;
};

}  // namespace uclink::sim
