#include "sim/network.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

#include "sim/errors.h"

namespace uclink::sim {
namespace {

using Form = SimCommand::Form;

std::optional<long long> Int(const SimCommand& command, std::size_t index, long long min,
                             long long max) {
  if (index >= command.args.size()) return std::nullopt;
  const std::string& text = command.args[index];
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

bool HasArg(const SimCommand& command, std::size_t index) {
  return index < command.args.size() && !command.args[index].empty();
}

Reply ParamError() { return Reply().Error(ErrorKind::kExt, ext::kParameterNotAllowed); }
Reply NotAllowed() { return Reply().Error(ErrorKind::kCme, cme::kOperationNotAllowed); }
// Manual §3.2 EXT 15 "no set device function(at+cfun=1)": network commands before CFUN=1.
Reply NeedsCfun() { return Reply().Error(ErrorKind::kExt, ext::kNoSetDeviceFunction); }
Reply Line(std::string text) { return std::move(Reply().Info(std::move(text)).Ok()); }

bool ValidCid(long long cid) { return cid == 1 || cid == 2; }

// Manual §2.8: the module locks only to E-GSM900, DCS1800 or PCS1900 downlink frequencies.
bool InSupportedBand(std::uint64_t hz) {
  return (hz >= 925000000 && hz <= 960000000) || (hz >= 1805000000 && hz <= 1880000000) ||
         (hz >= 1930000000 && hz <= 1990000000);
}

}  // namespace

Network::Network(const Scenario& scenario)
    : scenario_(scenario),
      latency_(scenario.Effective()),
      rssi_(scenario.rssi),
      attach_fail_(scenario.attach_fail),
      pdp_fail_(scenario.pdp_fail),
      refuse_cgdata_(scenario.refuse_cgdata) {}

bool Network::Handles(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "+CFUN",  "+CGMI",   "+CGMM",    "+CGMR",   "+CGSN",  "+CIMI",        "+CELLLOCK",
      "+CGATT", "+CGACT",  "+CGDCONT", "+CGQREQ", "+CGQRE", "+CGQMIN",      "+CGPADDR",
      "+CGREG", "+CGDATA", "+CSQ",     "+COPS",   "+LPM",   "+FACTORYTEST", "D"};
  for (std::string_view known : kNames) {
    if (known == name) return true;
  }
  return false;
}

Reply Network::Execute(const SimCommand& command) {
  const std::string& name = command.name;
  Reply reply;
  if (name == "+CFUN") {
    reply = Cfun(command);
  } else if (name == "+CGMI" || name == "+CGMM" || name == "+CGMR" || name == "+CGSN" ||
             name == "+CIMI") {
    reply = Identity(command);
  } else if (name == "+CELLLOCK") {
    reply = CellLock(command);
  } else if (name == "+CGATT") {
    reply = Cgatt(command);
  } else if (name == "+CGACT") {
    reply = Cgact(command);
  } else if (name == "+CGDCONT") {
    reply = Cgdcont(command);
  } else if (name == "+CGQREQ" || name == "+CGQRE") {
    // Manual §2.12.4's example session spells it AT+CGQRE; the module answers +CGQREQ.
    reply = Qos(command, false);
  } else if (name == "+CGQMIN") {
    reply = Qos(command, true);
  } else if (name == "+CGPADDR") {
    reply = Cgpaddr(command);
  } else if (name == "+CGREG") {
    reply = Cgreg(command);
  } else if (name == "+CGDATA") {
    reply = Cgdata(command);
  } else if (name == "D") {
    reply = Dial(command);
  } else if (name == "+CSQ") {
    reply = Csq(command);
  } else if (name == "+COPS") {
    reply = Cops(command);
  } else if (name == "+LPM") {
    reply = Lpm(command);
  } else if (name == "+FACTORYTEST") {
    reply = FactoryTest(command);
  } else {
    reply.PlainError();
  }
  reply.DelayStart(latency_.command);
  return reply;
}

void Network::Restart() {
  cfun_ = 0;
  cgreg_n_ = 0;
  stat_ = 0;
  cops_mode_ = 0;
  cops_format_ = 2;
  plmn_.clear();
  cell_locked_ = false;
  lock_freq_ = 0;
  lpm_mode_ = 1;
  lpm_control_ = 1;
  pdp_ = {};
}

void Network::EndDataSession(int cid) {
  if (ValidCid(cid)) pdp_[cid - 1].active = false;
}

std::vector<std::string> Network::SetRegistration(int stat) {
  if (stat == stat_) return {};
  stat_ = stat;
  if (!Registered()) {
    for (PdpContext& context : pdp_) context.active = false;
  } else if (plmn_.empty()) {
    plmn_ = scenario_.home_plmn;
  }
  if (cgreg_n_ == 1) return {RegistrationUrc()};
  return {};
}

bool Network::NetworkReady() const {
  if (cfun_ != 1 || !Registered()) return false;
  for (const PdpContext& context : pdp_) {
    if (context.active) return true;
  }
  return false;
}

std::string Network::Status() const {
  std::string active;
  for (int cid = 1; cid <= 2; ++cid) {
    if (pdp_[cid - 1].active) active += (active.empty() ? "" : ",") + std::to_string(cid);
  }
  return "cfun=" + std::to_string(cfun_) + " stat=" + std::to_string(stat_) +
         " cgreg=" + std::to_string(cgreg_n_) + " csq=" + std::to_string(rssi_) +
         " active=" + (active.empty() ? "-" : active) + " plmn=" + (plmn_.empty() ? "-" : plmn_);
}

std::string Network::RegistrationUrc() const { return "+CGREG: " + std::to_string(stat_); }

Reply Network::Cfun(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest:
      return Line("+CFUN: (0, 1), (0)");  // manual §2.1.1
    case Form::kRead:
      return Line("+CFUN: " + std::to_string(cfun_));
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> fun = Int(command, 0, 0, 1);
  // Manual §2.1.1: <rst> supports only 0.
  if (!fun || (HasArg(command, 1) && !Int(command, 1, 0, 0)) || command.args.size() > 2) {
    return ParamError();
  }
  Reply reply;
  if (*fun == 0) {
    for (std::string& urc : Detach()) reply.Urc(std::move(urc));
    cfun_ = 0;
    return std::move(reply.Ok());
  }
  Millis delay = cfun_ == 1 ? Millis{0} : latency_.cfun;
  cfun_ = 1;
  return std::move(reply.Ok(delay));
}

Reply Network::Identity(const SimCommand& command) {
  if (command.form == Form::kTest) return Reply().Ok();
  if (command.form != Form::kExec) return ParamError();
  if (command.name == "+CGMI") return Line(scenario_.manufacturer);
  if (command.name == "+CGMM") return Line(scenario_.model);
  if (command.name == "+CGSN") return Line(scenario_.imei);
  if (command.name == "+CIMI") return Line(scenario_.imsi);
  Reply reply;  // +CGMR: manual §2.4.1 prints three lines
  for (const std::string& line : scenario_.revision) reply.Info(line);
  return std::move(reply.Ok());
}

Reply Network::CellLock(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest:
      return Line("+CELLLOCK: (0, 1), freq");  // manual §2.8.4
    case Form::kRead:
      return Line("+CELLLOCK: " + std::string(cell_locked_ ? "1" : "0") + ", " +
                  std::to_string(cell_locked_ ? lock_freq_ : 0));
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> state = Int(command, 0, 0, 1);
  if (!state || command.args.size() > 2) return ParamError();
  // Manual §2.8: locking succeeds only while not registered.
  if (Registered()) return NotAllowed();
  if (*state == 0) {
    cell_locked_ = false;
    lock_freq_ = 0;
    return Reply().Ok();
  }
  std::optional<long long> freq = Int(command, 1, 0, 4000000000LL);
  if (!freq || !InSupportedBand(static_cast<std::uint64_t>(*freq))) return ParamError();
  cell_locked_ = true;
  lock_freq_ = static_cast<std::uint64_t>(*freq);
  return Reply().Ok();
}

bool Network::Attach(Reply& reply) {
  if (Registered()) return true;
  std::vector<RegistrationStep> steps = scenario_.registration;
  if (steps.empty()) {
    // Manual §2.15.3: searching (2), then registered (1); seconds on a real network.
    steps = {{2, scenario_.fast ? Millis{0} : Millis{300}},
             {1, scenario_.fast ? Millis{0} : Millis{1700}}};
  }
  int error = 0;
  if (attach_fail_ > 0) {
    --attach_fail_;
    steps.back().stat = 3;  // registration denied
    error = cme::kGprsServiceNotAllowed;
  } else if (cell_locked_ && lock_freq_ != scenario_.cell_freq_hz) {
    steps.back().stat = 2;  // locked away from the serving cell: searching forever
    error = cme::kNoNetworkService;
  }
  for (const RegistrationStep& step : steps) {
    reply.Wait(step.after);
    if (step.stat == stat_) continue;
    stat_ = step.stat;
    if (cgreg_n_ == 1) reply.Urc(RegistrationUrc());
  }
  if (error != 0 || !Registered()) {
    for (PdpContext& context : pdp_) context.active = false;
    reply.Error(ErrorKind::kCme, error != 0 ? error : cme::kNoNetworkService);
    return false;
  }
  if (plmn_.empty() || cops_mode_ == 0) plmn_ = scenario_.home_plmn;
  return true;
}

std::vector<std::string> Network::Detach() {
  for (PdpContext& context : pdp_) context.active = false;
  if (stat_ == 0) return {};
  stat_ = 0;
  if (cgreg_n_ == 1) return {RegistrationUrc()};
  return {};
}

bool Network::QosAcceptable(const PdpContext& context) const {
  const std::array<int, 5>& min = context.qos_minimum;
  const std::array<int, 5>& got = scenario_.granted_qos;
  // Precedence, delay and reliability classes: lower is better (GSM 03.60).
  for (int i = 0; i < 3; ++i) {
    if (min[i] != 0 && got[i] > min[i]) return false;
  }
  // Peak and mean throughput classes: higher is better; mean 31 is best effort, which meets no
  // explicit minimum.
  if (min[3] != 0 && got[3] < min[3]) return false;
  if (min[4] != 0 && (got[4] == 31 || got[4] < min[4])) return false;
  return true;
}

bool Network::Activate(Reply& reply, const std::vector<int>& cids) {
  if (!Attach(reply)) return false;
  for (int cid : cids) {
    PdpContext& context = pdp_[cid - 1];
    if (context.active) continue;
    if (pdp_fail_ > 0) {
      --pdp_fail_;
      reply.Error(ErrorKind::kCme, cme::kUnspecifiedGprsError, latency_.activate);
      return false;
    }
    if (!scenario_.require_apn.empty() && context.apn != scenario_.require_apn) {
      reply.Error(ErrorKind::kCme, cme::kServiceOptionNotSubscribed, latency_.activate);
      return false;
    }
    if (!QosAcceptable(context)) {
      reply.Error(ErrorKind::kCme, cme::kUnspecifiedGprsError, latency_.activate);
      return false;
    }
    // Manual §2.10: an undefined cid is activated with the default PDP parameters.
    context.defined = true;
    context.active = true;
  }
  return true;
}

Reply Network::Cgatt(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest:
      return Line("+CGATT: (0, 1)");  // manual §2.9.1
    case Form::kRead:
      return Line(std::string("+CGATT: ") + (Registered() ? "1" : "0"));
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> state = Int(command, 0, 0, 1);
  if (!state || command.args.size() > 1) return ParamError();
  if (cfun_ != 1) return NeedsCfun();
  Reply reply;
  if (*state == 0) {
    for (std::string& urc : Detach()) reply.Urc(std::move(urc));
    return std::move(reply.Ok());
  }
  // Manual §2.15.3: the +CGREG URCs come before the OK of AT+CGATT=1.
  if (Attach(reply)) reply.Ok();
  return reply;
}

Reply Network::Cgact(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest:
      return Line("+CGACT: (0, 1)");  // manual §2.10.1
    case Form::kRead: {
      Reply reply;
      for (int cid = 1; cid <= 2; ++cid) {
        const PdpContext& context = pdp_[cid - 1];
        if (!context.defined) continue;
        reply.Info("+CGACT: " + std::to_string(cid) + "," + (context.active ? "1" : "0"));
      }
      return std::move(reply.Ok());
    }
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> state = Int(command, 0, 0, 1);
  if (!state) return ParamError();
  std::vector<int> cids;
  for (std::size_t i = 1; i < command.args.size(); ++i) {
    std::optional<long long> cid = Int(command, i, -1000000, 1000000);
    if (!cid) return ParamError();
    // Manual §2.10.2 and §2.7.4: only cids 1 and 2 exist; others are "operation not allowed".
    if (!ValidCid(*cid)) return NotAllowed();
    cids.push_back(static_cast<int>(*cid));
  }
  if (cfun_ != 1) return NeedsCfun();
  Reply reply;
  if (*state == 0) {
    for (int cid = 1; cid <= 2; ++cid) {
      if (cids.empty() || std::find(cids.begin(), cids.end(), cid) != cids.end()) {
        pdp_[cid - 1].active = false;
      }
    }
    return std::move(reply.Ok());
  }
  if (cids.empty()) {
    // Manual §2.10.2: no cid activates every defined context; §2.17.3 shows a bare
    // AT+CGACT=1 activating cid 1 when none is defined.
    for (int cid = 1; cid <= 2; ++cid) {
      if (pdp_[cid - 1].defined) cids.push_back(cid);
    }
    if (cids.empty()) cids.push_back(1);
  }
  if (!Activate(reply, cids)) return reply;
  return std::move(reply.Ok(latency_.activate));
}

Reply Network::Cgdcont(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest: {
      // Manual §2.20 prints these two lines, although §2.11 also accepts IPV6 (below): the
      // simulator answers as the manual prints, so `uclink doctor` warns about an unlisted IPV6.
      Reply reply;
      reply.Info("+CGDCONT: (1-2), \"IP\", ,, (0, 1), (0, 1)");
      reply.Info("+CGDCONT: (1-2), \"PPP\", ,, (0, 1), (0, 1)");
      return std::move(reply.Ok());
    }
    case Form::kRead: {
      Reply reply;
      for (int cid = 1; cid <= 2; ++cid) {
        const PdpContext& c = pdp_[cid - 1];
        if (!c.defined) continue;
        reply.Info("+CGDCONT: " + std::to_string(cid) + ", \"" + c.type + "\", \"" + c.apn +
                   "\", \"" + c.addr + "\", " + std::to_string(c.d_comp) + ", " +
                   std::to_string(c.h_comp));
      }
      return std::move(reply.Ok());
    }
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> cid = Int(command, 0, -1000000, 1000000);
  if (!cid || command.args.size() > 6) return ParamError();
  if (!ValidCid(*cid)) return NotAllowed();
  PdpContext& context = pdp_[*cid - 1];
  if (context.active) return NotAllowed();
  if (command.args.size() == 1) {  // 3GPP 27.007: a lone cid undefines the context
    context.defined = false;
    return Reply().Ok();
  }
  // Manual §2.11.4: "注意 IP 必须大写" — the PDP type is case-sensitive.
  const std::string& type = command.args[1];
  // Manual §2.11 lists IPV6 as a <PDP_type>; the simulator's data mode still carries IPv4 only
  // (slirp has no IPv6), so an IPV6 context dials like an IP one and IPV6CP is not answered.
  if (type != "IP" && type != "IPV6" && type != "PPP") return ParamError();
  std::optional<long long> d_comp = HasArg(command, 4) ? Int(command, 4, 0, 1) : 0;
  std::optional<long long> h_comp = HasArg(command, 5) ? Int(command, 5, 0, 1) : 0;
  if (!d_comp || !h_comp) return ParamError();
  if ((command.args.size() > 2 && command.args[2].size() > 100) ||
      (command.args.size() > 3 && command.args[3].size() > 64)) {
    return ParamError();
  }
  context.defined = true;
  context.type = type;
  context.apn = command.args.size() > 2 ? command.args[2] : "";
  context.addr = command.args.size() > 3 ? command.args[3] : "";
  context.d_comp = static_cast<int>(*d_comp);
  context.h_comp = static_cast<int>(*h_comp);
  return Reply().Ok();
}

Reply Network::Qos(const SimCommand& command, bool minimum) {
  const std::string label = minimum ? "+CGQMIN: " : "+CGQREQ: ";
  switch (command.form) {
    case Form::kTest:
      return Line(label + "\"IP\", (1-3), (1-4), (1-5), (1-9), (1-18, 31)");  // §2.12.1
    case Form::kRead: {
      // Manual §2.12.3: only contexts that are not active are listed.
      Reply reply;
      for (int cid = 1; cid <= 2; ++cid) {
        const PdpContext& c = pdp_[cid - 1];
        if (!c.defined || c.active) continue;
        const std::array<int, 5>& q = minimum ? c.qos_minimum : c.qos_requested;
        reply.Info(label + std::to_string(cid) + ", " + std::to_string(q[0]) + ", " +
                   std::to_string(q[1]) + ", " + std::to_string(q[2]) + ", " +
                   std::to_string(q[3]) + ", " + std::to_string(q[4]));
      }
      return std::move(reply.Ok());
    }
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> cid = Int(command, 0, -1000000, 1000000);
  if (!cid || command.args.size() > 6) return ParamError();
  if (!ValidCid(*cid)) return NotAllowed();
  // Ranges of manual §2.12: precedence 0-3, delay 0-4, reliability 0-5, peak 0-9, mean 0-18|31.
  static constexpr int kMax[5] = {3, 4, 5, 9, 31};
  std::array<int, 5> values{};
  for (std::size_t i = 0; i < 5; ++i) {
    if (!HasArg(command, i + 1)) continue;
    std::optional<long long> value = Int(command, i + 1, 0, kMax[i]);
    if (!value || (i == 4 && *value > 18 && *value != 31)) return ParamError();
    values[i] = static_cast<int>(*value);
  }
  PdpContext& context = pdp_[*cid - 1];
  (minimum ? context.qos_minimum : context.qos_requested) = values;
  return Reply().Ok();
}

Reply Network::Cgpaddr(const SimCommand& command) {
  if (command.form == Form::kRead) return ParamError();
  if (command.form == Form::kTest) {
    std::string list;
    for (int cid = 1; cid <= 2; ++cid) {
      if (pdp_[cid - 1].defined) list += (list.empty() ? "" : ",") + std::to_string(cid);
    }
    return Line("+CGPADDR: (" + list + ")");  // manual §2.14.3 example: "(1,2)"
  }
  std::vector<int> cids;
  for (std::size_t i = 0; i < command.args.size(); ++i) {
    if (command.args[i].empty() && command.args.size() == 1) break;  // "AT+CGPADDR="
    std::optional<long long> cid = Int(command, i, -1000000, 1000000);
    if (!cid) return ParamError();
    if (!ValidCid(*cid)) return NotAllowed();
    cids.push_back(static_cast<int>(*cid));
  }
  if (cids.empty()) {
    for (int cid = 1; cid <= 2; ++cid) {
      if (pdp_[cid - 1].defined) cids.push_back(cid);
    }
  }
  Reply reply;
  for (int cid : cids) {
    const PdpContext& c = pdp_[cid - 1];
    std::string address = c.active ? scenario_.pdp_addresses[cid - 1] : "0.0.0.0";
    reply.Info("+CGPADDR: " + std::to_string(cid) + ",\"" + address + "\"");
  }
  return std::move(reply.Ok());
}

Reply Network::Cgreg(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest:
      return Line("+CGREG: (0-1)");  // manual §2.15.1
    case Form::kRead: {
      // Manual §2.15.3: "+CGREG: 1,1,13122,32451" — lac and ci while registered.
      std::string line = "+CGREG: " + std::to_string(cgreg_n_) + "," + std::to_string(stat_);
      if (Registered()) {
        line += "," + std::to_string(scenario_.lac) + "," + std::to_string(scenario_.ci);
      }
      return Line(line);
    }
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> n = HasArg(command, 0) ? Int(command, 0, 0, 1) : 0;
  if (!n || command.args.size() > 1) return ParamError();
  cgreg_n_ = static_cast<int>(*n);
  return Reply().Ok();
}

Reply Network::EnterData(int cid) {
  if (cfun_ != 1) return NeedsCfun();
  if (refuse_cgdata_) return Reply().Error(ErrorKind::kCme, cme::kOperationNotSupported);
  Reply reply;
  // Manual §2.16: entering data mode performs attach and PDP activation as needed.
  if (!Activate(reply, {cid})) return reply;
  return std::move(reply.Connect(cid, latency_.connect));
}

Reply Network::Cgdata(const SimCommand& command) {
  if (command.form == Form::kTest) return Line("+CGDATA: \"PPP\"");  // manual §2.16.1
  if (command.form == Form::kRead) return ParamError();
  long long cid = 1;  // manual §2.16.2: no parameters selects the default PDP
  if (HasArg(command, 0)) {
    std::string l2p = command.args[0];
    for (char& c : l2p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (l2p != "PPP") return Reply().Error(ErrorKind::kCme, cme::kOperationNotSupported);
  }
  if (command.args.size() > 2) return ParamError();
  if (HasArg(command, 1)) {
    std::optional<long long> value = Int(command, 1, -1000000, 1000000);
    if (!value) return ParamError();
    if (!ValidCid(*value)) return NotAllowed();
    cid = *value;
  }
  return EnterData(static_cast<int>(cid));
}

Reply Network::Dial(const SimCommand& command) {
  // The GPRS dial strings of 3GPP 27.007 §10.2.1: *99# and *99***<cid>#.
  const std::string& number = command.args.empty() ? std::string() : command.args[0];
  if (number == "*99#") return EnterData(1);
  if (number == "*99***1#") return EnterData(1);
  if (number == "*99***2#") return EnterData(2);
  return Reply().PlainError();
}

Reply Network::Csq(const SimCommand& command) {
  if (command.form == Form::kTest) return Line("+CSQ: (2-31, 99), (99)");  // manual §2.17.1
  if (command.form != Form::kExec) return ParamError();
  int rssi = cfun_ == 1 ? rssi_ : 99;  // no radio, no measurement
  return Line("+CSQ: " + std::to_string(rssi) + "," + std::to_string(scenario_.ber));  // §2.17.3
}

Reply Network::Cops(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest: {
      if (cfun_ != 1) return NeedsCfun();
      std::string list;
      for (const PlmnEntry& plmn : scenario_.scan) {
        list += (list.empty() ? "" : ",") + std::string("(") + std::to_string(plmn.stat) +
                ",\"\",\"\",\"" + plmn.numeric + "\")";
      }
      return std::move(Reply().Info("+COPS: " + list, latency_.cops_scan).Ok());  // §2.18.4
    }
    case Form::kRead: {
      std::string line = "+COPS: " + std::to_string(cops_mode_);
      if (Registered()) {
        // Manual §2.18.3: "+COPS: 0,2,"26242"". The module knows no operator names, so the
        // long and short formats print "" as its scan list does.
        line += "," + std::to_string(cops_format_) + ",\"" +
                (cops_format_ == 2 ? plmn_ : std::string()) + "\"";
      }
      return Line(line);
    }
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      return CopsSelect(command);
  }
  return ParamError();
}

Reply Network::CopsSelect(const SimCommand& command) {
  std::optional<long long> mode = Int(command, 0, 0, 4);
  std::optional<long long> format = HasArg(command, 1) ? Int(command, 1, 0, 2) : cops_format_;
  if (!mode || !format || command.args.size() > 3) return ParamError();
  if (*mode == 3) {
    cops_format_ = static_cast<int>(*format);
    return Reply().Ok();
  }
  if (cfun_ != 1) return NeedsCfun();
  Reply reply;
  reply.Wait(latency_.cops_select);
  if (*mode == 2) {
    for (std::string& urc : Detach()) reply.Urc(std::move(urc));
    cops_mode_ = 2;
    return std::move(reply.Ok());
  }
  if (*mode == 0) {
    cops_mode_ = 0;
    plmn_ = scenario_.home_plmn;
    if (Attach(reply)) reply.Ok();
    return reply;
  }
  if (!HasArg(command, 2)) return ParamError();
  const std::string& oper = command.args[2];
  bool known = std::find(scenario_.selectable.begin(), scenario_.selectable.end(), oper) !=
               scenario_.selectable.end();
  if (known) {
    cops_mode_ = static_cast<int>(*mode);
    plmn_ = oper;
    if (Attach(reply)) reply.Ok();
    return reply;
  }
  if (*mode == 4) {  // manual/automatic: a failed manual selection falls back to automatic
    cops_mode_ = 0;
    plmn_ = scenario_.home_plmn;
    if (Attach(reply)) reply.Ok();
    return reply;
  }
  // Manual §2.18.2: a failed manual selection lists the usable PLMNs, answers OK and leaves the
  // MS unregistered.
  for (std::string& urc : Detach()) reply.Urc(std::move(urc));
  std::string list;
  for (const std::string& plmn : scenario_.selectable) {
    list += (list.empty() ? "" : ",") + std::string("(1,\"\",\"\",\"") + plmn + "\")";
  }
  reply.Info("+COPS: " + list);
  return std::move(reply.Ok());
}

Reply Network::Lpm(const SimCommand& command) {
  switch (command.form) {
    case Form::kTest:
      return Line("+LPM: (0-1),(0-1)");
    case Form::kRead:
      return Line("+LPM: " + std::to_string(lpm_mode_) + "," + std::to_string(lpm_control_));
    case Form::kExec:
      return ParamError();
    case Form::kSet:
      break;
  }
  std::optional<long long> mode = HasArg(command, 0) ? Int(command, 0, 0, 1) : lpm_mode_;
  std::optional<long long> control = HasArg(command, 1) ? Int(command, 1, 0, 1) : lpm_control_;
  if (!mode || !control || command.args.size() > 2) return ParamError();
  lpm_mode_ = static_cast<int>(*mode);
  lpm_control_ = static_cast<int>(*control);
  return Reply().Ok();
}

Reply Network::FactoryTest(const SimCommand& command) {
  if (command.form == Form::kTest) return Line("+FACTORYTEST:<type>,<control>,<control1>");
  if (command.form != Form::kSet) return ParamError();
  std::optional<long long> type = Int(command, 0, 0, 12);
  std::optional<long long> control = HasArg(command, 1) ? Int(command, 1, 0, 9) : 0;
  std::optional<long long> control1 = HasArg(command, 2) ? Int(command, 2, 0, 1) : 0;
  if (!type || !control || !control1) return ParamError();
  // Manual §2.62.1 canned answers, verbatim, including its "5 → 4,573" and "11 → 10,0" lines.
  switch (*type) {
    case 0:
      if (*control == 0) return Line("+FACTORYTEST:0,0");
      return Line(*control1 == 1 ? "+FACTORYTEST:0,1" : "+FACTORYTEST:0,3");
    case 1:
      return Line("+FACTORYTEST:1,0");
    case 3:
      return Line("+FACTORYTEST:3,1135");
    case 4:
    case 5:
      return Line("+FACTORYTEST:4,573");
    case 7:
      return Line("+FACTORYTEST:7,5");
    case 8:
      return Line("+FACTORYTEST:8,2.2");
    case 9:
      return Line("+FACTORYTEST:9,22");
    case 10:
      return Line("+FACTORYTEST:10,0xb14");
    case 11:
      return Line("+FACTORYTEST:10,0");
    default:  // 2 (LED), 6 (DA), 12 (PRINTF): plain OK — over an int, not an enum
      return Reply().Ok();
  }
}

}  // namespace uclink::sim
