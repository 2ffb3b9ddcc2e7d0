#include "pppif/userspace_backend.h"

#include <utility>

#include "pppif/interface_errc.h"
#include "pppif/session_core.h"

namespace uclink::pppif {

std::unique_ptr<UserspacePppBackend> UserspacePppBackend::Create(boost::asio::io_context& io,
                                                                 UserspaceBackendOptions options,
                                                                 std::error_code& ec) {
  std::unique_ptr<RouteNetlink> netlink = RouteNetlink::Connect(ec);
  if (ec) return nullptr;
  return std::unique_ptr<UserspacePppBackend>(
      new UserspacePppBackend(io, std::move(options), std::move(netlink)));
}

UserspacePppBackend::UserspacePppBackend(boost::asio::io_context& io,
                                         UserspaceBackendOptions options,
                                         std::unique_ptr<RouteNetlink> netlink)
    : io_(io),
      options_(std::move(options)),
      netlink_(std::move(netlink)),
      setup_(*netlink_),
      dns_(options_.dns),
      ipv6_(io, *netlink_, options_.default_route_metric,
            [this](const std::optional<Ipv6Status>& ipv6) { OnIpv6Changed(ipv6); }) {}

UserspacePppBackend::~UserspacePppBackend() {
  engine_.reset();  // no callbacks from here on
  Teardown();
}

std::error_code UserspacePppBackend::Start(int line_fd, std::vector<std::uint8_t> leftover) {
  if (running_) return InterfaceErrc::kAlreadyStarted;
  std::error_code ec;
  tun_ = TunDevice::Open(options_.tun, ec);
  if (ec) return ec;
  ifname_ = tun_.name();
  setup_failure_.clear();
  dns_error_.clear();
  ipv6_error_.clear();
  EngineOptions engine_options = options_.engine;
  engine_options.carry_ipv6 = options_.session.ipv6;
  engine_ = std::make_unique<Engine>(
      io_, MakeSessionCore(options_.session), engine_options,
      EngineCallbacks{
          .on_up = [this](const IpConfig& ip,
                          const std::string& ifname) { OnEngineUp(ip, ifname); },
          .on_down = [this](DownReason reason,
                            const std::string& detail) { OnEngineDown(reason, detail); },
          .on_phase = nullptr,
          .on_ipv6 = [this](const std::optional<Ipv6Link>& link,
                            const std::string& ifname) { OnEngineIpv6(link, ifname); },
      });
  ec = engine_->Start(line_fd, std::move(leftover), tun_.fd(), ifname_);
  if (ec) {
    tun_.Close();
    return ec;
  }
  running_ = true;
  return {};
}

void UserspacePppBackend::Stop() {
  if (running_ && engine_) engine_->Stop();
}

void UserspacePppBackend::Suspend() {
  if (running_ && engine_) engine_->Suspend();
}

void UserspacePppBackend::Resume(int line_fd, std::vector<std::uint8_t> leftover) {
  if (running_ && engine_) engine_->Resume(line_fd, std::move(leftover));
}

void UserspacePppBackend::OnEngineUp(const IpConfig& ip, const std::string& ifname) {
  if (const std::error_code ec =
          setup_.Apply({.ifindex = tun_.ifindex(),
                        .local = ip.local,
                        .peer = ip.peer,
                        .mtu = ip.mtu,
                        .default_route_metric = options_.default_route_metric});
      ec) {
    // Without addresses the link carries nothing: end it, and say why in on_down.
    setup_failure_ = std::string(ToString(InterfaceErrc::kInterfaceSetup)) + ": " + ec.message();
    engine_->Stop();
    return;
  }
  dns4_.clear();
  for (const std::optional<Ipv4>& dns : {ip.dns1, ip.dns2}) {
    if (dns && *dns != Ipv4{}) dns4_.push_back(*dns);
  }
  // Name resolution is an extra: a failed hand-off is reported in status, the link stays up.
  dns_error_ = dns_.Apply(ifname, dns4_, dns6_);
  NotifyUp(ip, ifname);
}

// IPv6 is an extra on the IPv4 link (docs/ppp-engine.md, "IPv6"): a setup failure is reported
// in ipv6_error() and status stays without IPv6.
void UserspacePppBackend::OnEngineIpv6(const std::optional<Ipv6Link>& link,
                                       const std::string& ifname) {
  if (!running_) return;
  ipv6_error_ = ipv6_.OnLink(link, tun_.ifindex(), ifname);
}

// The kernel does not apply an RA's RDNSS option (RFC 8106): the servers the RA parser found
// join IPCP's in the configured DNS method (docs/ppp-engine.md, "IPv6").
void UserspacePppBackend::OnIpv6Changed(const std::optional<Ipv6Status>& ipv6) {
  std::vector<std::string> dns6 = ipv6 ? ipv6->dns : std::vector<std::string>{};
  if (dns6 != dns6_) {
    dns6_ = std::move(dns6);
    if (running_ && engine_ && engine_->ip()) dns_error_ = dns_.Apply(ifname_, dns4_, dns6_);
  }
  NotifyIpv6(ipv6);
}

void UserspacePppBackend::OnEngineDown(DownReason reason, const std::string& detail) {
  dns6_.clear();  // the teardown reverts DNS once; "IPv6 gone" below rewrites nothing
  if (ipv6_.status()) ipv6_.OnLink(std::nullopt, 0, "");  // reports "IPv6 gone" first
  Teardown();
  running_ = false;
  last_down_ = reason;
  last_detail_ = setup_failure_.empty() ? detail : setup_failure_ + "; " + detail;
  NotifyDown(reason, last_detail_);
}

void UserspacePppBackend::Teardown() {
  ipv6_.Reset();
  dns_.Revert();
  dns4_.clear();
  dns6_.clear();
  setup_.Undo();
  tun_.Close();
}

BackendStatus UserspacePppBackend::status() const {
  BackendStatus status;
  status.running = running_;
  status.suspended = running_ && engine_ && engine_->suspended();
  status.ifname = ifname_;
  status.last_down = last_down_;
  status.last_detail = last_detail_;
  if (engine_) {
    status.phase = engine_->phase();
    status.ip = running_ ? engine_->ip() : std::nullopt;
    if (running_) status.ipv6 = ipv6_.status();
    status.counters = engine_->counters();
  }
  return status;
}

const EngineCounters* UserspacePppBackend::engine_counters() const {
  return engine_ ? &engine_->engine_counters() : nullptr;
}

}  // namespace uclink::pppif
