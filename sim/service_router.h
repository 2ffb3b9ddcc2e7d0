// How the module core reaches the in-band services (sim/services/) without depending on Asio:
// the core sees only this interface; the Asio shell adapts the concrete Services object to it.
#pragma once

#include "sim/service_host.h"

namespace uclink::sim {

/// The core's view of the in-band services (+IP*, +FTP*, +HTTP*, +MQTT*).
class ServiceRouter {
 public:
  virtual ~ServiceRouter() = default;
  /// Whether the services implement this command.
  virtual bool Handles(const SimCommand& command) const = 0;
  /// Runs the command; the services finish it later through ServiceHost::Ok/Error.
  virtual void Execute(const SimCommand& command) = 0;
  /// Module reboot: drop every socket and session.
  virtual void Reset() = 0;
};

/// Adapts any object with Handles/Execute/Reset (sim/services/services.h's Services) to
/// ServiceRouter.
template <typename T>
class ServiceRouterFor : public ServiceRouter {
 public:
  explicit ServiceRouterFor(T& services) : services_(services) {}
  bool Handles(const SimCommand& command) const override { return services_.Handles(command); }
  void Execute(const SimCommand& command) override { services_.Execute(command); }
  void Reset() override { services_.Reset(); }

 private:
  T& services_;
};

/// Whether `name` belongs to the in-band services by the manual's naming: +IP*, +FTP*, +HTTP*,
/// +MQTT*, plus the manual's own misspellings (+FTT*, +HTTTP*).
bool IsServiceCommand(std::string_view name);

}  // namespace uclink::sim
