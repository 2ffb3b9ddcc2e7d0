#include "control/manager/scripts.h"

#include <cstdio>
#include <cstdlib>

#include "chat/at_command.h"
#include "chat/commands/command_table.h"
#include "chat/commands/identity.h"
#include "chat/commands/network.h"
#include "chat/commands/pdp.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using O = chat::FinalKind;
using P = ScriptParams;
using Text = chat::Result<std::string>;

// ---- the commands, built by chat's encoders --------------------------------------------------

// V.250 basic commands (§5.2.1 "AT", §6.2.4 E, §6.3.6 H, §6.3.7 O): the UC8088 manual lists none
// of them in its command set, so chat has no typed encoder for them.
Text Attention(const P&) { return std::string("AT"); }
Text EchoOff(const P&) { return std::string("ATE0"); }
Text HangUp(const P&) { return std::string("ATH"); }
Text ReturnOnline(const P&) { return std::string("ATO"); }

Text NumericErrors(const P&) { return chat::EncodeCmee(1); }
Text RadioOn(const P&) { return chat::EncodeCfun(1); }
Text RadioOff(const P&) { return chat::EncodeCfun(0); }
Text Manufacturer(const P&) { return chat::EncodeExec(chat::Command::kCgmi); }
Text Model(const P&) { return chat::EncodeExec(chat::Command::kCgmm); }
Text Revision(const P&) { return chat::EncodeExec(chat::Command::kCgmr); }
Text Imei(const P&) { return chat::EncodeExec(chat::Command::kCgsn); }
Text Imsi(const P&) { return chat::EncodeExec(chat::Command::kCimi); }
Text DefineContext(const P& p) {
  return chat::EncodeCgdcont({.cid = p.cid, .type = p.pdp_type, .apn = std::string(p.apn)});
}
Text RegistrationUrcs(const P&) { return chat::EncodeCgreg(1); }
Text Registration(const P&) { return chat::EncodeRead(chat::Command::kCgreg); }
Text SignalQuality(const P&) { return chat::EncodeExec(chat::Command::kCsq); }
Text Attach(const P&) { return chat::EncodeCgatt(1); }
Text EnterDataMode(const P& p) { return chat::EncodeCgdata(p.cid); }
Text Activate(const P& p) {
  const int cids[] = {p.cid};
  return chat::EncodeCgact(1, cids);
}
Text Deactivate(const P& p) {
  const int cids[] = {p.cid};
  return chat::EncodeCgact(0, cids);
}

// ---- the scripts ---------------------------------------------------------------------------
// A timeout written in a step overrides chat's table (chat/commands/timeouts.h) for the manager
// only, and says why; std::nullopt takes the table's value.

// "AT" answered within a second by a module in command mode. Override (table: 2 s): our probe is
// retried with an LCP Terminate in between, so each try stays short (docs/state-machine.md,
// "Lessons: keep each probe short").
constexpr ScriptStepSpec kProbe[] = {
    {Attention, Expect::kOk, {}, 1000ms, false, Capture::kNone},
};

// Escalation step (docs/state-machine.md, "Recovery and counters"): minimum functionality, then
// kInit's AT+CFUN=1 restores it. Override (table: 15 s): the manager gives radio off the 10 s it
// gives radio on (docs/state-machine.md, "Lessons: radio on takes seconds"), so a module that
// no longer answers reaches the next rung of the recovery ladder sooner.
constexpr ScriptStepSpec kRadioCycle[] = {
    {RadioOff, Expect::kOk, {O::kError, O::kCmeError}, 10000ms, false, Capture::kNone},
};

constexpr ScriptStepSpec kInit[] = {
    // Echo off first so replies are not mixed with our own text (docs/at-channel.md, "Lessons:
    // echo may be on").
    {EchoOff, Expect::kOk, {O::kError}, std::nullopt, false, Capture::kNone},
    // Numeric +CME ERROR / +EXT ERROR codes (manual §2.7, tables §3.1/§3.2).
    {NumericErrors, Expect::kOk, {O::kError}, std::nullopt, false, Capture::kNone},
    // Full functionality (manual §2.1). Override (table: 15 s): ModemManager allows 5 s, some
    // modules need up to 10 s, and the manager waits no longer before it counts the module as
    // lost (docs/state-machine.md, "Lessons: radio on takes seconds").
    {RadioOn, Expect::kOk, {O::kError, O::kCmeError, O::kExtError}, 10000ms, false, Capture::kNone},
    // Identity for `status` (manual §2.2–§2.6); a module without SIM fails CIMI: optional.
    {Manufacturer,
     Expect::kOk,
     {O::kError, O::kCmeError},
     std::nullopt,
     true,
     Capture::kManufacturer},
    {Model, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, true, Capture::kModel},
    {Revision, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, true, Capture::kRevision},
    {Imei, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, true, Capture::kImei},
    {Imsi, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, true, Capture::kImsi},
    // PDP context (manual §2.11.2).
    {DefineContext,
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     std::nullopt,
     false,
     Capture::kNone},
    // Registration URCs "+CGREG: <stat>" on every change (manual §2.15).
    {RegistrationUrcs, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, false, Capture::kNone},
};

constexpr ScriptStepSpec kAttach[] = {
    // One signal reading before data mode takes the only port (shown later with its age).
    {SignalQuality, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, true, Capture::kNone},
    // PS attach (manual §2.9); +CGREG URCs may arrive before its OK (manual §2.15.3).
    // Override (table: 90 s): 75 s, because ModemManager waits 10 s but a GPRS attach can take
    // a minute, and the manager's recovery should not wait longer than that minute and a margin
    // (docs/state-machine.md, "Lessons: attach can take a minute").
    {Attach, Expect::kOk, {O::kError, O::kCmeError, O::kExtError}, 75000ms, false, Capture::kNone},
};

constexpr ScriptStepSpec kDial[] = {
    // Data mode (manual §2.16): CONNECT, then the line carries PPP. NO CARRIER or an error
    // here means the module refuses PPP for this context: the in-band fallback applies.
    // Override (table: 10 s): the manager's documented dial budget is 30 s, the `dial-timeout`
    // of docs/state-machine.md, "Error codes".
    {EnterDataMode,
     Expect::kConnect,
     {O::kError, O::kCmeError, O::kExtError, O::kNoCarrier},
     30000ms,
     false,
     Capture::kNone},
};

constexpr ScriptStepSpec kInbandActivate[] = {
    // Module-internal IP (manual §2.10.2). Override (table: 90 s): activation may include the
    // attach, so it gets the attach's 75 s twice, 150 s.
    {Activate,
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     150000ms,
     false,
     Capture::kNone},
};

constexpr ScriptStepSpec kDeactivate[] = {
    // Optional: the context may be gone. Override (table: 90 s): 45 s, ModemManager's figure for
    // +CGACT=0 (docs/state-machine.md, "Lessons: deactivation may be slow, or moot").
    {Deactivate,
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     45000ms,
     true,
     Capture::kNone},
};

// A monitoring slice on a single port (docs/state-machine.md, "Monitoring slices"), after "+++"
// and its guard times. The
// UC8088 manual documents neither "+++" nor ATO (modem.escape_supported opts in); the replies
// are V.250's: OK in command mode, CONNECT when ATO resumes the suspended call (V.250 §6.3.7).
// The slice picks the steps it needs: the check, the readings that are due, the return.
constexpr ScriptStepSpec kEscapeSlice[] = {
    // Any final result proves command mode; a silent line means the escape was not taken.
    {Attention, Expect::kOk, {O::kError}, std::nullopt, false, Capture::kNone},
    {SignalQuality, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, false, Capture::kNone},
    {Registration, Expect::kOk, {O::kError, O::kCmeError}, std::nullopt, false, Capture::kNone},
    // Override (table: 2 s, ATO is not in it): the module answers CONNECT only once the call
    // has resumed, so it gets a second more than a local command.
    {ReturnOnline, Expect::kConnect, {O::kError, O::kNoCarrier}, 3000ms, false, Capture::kNone},
};

// Hanging up while a slice left the call suspended in command mode: V.250 §6.3.6 ATH ends it
// (the simulator's --escape does the same); AT+CGACT=0 alone would leave the call behind.
// Override (table: 2 s, ATH is not in it): ending the call is network signalling, not a local
// setting; 5 s, and the step is optional.
constexpr ScriptStepSpec kEndSuspendedCall[] = {
    {HangUp, Expect::kOk, {O::kError}, 5000ms, true, Capture::kNone},
};

// network.apn = "auto" (docs/apn.md): each candidate's context is defined right before its
// activation (manual §2.11.2), so a refused candidate is replaced without a new init.
constexpr ScriptStepSpec kDefineContext[] = {
    {DefineContext,
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     std::nullopt,
     false,
     Capture::kNone},
};

}  // namespace

const char* ToString(const AtOutcome& outcome) {
  // chat's names are string literals, so data() is terminated.
  return outcome ? chat::ToString(*outcome).data() : "timeout";
}

const char* ToString(Expect expect) {
  switch (expect) {
    case Expect::kOk:
      return "OK";
    case Expect::kConnect:
      return "CONNECT";
  }
  return "?";
}

const char* ToString(Capture capture) {
  switch (capture) {
    case Capture::kNone:
      return "none";
    case Capture::kManufacturer:
      return "manufacturer";
    case Capture::kModel:
      return "model";
    case Capture::kRevision:
      return "revision";
    case Capture::kImei:
      return "imei";
    case Capture::kImsi:
      return "imsi";
  }
  return "?";
}

const char* ToString(Script script) {
  switch (script) {
    case Script::kProbe:
      return "probe";
    case Script::kRadioCycle:
      return "radio-cycle";
    case Script::kInit:
      return "init";
    case Script::kAttach:
      return "attach";
    case Script::kDial:
      return "dial";
    case Script::kInbandActivate:
      return "inband-activate";
    case Script::kDeactivate:
      return "deactivate";
    case Script::kEscapeSlice:
      return "escape-slice";
    case Script::kEndSuspendedCall:
      return "end-suspended-call";
    case Script::kDefineContext:
      return "define-context";
  }
  return "?";
}

std::span<const ScriptStepSpec> StepsOf(Script script) {
  switch (script) {
    case Script::kProbe:
      return kProbe;
    case Script::kRadioCycle:
      return kRadioCycle;
    case Script::kInit:
      return kInit;
    case Script::kAttach:
      return kAttach;
    case Script::kDial:
      return kDial;
    case Script::kInbandActivate:
      return kInbandActivate;
    case Script::kDeactivate:
      return kDeactivate;
    case Script::kEscapeSlice:
      return kEscapeSlice;
    case Script::kEndSuspendedCall:
      return kEndSuspendedCall;
    case Script::kDefineContext:
      return kDefineContext;
  }
  return {};
}

std::vector<ScriptStep> Expand(Script script, int cid, std::string_view apn,
                               chat::PdpType pdp_type) {
  static const chat::TimeoutTable kTimeouts;
  const ScriptParams params{.cid = cid, .apn = apn, .pdp_type = pdp_type};
  std::vector<ScriptStep> steps;
  for (const ScriptStepSpec& spec : StepsOf(script)) {
    chat::Result<std::string> command = spec.command(params);
    if (!command) {
      // Config validation applies the encoders' own cid and APN rules (control/config/config.cc),
      // so a refusal here is a bug in the caller, not an input to recover from.
      std::fprintf(stderr, "uclink: script %s: %s\n", ToString(script),
                   command.error().detail.c_str());
      std::abort();
    }
    ScriptStep step;
    step.command = std::move(*command);
    step.expect = spec.expect;
    step.failures.assign(spec.failures.begin(), spec.failures.end());
    step.timeout = spec.timeout.value_or(kTimeouts.For(step.command));
    step.optional = spec.optional;
    step.capture = spec.capture;
    steps.push_back(std::move(step));
  }
  return steps;
}

std::optional<std::string> DecodeCapture(Capture capture, const std::vector<std::string>& info) {
  if (info.empty()) return std::nullopt;
  chat::Result<std::string> value = std::string();
  switch (capture) {
    case Capture::kManufacturer:
      value = chat::DecodeCgmi(info.front());
      break;
    case Capture::kModel:
      value = chat::DecodeCgmm(info.front());
      break;
    case Capture::kRevision: {
      const std::vector<std::string_view> lines(info.begin(), info.end());
      chat::Result<chat::Revision> revision = chat::DecodeCgmr(lines);
      if (!revision) return std::nullopt;
      value = revision->software;
      break;
    }
    case Capture::kImei:
      value = chat::DecodeCgsn(info.front());
      break;
    case Capture::kImsi:
      value = chat::DecodeCimi(info.front());
      break;
    case Capture::kNone:
      return std::nullopt;
  }
  if (!value) return std::nullopt;
  return std::move(*value);
}

}  // namespace uclink::control
