#include "control/manager/scripts.h"

#include <array>

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using O = AtOutcome;

// "AT" answered within a second by a module in command mode; ModemManager probes 3 s × 6, but
// our probe is retried with an LCP Terminate in between, so keep each try short
// (docs/state-machine.md, "Lessons: keep each probe short").
constexpr ScriptStepSpec kProbe[] = {
    {"AT", Expect::kOk, {}, 1000ms, false, Capture::kNone},
};

// Escalation step (docs/state-machine.md, "Recovery and counters"): minimum functionality, then
// kInit's AT+CFUN=1 restores it.
constexpr ScriptStepSpec kRadioCycle[] = {
    {"AT+CFUN=0", Expect::kOk, {O::kError, O::kCmeError}, 10000ms, false, Capture::kNone},
};

constexpr ScriptStepSpec kInit[] = {
    // Echo off first so replies are not mixed with our own text (docs/at-channel.md, "Lessons:
    // echo may be on").
    {"ATE0", Expect::kOk, {O::kError}, 2000ms, false, Capture::kNone},
    // Numeric +CME ERROR / +EXT ERROR codes (manual §2.7, tables §3.1/§3.2).
    {"AT+CMEE=1", Expect::kOk, {O::kError}, 2000ms, false, Capture::kNone},
    // Full functionality (manual §2.1); ModemManager allows 5 s, some modules need up to 10 s
    // (docs/state-machine.md, "Lessons: radio on takes seconds").
    {"AT+CFUN=1",
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     10000ms,
     false,
     Capture::kNone},
    // Identity for `status` (manual §2.2–§2.6); a module without SIM fails CIMI: optional.
    {"AT+CGMI", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, true, Capture::kManufacturer},
    {"AT+CGMM", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, true, Capture::kModel},
    {"AT+CGMR", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, true, Capture::kRevision},
    {"AT+CGSN", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, true, Capture::kImei},
    {"AT+CIMI", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, true, Capture::kImsi},
    // PDP context (manual §2.11.2); "IP" must be upper case per the manual's example.
    {"AT+CGDCONT={cid},\"IP\",\"{apn}\"",
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     2000ms,
     false,
     Capture::kNone},
    // Registration URCs "+CGREG: <stat>" on every change (manual §2.15).
    {"AT+CGREG=1", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, false, Capture::kNone},
};

constexpr ScriptStepSpec kAttach[] = {
    // One signal reading before data mode takes the only port (shown later with its age).
    {"AT+CSQ", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, true, Capture::kNone},
    // PS attach (manual §2.9); +CGREG URCs may arrive before its OK (manual §2.15.3).
    // 75 s: ModemManager waits 10 s, but a GPRS attach can take a minute (docs/state-machine.md,
    // "Lessons: attach can take a minute").
    {"AT+CGATT=1",
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     75000ms,
     false,
     Capture::kNone},
};

constexpr ScriptStepSpec kDial[] = {
    // Data mode (manual §2.16): CONNECT, then the line carries PPP. NO CARRIER or an error
    // here means the module refuses PPP for this context: the in-band fallback applies.
    {"AT+CGDATA=\"PPP\",{cid}",
     Expect::kConnect,
     {O::kError, O::kCmeError, O::kExtError, O::kNoCarrier},
     30000ms,
     false,
     Capture::kNone},
};

constexpr ScriptStepSpec kInbandActivate[] = {
    // Module-internal IP (manual §2.10.2): activation may include the attach, hence 150 s.
    {"AT+CGACT=1,{cid}",
     Expect::kOk,
     {O::kError, O::kCmeError, O::kExtError},
     150000ms,
     false,
     Capture::kNone},
};

constexpr ScriptStepSpec kDeactivate[] = {
    // ModemManager uses 45 s for +CGACT=0; optional: the context may be gone
    // (docs/state-machine.md, "Lessons: deactivation may be slow, or moot").
    {"AT+CGACT=0,{cid}",
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
    {"AT", Expect::kOk, {O::kError}, 2000ms, false, Capture::kNone},
    {"AT+CSQ", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, false, Capture::kNone},
    {"AT+CGREG?", Expect::kOk, {O::kError, O::kCmeError}, 2000ms, false, Capture::kNone},
    {"ATO", Expect::kConnect, {O::kError, O::kNoCarrier}, 3000ms, false, Capture::kNone},
};

// Hanging up while a slice left the call suspended in command mode: V.250 §6.3.6 ATH ends it
// (the simulator's --escape does the same); AT+CGACT=0 alone would leave the call behind.
constexpr ScriptStepSpec kEndSuspendedCall[] = {
    {"ATH", Expect::kOk, {O::kError}, 5000ms, true, Capture::kNone},
};

void ReplaceAll(std::string* text, std::string_view from, std::string_view to) {
  for (std::size_t at = text->find(from); at != std::string::npos; at = text->find(from, at)) {
    text->replace(at, from.size(), to);
    at += to.size();
  }
}

// RFC 1662 §4.2: escape flag, escape and (default ACCM) every control character.
void PutEscaped(std::uint8_t byte, std::vector<std::uint8_t>* out) {
  if (byte == 0x7e || byte == 0x7d || byte < 0x20) {
    out->push_back(0x7d);
    out->push_back(byte ^ 0x20);
  } else {
    out->push_back(byte);
  }
}

}  // namespace

const char* ToString(AtOutcome outcome) {
  switch (outcome) {
    case AtOutcome::kOk:
      return "OK";
    case AtOutcome::kConnect:
      return "CONNECT";
    case AtOutcome::kError:
      return "ERROR";
    case AtOutcome::kCmeError:
      return "+CME ERROR";
    case AtOutcome::kExtError:
      return "+EXT ERROR";
    case AtOutcome::kNoCarrier:
      return "NO CARRIER";
    case AtOutcome::kTimeout:
      return "timeout";
  }
  return "?";
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
  }
  return {};
}

std::vector<ScriptStep> Expand(Script script, int cid, std::string_view apn) {
  std::vector<ScriptStep> steps;
  for (const ScriptStepSpec& spec : StepsOf(script)) {
    ScriptStep step;
    step.command = std::string(spec.command);
    if (apn.empty()) ReplaceAll(&step.command, ",\"{apn}\"", "");
    ReplaceAll(&step.command, "{apn}", apn);
    ReplaceAll(&step.command, "{cid}", std::to_string(cid));
    step.expect = spec.expect;
    step.failures.assign(spec.failures.begin(), spec.failures.end());
    step.timeout = spec.timeout;
    step.optional = spec.optional;
    step.capture = spec.capture;
    steps.push_back(std::move(step));
  }
  return steps;
}

std::uint16_t Fcs16(std::uint16_t fcs, std::span<const std::uint8_t> bytes) {
  // RFC 1662 §C.2, bitwise form of the 0x8408 (reflected 0x1021) polynomial.
  for (std::uint8_t byte : bytes) {
    fcs ^= byte;
    for (int bit = 0; bit < 8; ++bit) fcs = (fcs & 1) ? (fcs >> 1) ^ 0x8408 : fcs >> 1;
  }
  return fcs;
}

std::vector<std::uint8_t> LcpTerminateRequestFrame(std::uint8_t identifier) {
  // Address 0xFF, Control 0x03, Protocol 0xC021 (LCP), Code 5 (Terminate-Request), Id,
  // Length 4 (RFC 1661 §5.5: no data). No ACFC/PFC: nothing has been negotiated.
  const std::array<std::uint8_t, 8> body = {0xff, 0x03, 0xc0, 0x21, 0x05, identifier, 0x00, 0x04};
  const std::uint16_t fcs = Fcs16(0xffff, body) ^ 0xffff;
  std::vector<std::uint8_t> frame = {0x7e};
  for (std::uint8_t byte : body) PutEscaped(byte, &frame);
  PutEscaped(static_cast<std::uint8_t>(fcs & 0xff), &frame);  // least significant octet first
  PutEscaped(static_cast<std::uint8_t>(fcs >> 8), &frame);
  frame.push_back(0x7e);
  return frame;
}

}  // namespace uclink::control
