#include "chat/commands/timeouts.h"

#include <array>

namespace uclink::chat {
namespace {

using std::chrono::seconds;

constexpr std::chrono::milliseconds Seconds(int n) { return seconds(n); }

constexpr Form kSet = Form::kSet;
constexpr Form kExec = Form::kExec;
constexpr Form kRead = Form::kRead;
constexpr Form kTest = Form::kTest;

constexpr std::array<CommandTimeout, 35> kTimeouts = {{
    // CFUN=1 needs up to 10 s on some modules (docs/at-channel.md, "Lessons: timeouts to start
    // from").
    {"CFUN", kSet, Seconds(15)},
    // Attach and PDP activation: TinyGSM 60 s, Mbed 3 min.
    {"CGATT", kSet, Seconds(90)},
    {"CGACT", kSet, Seconds(90)},
    // Network scan (Particle PR #1886) and manual selection (§2.18.2 may search).
    {"COPS", kTest, Seconds(180)},
    {"COPS", kSet, Seconds(180)},
    {"COPS", kRead, Seconds(5)},
    // Dial → CONNECT (Zephyr dial script 10 s).
    {"CGDATA", kSet, Seconds(10)},
    {"CGDATA", kExec, Seconds(10)},
    {"D", kExec, Seconds(10)},
    // TCP connect: three attempts before CONNECT FAIL (§2.22), TinyGSM 75 s.
    {"IPCREATE", kSet, Seconds(75)},
    {"IPSEND", kSet, Seconds(10)},
    {"IPCLOSE", kSet, Seconds(15)},
    // FTP commands talk to the server before they answer (§2.43: +FTPPATH:250).
    {"FTPSERV", kSet, Seconds(30)},
    {"FTPPATH", kSet, Seconds(30)},
    {"FTPTYPE", kSet, Seconds(30)},
    {"FTPMKD", kSet, Seconds(30)},
    {"FTPRMD", kSet, Seconds(30)},
    {"FTPSIZE", kSet, Seconds(30)},
    {"FTPGET", kSet, Seconds(60)},
    {"FTPGET", kExec, Seconds(60)},
    {"FTPPUT", kSet, Seconds(60)},
    {"FTPLIST", kExec, Seconds(60)},
    {"FTPLIST", kSet, Seconds(60)},
    {"FTPQUIT", kExec, Seconds(15)},
    // HTTP: the request runs inside HTTPACTION (§2.47).
    {"HTTPINIT", kExec, Seconds(10)},
    {"HTTPACTION", kSet, Seconds(60)},
    {"HTTPREAD", kExec, Seconds(30)},
    {"HTTPREAD", kSet, Seconds(30)},
    // MQTT: connect timeout defaults to 5 s in the module (§2.55); allow the round trip.
    {"MQTTCONNECT", kExec, Seconds(15)},
    {"MQTTPUB", kSet, Seconds(15)},
    {"MQTTSUB", kSet, Seconds(15)},
    {"MQTTUNSUB", kSet, Seconds(15)},
    {"MQTTDISCONNECT", kExec, Seconds(15)},
    {"MQTTLS", kSet, Seconds(10)},
    {"FACTORYTEST", kSet, Seconds(10)},
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
