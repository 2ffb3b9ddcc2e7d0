// PtyResponder: the module side of a pty pair for tests. It reads commands (up to CR) from the
// master and answers each from a script; unknown commands get ERROR.
#pragma once

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace uclink::chat::testing {

// An openpty() pair; the slave's path is what the code under test opens.
struct PtyPair {
  int master = -1;
  // Held open for the pair's lifetime: with no slave open, reads on the master fail with EIO.
  int slave = -1;
  std::string slave_path;

  static PtyPair Open() {
    PtyPair pair;
    char name[256] = {};
    if (::openpty(&pair.master, &pair.slave, name, nullptr, nullptr) != 0) return pair;
    pair.slave_path = name;
    return pair;
  }
  void CloseSlave() {
    if (slave >= 0) ::close(slave);
    slave = -1;
  }
};

class PtyResponder {
 public:
  // Takes ownership of `master`.
  PtyResponder(boost::asio::io_context& io, int master) : master_(io, master) {}

  // The answer to `command` (without CR), written verbatim; "" for a module that stays silent.
  void On(std::string command, std::string answer) { script_[std::move(command)] = answer; }

  // Echo each command line back first, as a module with ATE1 (the power-on default) does.
  void SetEcho(bool on) { echo_ = on; }

  void Start() { Read(); }
  void Close() {
    boost::system::error_code ignored;
    master_.close(ignored);
  }
  // Writes bytes the module sends on its own (URCs).
  void Send(std::string bytes) {
    if (bytes.empty()) return;
    auto shared = std::make_shared<std::string>(std::move(bytes));
    boost::asio::async_write(master_, boost::asio::buffer(*shared),
                             [shared](const boost::system::error_code&, std::size_t) {});
  }

  const std::vector<std::string>& received() const { return received_; }

 private:
  void Read() {
    master_.async_read_some(boost::asio::buffer(buffer_),
                            [this](const boost::system::error_code& ec, std::size_t n) {
                              if (ec) return;
                              for (std::size_t i = 0; i < n; ++i) Byte(buffer_[i]);
                              Read();
                            });
  }
  void Byte(char c) {
    if (c != '\r') {
      line_.push_back(c);
      return;
    }
    received_.push_back(line_);
    const auto it = script_.find(line_);
    const std::string echo = echo_ ? line_ + "\r" : std::string();
    Send(echo + (it == script_.end() ? std::string("\r\nERROR\r\n") : it->second));
    line_.clear();
  }

  boost::asio::posix::stream_descriptor master_;
  std::array<char, 512> buffer_{};
  std::string line_;
  std::map<std::string, std::string> script_;
  std::vector<std::string> received_;
  bool echo_ = false;
};

}  // namespace uclink::chat::testing
