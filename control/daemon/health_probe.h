// The data-path health probe (docs/state-machine.md, "Data-path probe"): one TCP connect or one DNS
// query, sent through the PPP interface only (SO_BINDTODEVICE to the name from ev::PppUp), bounded
// by a timeout. It catches "connected but no data": PPP answers LCP echoes while nothing else gets
// through. The manager decides when to probe and what failures mean (act::RunProbe →
// ev::ProbeResult); this is the Asio shell around one attempt. The DNS wire format helpers are pure
// and tested.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "control/config/probe_target.h"

namespace uclink::control {

/// An RFC 1035 §4.1 query: header with `id` and RD set, one question `name` IN A.
std::vector<std::uint8_t> BuildDnsQuery(std::uint16_t id, std::string_view name);
/// Whether `reply` is a DNS response (QR set) to query `id`. Any RCODE counts: even NXDOMAIN
/// proves the server was reached through the link.
bool IsDnsResponseTo(std::uint16_t id, const std::uint8_t* reply, std::size_t size);

class HealthProbe {
 public:
  /// ok, and why not ("connect: Connection refused", "no answer in 5 s").
  using Done = std::function<void(bool ok, std::string detail)>;

  explicit HealthProbe(boost::asio::io_context& io);
  /// Cancels a probe in flight; its `done` is not called.
  ~HealthProbe();
  HealthProbe(const HealthProbe&) = delete;
  HealthProbe& operator=(const HealthProbe&) = delete;

  /// Starts one probe of `target` through `ifname` ("" = no binding). `done` runs exactly once,
  /// later, on the io_context thread, at the latest after `timeout`. A probe already in flight
  /// is abandoned without its callback.
  void Run(const ProbeTarget& target, std::chrono::milliseconds timeout, const std::string& ifname,
           Done done);

 private:
  struct Attempt;
  void FailSoon(const std::shared_ptr<Attempt>& attempt, std::string detail);
  boost::asio::io_context& io_;
  std::shared_ptr<Attempt> attempt_;
  std::uint16_t next_dns_id_;
};

}  // namespace uclink::control
