// The module's error and result codes as data: UC8088 manual tables 3.1 (CME), 3.2 (EXT),
// 3.3 (HTTP), 3.4 (MQTT) and 3.5 (FTP), so every error a user sees names its meaning.
// Pure: standard library only.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace uclink::chat {

// One row of a table: the code, the manual's text verbatim, and a short English gloss where the
// manual's text is an identifier (FTP_PASV_OK) or cut short; empty when the text says it all.
struct ErrorEntry {
  int code;
  std::string_view text;
  std::string_view gloss;
};

// Which table.
enum class ErrorTable { kCme, kExt, kHttp, kMqtt, kFtp };

// Stable name of an ErrorTable: "cme", "ext", "http", "mqtt", "ftp".
std::string_view ToString(ErrorTable table);

// All rows of a table, in the manual's order.
std::span<const ErrorEntry> Entries(ErrorTable table);

// The row for `code`, or nullptr.
const ErrorEntry* FindEntry(ErrorTable table, int code);

// The manual's text for a code of table 3.1 (`+CME ERROR: <n>`), or nullopt if not listed.
std::optional<std::string_view> DescribeCme(int code);
// Table 3.2 (`+EXT ERROR: <n>`).
std::optional<std::string_view> DescribeExt(int code);
// Table 3.3 (HTTP result codes).
std::optional<std::string_view> DescribeHttp(int code);
// Table 3.4 (MQTT result codes, e.g. `+MQTTCONNECT: <n>`).
std::optional<std::string_view> DescribeMqtt(int code);
// Table 3.5 (FTP result codes and server replies, e.g. `+FTPPATH:250`).
std::optional<std::string_view> DescribeFtp(int code);

// The code of a verbose CME text (`+CME ERROR: operation not allowed` with AT+CMEE=2, manual
// §2.7.4), matched case-insensitively and ignoring surrounding spaces; nullopt if unknown.
std::optional<int> CmeCodeFromText(std::string_view text);

}  // namespace uclink::chat
