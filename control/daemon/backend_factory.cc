#include "control/daemon/backend_factory.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <tuple>
#include <utility>

namespace uclink::control {
namespace {

class BackendCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.backend"; }
  std::string message(int value) const override {
    return ToString(static_cast<BackendErrc>(value));
  }
};

pppif::DnsMethod ToPppif(DnsMethod method) {
  switch (method) {
    case DnsMethod::kNone:
      return pppif::DnsMethod::kNone;
    case DnsMethod::kResolvConfFile:
      return pppif::DnsMethod::kResolvConfFile;
    case DnsMethod::kResolvconf:
      return pppif::DnsMethod::kResolvconfProgram;
    case DnsMethod::kAuto:
    case DnsMethod::kResolved:
      // The daemon hands DNS over itself for these (control/daemon/dns_hand_off.h): which
      // method applies is decided when the link comes up, and resolved is reached over D-Bus.
      return pppif::DnsMethod::kNone;
  }
  return pppif::DnsMethod::kNone;
}

std::optional<std::uint32_t> RouteMetric(const Config& config) {
  if (!config.interface.default_route) return std::nullopt;
  return static_cast<std::uint32_t>(config.interface.route_metric);
}

void Replace(std::string& field, const char* variable) {
  if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') {
    field = value;
  }
}

std::error_code Fail(BackendErrc errc, std::string text, std::string* why) {
  if (why) *why = std::move(text);
  return errc;
}

std::string ErrnoText(int error) { return std::generic_category().message(error); }

std::unique_ptr<pppif::PppBackend> MakePppd(boost::asio::io_context& io, const Config& config,
                                            const BackendEnvironment& env, std::error_code& ec,
                                            std::string* why) {
  std::error_code create_error;
  auto backend = pppif::PppdBackend::Create(io, PppdOptionsFor(config, env), create_error);
  if (backend) return backend;
  // Create fails on options (pppd_errc) or on the rtnetlink socket for the default route.
  ec = Fail(BackendErrc::kPppdOptions, "pppd backend: " + create_error.message(), why);
  return nullptr;
}

std::unique_ptr<pppif::PppBackend> MakeUserspace(boost::asio::io_context& io, const Config& config,
                                                 std::error_code& ec, std::string* why) {
  std::error_code create_error;
  auto backend = pppif::UserspacePppBackend::Create(io, UserspaceOptionsFor(config), create_error);
  if (backend) return backend;
  ec = Fail(BackendErrc::kUserspaceUnavailable,
            "userspace PPP: rtnetlink: " + create_error.message() +
                " — uclinkd needs CAP_NET_ADMIN to configure the interface",
            why);
  return nullptr;
}

}  // namespace

const char* ToString(BackendErrc errc) {
  switch (errc) {
    case BackendErrc::kPppdNotInstalled:
      return "pppd is not installed";
    case BackendErrc::kNoKernelPpp:
      return "this kernel has no PPP (/dev/ppp)";
    case BackendErrc::kPppDeviceUnusable:
      return "the PPP device cannot be opened";
    case BackendErrc::kPppdHookMissing:
      return "the pppd ip-up/ip-down hook is missing";
    case BackendErrc::kPppdOptions:
      return "the pppd backend cannot be configured";
    case BackendErrc::kUserspaceUnavailable:
      return "the userspace PPP engine cannot be set up";
  }
  return "unknown backend error";
}

const std::error_category& BackendCategory() {
  static const BackendCategoryImpl kCategory;
  return kCategory;
}

std::error_code make_error_code(BackendErrc errc) {
  return {static_cast<int>(errc), BackendCategory()};
}

std::string ExecutableDirectory() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "";
  return exe.parent_path().string();
}

std::string LocatePppdHook(const std::string& exe_dir, const std::string& installed) {
  if (!exe_dir.empty()) {
    const std::string beside = exe_dir + "/pppd-hook";
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  }
  return installed;
}

bool BackendSettingsDiffer(const Config& a, const Config& b) {
  const auto key = [](const Config& c) {
    return std::tie(c.connection.backend, c.modem.baud, c.interface.name, c.interface.default_route,
                    c.interface.route_metric, c.interface.dns, c.interface.mtu,
                    c.monitor.echo_interval, c.monitor.echo_failures, c.network.username,
                    c.network.password, c.network.pdp_type);
  };
  return key(a) != key(b);
}

BackendEnvironment BackendEnvironment::FromProcessEnvironment() {
  BackendEnvironment env;
  env.pppd_hook_path = LocatePppdHook(ExecutableDirectory());
  Replace(env.pppd_path, "UCLINK_PPPD");
  Replace(env.ppp_device, "UCLINK_PPP_DEVICE");
  Replace(env.pppd_hook_path, "UCLINK_PPPD_HOOK");
  Replace(env.runtime_dir, "UCLINK_RUNTIME_DIR");
  return env;
}

pppif::PppdBackendOptions PppdOptionsFor(const Config& config, const BackendEnvironment& env) {
  pppif::PppdBackendOptions options;
  pppif::PppdOptions& pppd = options.pppd;
  pppd.pppd_path = env.pppd_path;
  pppd.hook_path = env.pppd_hook_path;
  pppd.baud = config.modem.baud;
  pppd.ipparam = "uclink";  // reported back by the hook with every event
  pppd.ifname = config.interface.name;
  // interface.mtu bounds both directions, as UserspaceOptionsFor does with the MRU we ask for.
  if (config.interface.mtu > 0) pppd.mtu = pppd.mru = config.interface.mtu;
  pppd.lcp_echo_interval_s = static_cast<int>(config.monitor.echo_interval.count());
  pppd.lcp_echo_failure = config.monitor.echo_failures;
  pppd.username = config.network.username;
  pppd.ipv6 = config.network.pdp_type == chat::PdpType::kIpv6;  // docs/ppp-engine.md, "IPv6"
  options.password = config.network.password;  // 0600 secrets file only (pppd_secrets.h)
  options.runtime_dir = env.runtime_dir;
  options.default_route_metric = RouteMetric(config);
  options.dns.method = ToPppif(config.interface.dns);
  return options;
}

pppif::UserspaceBackendOptions UserspaceOptionsFor(const Config& config) {
  pppif::UserspaceBackendOptions options;
  options.session.username = config.network.username;
  options.session.password = config.network.password;
  options.session.ipv6 = config.network.pdp_type == chat::PdpType::kIpv6;
  options.session.echo_interval = config.monitor.echo_interval;
  options.session.echo_failures = config.monitor.echo_failures;
  if (config.interface.mtu > 0)
    options.session.mru = static_cast<std::uint16_t>(config.interface.mtu);
  options.tun.name = config.interface.name;
  options.default_route_metric = RouteMetric(config);
  options.dns.method = ToPppif(config.interface.dns);
  return options;
}

std::error_code CheckPppdUsable(const BackendEnvironment& env, std::string* why) {
  if (::access(env.pppd_path.c_str(), X_OK) != 0) {
    const int error = errno;
    return Fail(BackendErrc::kPppdNotInstalled,
                "pppd: " + env.pppd_path + ": " + ErrnoText(error) +
                    " — install the ppp package, or use backend = userspace or auto",
                why);
  }
  std::error_code device_error;
  if (!pppif::PppdBackendAvailable(env.pppd_path, device_error, env.ppp_device)) {
    const int error = device_error.value();
    // No node (ENOENT), or a node without the ppp_generic driver behind it (ENODEV, ENXIO).
    if (error == ENOENT || error == ENODEV || error == ENXIO) {
      return Fail(BackendErrc::kNoKernelPpp,
                  env.ppp_device + ": " + device_error.message() +
                      " — this kernel has no PPP (modprobe ppp_generic ppp_async); use backend = "
                      "userspace or auto",
                  why);
    }
    return Fail(BackendErrc::kPppDeviceUnusable,
                env.ppp_device + ": " + device_error.message() +
                    " — pppd needs root (CAP_NET_ADMIN) to open it; or use backend = userspace",
                why);
  }
  if (::access(env.pppd_hook_path.c_str(), X_OK) != 0) {
    const int error = errno;
    // Without the hook pppd's ip-up never reaches uclinkd and the link never counts as online.
    return Fail(BackendErrc::kPppdHookMissing,
                "pppd hook " + env.pppd_hook_path + ": " + ErrnoText(error) +
                    " — install uclink's pppd-hook next to uclinkd or as " +
                    std::string(kInstalledPppdHook) + ", or point UCLINK_PPPD_HOOK at it",
                why);
  }
  return {};
}

std::unique_ptr<pppif::PppBackend> MakePppBackend(boost::asio::io_context& io, const Config& config,
                                                  const BackendEnvironment& env,
                                                  std::error_code& ec,
                                                  BackendSelection* selection) {
  ec.clear();
  BackendSelection local;
  BackendSelection& out = selection ? *selection : local;
  out = {};
  std::unique_ptr<pppif::PppBackend> backend;
  switch (config.connection.backend) {
    case BackendChoice::kPppd:
      if ((ec = CheckPppdUsable(env, &out.why))) return nullptr;
      backend = MakePppd(io, config, env, ec, &out.why);
      if (backend) out.chosen = backend->name();
      return backend;
    case BackendChoice::kUserspace:
      backend = MakeUserspace(io, config, ec, &out.why);
      if (backend) out.chosen = backend->name();
      return backend;
    case BackendChoice::kAuto:
      if (!CheckPppdUsable(env, &out.why)) {
        backend = MakePppd(io, config, env, ec, &out.why);
        if (backend) {
          out.chosen = backend->name();
          return backend;
        }
      }
      // pppd cannot run here: the userspace engine is what "auto" promises (docs/configuration.md).
      std::string pppd_why = std::move(out.why);
      backend = MakeUserspace(io, config, ec, &out.why);
      if (backend) {
        out.chosen = backend->name();
        out.why = "pppd not used: " + pppd_why;
      } else {
        out.why = pppd_why + "; " + out.why;
      }
      return backend;
  }
  return nullptr;
}

}  // namespace uclink::control
