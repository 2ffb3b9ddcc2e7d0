// AT+FACTORYTEST (§2.62): factory test firmware only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/at_args.h"

namespace uclink::chat {

// The arguments of AT+FACTORYTEST=<type>[,<control>[,<control1>[,<band>[,<power>[,<rssi>]]]]].
// Trailing parameters left unset are omitted (the module defaults them to 0, §2.62).
struct FactoryTestRequest {
  // 0 RF … 12 PRINTF. The parameter list of §2.62 stops at 10 while its flow (§2.62.1) uses
  // types up to 12 with other meanings (9 temperature, 10 SPI, 11 I2C, 12 PRINTF); we allow 0–12.
  int type = 0;
  std::optional<int> control;   // 0/1 off/on or low/high; the GPS test uses 3 and 4 (§2.62.1 8)
  std::optional<int> control1;  // 0 TX, 1 RX
  std::optional<int> band;      // 0 low, 1 high channel
  std::optional<int> power;     // 800 in every example
  std::optional<int> rssi;      // dBm, -65 in every example
};
Result<std::string> EncodeFactorytest(const FactoryTestRequest& request);

// `+FACTORYTEST:0,1`, `+FACTORYTEST:8,2.2`, `+FACTORYTEST:10,0xb14` (§2.62.1). The value is
// kept as text (decimal, fraction or hex) with its integer reading when it has one. The manual
// echoes a different type in two examples (type 5 answers 4, type 11 answers 10), so `type` is
// what the line says, not checked against the request.
struct FactoryTestResult {
  int type = 0;
  std::string value;
  std::optional<long long> integer;

  friend bool operator==(const FactoryTestResult&, const FactoryTestResult&) = default;
};
Result<FactoryTestResult> DecodeFactorytest(std::string_view line);

// The meaning of an RF test result (type 0, §2.62.1 "X 含义"), Chinese text and English gloss.
struct FactoryRfResult {
  int code;
  std::string_view text;
  std::string_view gloss;
};
std::optional<FactoryRfResult> DescribeFactoryRfResult(int code);

}  // namespace uclink::chat
