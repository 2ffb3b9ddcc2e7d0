#include "control/daemon/dns_hand_off.h"

#include <net/if.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

// resolved answers in milliseconds; a call not answered in this is a resolved that hangs.
constexpr auto kCallTimeout = 3s;

std::string Join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : " ") + item;
  return text;
}

}  // namespace

DnsHostFacts ReadLocalDnsFacts(const DnsHostPaths& paths) {
  DnsHostFacts facts;
  facts.resolvconf_installed = ::access(paths.resolvconf_program.c_str(), X_OK) == 0;
  // A symlink (to resolved's stub, to resolvconf's run file) belongs to another manager, and the
  // file is replaced by rename(2), so its directory must be writable too (pppif/dns.cc).
  struct stat status {};
  const std::string dir = std::filesystem::path(paths.resolv_conf).parent_path().string();
  facts.resolv_conf_plain_writable =
      ::lstat(paths.resolv_conf.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
      ::access(paths.resolv_conf.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0;
  return facts;
}

DnsHandOff::DnsHandOff(boost::asio::io_context& io, DnsHostPaths paths)
    : io_(io), paths_(std::move(paths)) {}

DnsHandOff::~DnsHandOff() {
  *alive_ = 1;
  if (link_ && route_ == DnsRoute::kResolved && resolved_ && resolved_->present().value_or(false)) {
    // Sent now, answered never (the loop is ending): resolved drops the settings with the link.
    resolved_->Revert(link_->ifindex, [](const std::string&) {});
  }
}

void DnsHandOff::EnsureResolvedClient() {
  if (resolved_) return;
  // No system bus socket: no resolved either, and no reason to load libsystemd.
  if (::access(paths_.system_bus_socket.c_str(), F_OK) != 0 && method_ == DnsMethod::kAuto) {
    return;
  }
  resolved_ = std::make_unique<ResolvedClient>(io_, kCallTimeout);
  resolved_->set_on_presence([this](bool present) { OnPresence(present); });
  std::string why;
  if (!resolved_->Start(&why)) spdlog::warn("resolved: {}", why);
}

void DnsHandOff::LinkUp(const std::string& ifname, const std::vector<std::string>& servers,
                        bool holds_default_route) {
  if (!Handles(method_)) return;
  if (link_) LinkDown();  // a new negotiation replaces the old settings
  link_ = Link{
      ifname, static_cast<int>(::if_nametoindex(ifname.c_str())), servers, {}, holds_default_route};
  route_.reset();
  if (servers.empty()) {
    // An RA's RDNSS may still bring some (Ipv6Servers); until then there is nothing to decide.
    spdlog::info("dns: the peer sent no DNS servers (RFC 1877); nothing to hand over yet");
    return;
  }
  EnsureResolvedClient();
  Decide();
}

std::vector<std::string> DnsHandOff::Link::All() const {
  std::vector<std::string> all = servers;
  all.insert(all.end(), servers6.begin(), servers6.end());
  return all;
}

void DnsHandOff::Ipv6Servers(const std::vector<std::string>& servers) {
  if (!Handles(method_) || !link_ || link_->servers6 == servers) return;
  link_->servers6 = servers;
  if (!route_) {
    EnsureResolvedClient();
    return Decide();
  }
  Apply("RDNSS changed");
}

void DnsHandOff::Decide() {
  if (!link_ || route_ || link_->All().empty()) return;
  DnsHostFacts facts = ReadLocalDnsFacts(paths_);
  facts.resolved_on_bus = resolved_ ? resolved_->present() : std::optional<bool>(false);
  const std::optional<DnsChoice> choice = ChooseDns(method_, facts);
  if (!choice) return;  // the bus has not answered yet: OnPresence decides
  route_ = choice->route;
  if (choice->warn) {
    spdlog::warn("dns: {}", choice->why);
  } else {
    spdlog::info("dns: {} ({})", ToString(choice->route), choice->why);
  }
  Apply("link up");
}

// Performs the decided route for the link's current servers; again whenever they change.
void DnsHandOff::Apply(const char* reason) {
  switch (*route_) {
    case DnsRoute::kNone:
      return;
    case DnsRoute::kResolved:
      if (resolved_ && resolved_->present().value_or(false)) ApplyResolved(reason);
      return;
    case DnsRoute::kFile:
    case DnsRoute::kResolvconf:
      return ApplyFallback();
  }
}

void DnsHandOff::ApplyFallback() {
  if (!fallback_) {
    pppif::DnsOptions options;
    options.method = route_ == DnsRoute::kFile ? pppif::DnsMethod::kResolvConfFile
                                               : pppif::DnsMethod::kResolvconfProgram;
    options.resolv_conf_path = paths_.resolv_conf;
    options.resolvconf_program = paths_.resolvconf_program;
    fallback_ = std::make_unique<pppif::DnsConfigurator>(options);
  }
  const std::vector<pppif::Ipv4> servers =
      PlanResolvedLink(link_->ifindex, link_->servers, false).servers;
  if (std::error_code ec = fallback_->Apply(link_->ifname, servers, link_->servers6)) {
    spdlog::warn("dns: {} failed: {}; the link stays up without them", ToString(*route_),
                 ec.message());
  }
}

void DnsHandOff::ApplyResolved(const char* reason) {
  const ResolvedLinkSettings settings =
      PlanResolvedLink(link_->ifindex, link_->All(), link_->default_route);
  spdlog::info("resolved: setting {} on {} (ifindex {}, {}; {})", Join(link_->All()), link_->ifname,
               link_->ifindex,
               settings.default_route ? "default route, domain ~." : "no default route", reason);
  resolved_->Apply(settings, [this, ifname = link_->ifname,
                              alive = std::weak_ptr<int>(alive_)](const std::string& error) {
    if (alive.expired()) return;
    if (error.empty()) {
      spdlog::info("resolved: {} configured", ifname);
    } else {
      spdlog::warn("resolved: {}; the link stays up, its DNS servers are not in use", error);
    }
  });
}

void DnsHandOff::OnPresence(bool present) {
  if (!link_) return;
  if (!route_) return Decide();
  if (*route_ != DnsRoute::kResolved) return;
  if (present) {
    // A new resolved starts with no settings for our link (or stale ones): set them again.
    ApplyResolved("systemd-resolved (re)appeared on the bus");
  } else {
    spdlog::warn("resolved: left the system bus; {}'s DNS servers are set again when it returns",
                 link_->ifname);
  }
}

void DnsHandOff::LinkDown() {
  if (!link_) return;
  // An interface that is gone took its settings with it: resolved forgets a link when the
  // kernel removes it (the TUN device and pppd's ppp unit both go with the session).
  const bool still_there =
      static_cast<int>(::if_nametoindex(link_->ifname.c_str())) == link_->ifindex;
  if (route_ == DnsRoute::kResolved && !still_there) {
    spdlog::info("resolved: {} is gone, and its DNS settings with it", link_->ifname);
  } else if (route_ == DnsRoute::kResolved && resolved_ && resolved_->present().value_or(false)) {
    resolved_->Revert(link_->ifindex, [ifname = link_->ifname, alive = std::weak_ptr<int>(alive_)](
                                          const std::string& error) {
      if (alive.expired()) return;
      if (error.empty()) {
        spdlog::info("resolved: {} reverted", ifname);
      } else {
        spdlog::warn("resolved: {}", error);
      }
    });
  }
  if (fallback_) {
    if (std::error_code ec = fallback_->Revert()) {
      spdlog::warn("dns: reverting {} failed: {}", ToString(*route_), ec.message());
    }
    fallback_.reset();
  }
  link_.reset();
  route_.reset();
}

}  // namespace uclink::control
