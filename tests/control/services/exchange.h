// One in-band client driven by its InbandHarness, so a test states only what differs: the
// request, the exchange with the module (Play) and what must come out (Succeeded, Failed).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "control/inband/ftp_client.h"
#include "control/inband/http_client.h"
#include "control/inband/ip_socket.h"
#include "control/inband/mqtt_client.h"
#include "tests/control/services/inband_harness.h"

namespace uclink::control::inband::testing {

// What starts each client: FTP and HTTP start their request, a socket opens, MQTT connects.
inline void Begin(FtpClient& client) { client.Start({}); }
inline void Begin(HttpClient& client) { client.Start({}); }
inline void Begin(IpSocket& socket) { socket.Open({}); }
inline void Begin(MqttClient& client) { client.Connect({}); }

// The client, a base of Exchange so that it is built before the harness that drives it.
template <typename Client>
struct HeldClient {
  template <typename... Args>
  explicit HeldClient(Args&&... args) : held(std::forward<Args>(args)...) {}
  Client held;
};

template <typename Client>
class Exchange : private HeldClient<Client>, public InbandHarness {
 public:
  template <typename... Args>
  explicit Exchange(Args&&... args)
      : HeldClient<Client>(std::forward<Args>(args)...), InbandHarness(this->held) {}

  Client& client() { return this->held; }

  // Expects the client to write `first`, `then` and `last` (each step answered as scripted),
  // starts it and runs until nothing moves.
  void Play(std::vector<Step> first, std::vector<Step> then = {}, std::vector<Step> last = {}) {
    Script(std::move(first));
    Script(std::move(then));
    Script(std::move(last));
    Begin(this->held);
    Run();
  }

  // The operation ended without an error.
  ::testing::AssertionResult Succeeded() const {
    const auto done = Done();
    if (!done) return ::testing::AssertionFailure() << "the operation did not end";
    if (*done) return ::testing::AssertionFailure() << "failed: " << done->message;
    return ::testing::AssertionSuccess();
  }
  // The operation ended with an error whose message holds each of `parts`.
  ::testing::AssertionResult Failed(std::initializer_list<std::string_view> parts) const {
    const auto done = Done();
    if (!done) return ::testing::AssertionFailure() << "the operation did not end";
    if (!*done) return ::testing::AssertionFailure() << "the operation succeeded";
    for (std::string_view part : parts) {
      if (done->message.find(part) == std::string::npos) {
        return ::testing::AssertionFailure() << "no \"" << part << "\" in: " << done->message;
      }
    }
    return ::testing::AssertionSuccess();
  }
  // The operation ended with `code`, and a message holding each of `parts`.
  ::testing::AssertionResult Failed(Errc code,
                                    std::initializer_list<std::string_view> parts = {}) const {
    const auto done = Done();
    if (done && done->code != make_error_code(code)) {
      return ::testing::AssertionFailure()
             << "ended with " << done->code.message() << ": " << done->message;
    }
    return Failed(parts);
  }
};

}  // namespace uclink::control::inband::testing
