#include "chat/commands/timeouts.h"

#include <array>

namespace uclink::chat {
namespace {

using std::chrono::seconds;

constexpr std::chrono::milliseconds s(int n) { return seconds(n); }

constexpr Form kSet = Form::kSet;
constexpr Form kExec = Form::kExec;
constexpr Form kRead = Form::kRead;
constexpr Form kTest = Form::kTest;

constexpr std::array<CommandTimeout, 35> kTimeouts = {{
    // CFUN=1 needs up to 10 s on some modules (docs/at-channel.md, "Lessons: timeouts to start
    // from").
    {"CFUN", kSet, s(15)},
    // Attach and PDP activation: TinyGSM 60 s, Mbed 3 min.
    {"CGATT", kSet, s(90)},
    {"CGACT", kSet, s(90)},
    // Network scan (Particle PR #1886) and manual selection (§2.18.2 may search).
    {"COPS", kTest, s(180)},
    {"COPS", kSet, s(180)},
    {"COPS", kRead, s(5)},
    // Dial → CONNECT (Zephyr dial script 10 s).
    {"CGDATA", kSet, s(10)},
    {"CGDATA", kExec, s(10)},
    {"D", kExec, s(10)},
    // TCP connect: three attempts before CONNECT FAIL (§2.22), TinyGSM 75 s.
    {"IPCREATE", kSet, s(75)},
    {"IPSEND", kSet, s(10)},
    {"IPCLOSE", kSet, s(15)},
    // FTP commands talk to the server before they answer (§2.43: +FTPPATH:250).
    {"FTPSERV", kSet, s(30)},
    {"FTPPATH", kSet, s(30)},
    {"FTPTYPE", kSet, s(30)},
    {"FTPMKD", kSet, s(30)},
    {"FTPRMD", kSet, s(30)},
    {"FTPSIZE", kSet, s(30)},
    {"FTPGET", kSet, s(60)},
    {"FTPGET", kExec, s(60)},
    {"FTPPUT", kSet, s(60)},
    {"FTPLIST", kExec, s(60)},
    {"FTPLIST", kSet, s(60)},
    {"FTPQUIT", kExec, s(15)},
    // HTTP: the request runs inside HTTPACTION (§2.47).
    {"HTTPINIT", kExec, s(10)},
    {"HTTPACTION", kSet, s(60)},
    {"HTTPREAD", kExec, s(30)},
    {"HTTPREAD", kSet, s(30)},
    // MQTT: connect timeout defaults to 5 s in the module (§2.55); allow the round trip.
    {"MQTTCONNECT", kExec, s(15)},
    {"MQTTPUB", kSet, s(15)},
    {"MQTTSUB", kSet, s(15)},
    {"MQTTUNSUB", kSet, s(15)},
    {"MQTTDISCONNECT", kExec, s(15)},
    {"MQTTLS", kSet, s(10)},
    {"FACTORYTEST", kSet, s(10)},
}};

}  // namespace

std::span<const CommandTimeout> CommandTimeouts() { return kTimeouts; }

std::chrono::milliseconds TimeoutOf(std::string_view name, Form form) {
  for (const CommandTimeout& row : kTimeouts) {
    if (row.name == name && row.form == form) return row.timeout;
  }
  return kBasicTimeout;
}

}  // namespace uclink::chat
