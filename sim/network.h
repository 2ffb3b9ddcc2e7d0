// The radio side of the simulated UC8088: power (CFUN), registration and attach, PDP contexts,
// QoS, operator selection, signal, cell lock, low-power mode and the factory-test answers.
// Every non-service, non-serial command of the manual lands here. Pure: commands in, Replies out.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/reply.h"
#include "sim/scenario.h"
#include "sim/service_host.h"

namespace uclink::sim {

/// One PDP context (manual §2.11), cids 1 and 2 only (manual §2.10.2).
struct PdpContext {
  bool defined = false;
  bool active = false;
  std::string type = "IP";
  std::string apn;
  std::string addr;  ///< as given to AT+CGDCONT (the manual's read form shows "")
  int d_comp = 0;
  int h_comp = 0;
  std::array<int, 5> qos_requested{};  ///< AT+CGQREQ
  std::array<int, 5> qos_minimum{};    ///< AT+CGQMIN
};

/// Registration/attach and PDP state with the commands that drive it.
class Network {
 public:
  explicit Network(const Scenario& scenario);

  /// Whether `name` ("+CGATT", "D", ...) is one of this class's commands.
  static bool Handles(std::string_view name);
  /// Runs one command; the Reply's final step says how it ended.
  Reply Execute(const SimCommand& command);

  /// Module restart: back to the power-on state (CFUN=0, detached, contexts inactive).
  void Restart();
  /// The data session on `cid` ended (PPP peer gone): its context is deactivated.
  void EndDataSession(int cid);
  /// The network changes registration (control "register STAT"); returns URCs to show.
  std::vector<std::string> SetRegistration(int stat);
  void SetSignal(int rssi) { rssi_ = rssi; }
  void SetAttachFailures(int count) { attach_fail_ = count; }
  void SetPdpFailures(int count) { pdp_fail_ = count; }
  void SetRefuseCgdata(bool refuse) { refuse_cgdata_ = refuse; }

  /// CFUN=1, attached and a context active: the manual's precondition for data.
  bool NetworkReady() const;
  bool Registered() const { return stat_ == 1 || stat_ == 5; }
  int stat() const { return stat_; }
  int cfun() const { return cfun_; }
  int lpm_mode() const { return lpm_mode_; }
  int lpm_control() const { return lpm_control_; }
  /// A short "key=value ..." summary for the control socket's "status".
  std::string Status() const;

 private:
  Reply Cfun(const SimCommand& command);
  Reply Identity(const SimCommand& command);
  Reply CellLock(const SimCommand& command);
  Reply Cgatt(const SimCommand& command);
  Reply Cgact(const SimCommand& command);
  Reply Cgdcont(const SimCommand& command);
  Reply Qos(const SimCommand& command, bool minimum);
  Reply Cgpaddr(const SimCommand& command);
  Reply Cgreg(const SimCommand& command);
  Reply Cgdata(const SimCommand& command);
  Reply Dial(const SimCommand& command);
  Reply Csq(const SimCommand& command);
  Reply Cops(const SimCommand& command);
  Reply CopsSelect(const SimCommand& command);
  Reply Lpm(const SimCommand& command);
  Reply FactoryTest(const SimCommand& command);

  /// Appends the registration sequence (with +CGREG URCs when AT+CGREG=1) to `reply`;
  /// returns false after appending the final error when the network rejects the attach.
  bool Attach(Reply& reply);
  /// Deregisters: contexts go down; returns the URC to show, if any.
  std::vector<std::string> Detach();
  /// Activates `cids` (attaching first, manual §2.10.2); false after appending an error.
  bool Activate(Reply& reply, const std::vector<int>& cids);
  /// Manual §2.13.4: the network's QoS must satisfy AT+CGQMIN.
  bool QosAcceptable(const PdpContext& context) const;
  /// Starts a data session on `cid` (manual §2.16: implies attach and activation).
  Reply EnterData(int cid);
  std::string RegistrationUrc() const;

  const Scenario& scenario_;
  Latencies latency_;
  int cfun_ = 0;
  int cgreg_n_ = 0;
  int stat_ = 0;
  int cops_mode_ = 0;
  int cops_format_ = 2;
  std::string plmn_;
  bool cell_locked_ = false;
  std::uint64_t lock_freq_ = 0;
  int lpm_mode_ = 1;
  int lpm_control_ = 1;
  int rssi_;
  int attach_fail_;
  int pdp_fail_;
  bool refuse_cgdata_;
  std::array<PdpContext, 2> pdp_;
};

}  // namespace uclink::sim
