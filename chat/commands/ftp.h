// FTP client: AT+FTPMODE … AT+FTPQUIT (§2.26–§2.43). Names, paths and credentials are sent bare
// (every example of the manual does so) and are at most 64 bytes (§2.30–§2.36).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "chat/at_args.h"
#include "chat/commands/command_table.h"

namespace uclink::chat {

// Longest FTP user name, password, file name, path or directory (§2.30–§2.36).
inline constexpr std::size_t kMaxFtpName = 64;
// Largest AT+FTPPUT chunk: the manual gives no limit; we use the MQTT message limit (§2.56).
inline constexpr std::size_t kMaxFtpPutData = 1024;

// AT+FTPMODE=<0 active | 1 passive> (§2.26).
Result<std::string> EncodeFtpmode(int mode);

// <value> of AT+FTPTYPE (§2.27): I binary, A ASCII.
enum class FtpTransferType { kBinary, kAscii };

// Stable name of a FtpTransferType, as sent: "I", "A".
std::string_view ToString(FtpTransferType type);

// AT+FTPTYPE=I (§2.27; §2.43 types it in lower case, we send upper case).
Result<std::string> EncodeFtptype(FtpTransferType type);

// The read answer `+FTPTYPE: I` (any case). The set answer `+FTPTYPE:0` is a code: DecodeFtpCode.
Result<FtpTransferType> DecodeFtptype(std::string_view line);

// AT+FTPRESET=<value> (§2.28: 5 in the example; a non-negative restart value).
Result<std::string> EncodeFtpreset(int value);

// AT+FTPSERV=<host> (§2.29, bare: AT+FTPSERV=192.168.2.222 in §2.43).
Result<std::string> EncodeFtpserv(std::string_view host);

// AT+FTPUN=<user>, AT+FTPPW=<password>, AT+FTPGETNAME=<file>, AT+FTPPATH=<path>,
// AT+FTPPUTNAME=<file>, AT+FTPMKD=<dir>, AT+FTPRMD=<dir>, AT+FTPSIZE=<file> (§2.30–§2.36,
// §2.43). `command` must be one of those; the value is checked against kMaxFtpName.
Result<std::string> EncodeFtpName(Command command, std::string_view value);

// AT+FTPGET (§2.37) and AT+FTPGET=<mode>,<file> (§2.43: AT+FTPGET=1,123).
Result<std::string> EncodeFtpget();
Result<std::string> EncodeFtpget(int mode, std::string_view file);

// AT+FTPPUT=<len>,<data> (§2.39, §2.43); empty data gives the end marker AT+FTPPUT=0, .
Result<std::string> EncodeFtpput(std::string_view data);

// A one-number answer of an FTP command: `+FTPSERV:0` (result table of §2.29, see
// DescribeFtpServResult), `+FTPPATH:250` and `+FTPTYPE:0` (FTP codes, DescribeFtp),
// `+FTPSIZE:5` (bytes), `+FTPMODE: 0`, `+ FTPRESET:5`.
Result<long long> DecodeFtpCode(std::string_view line, Command command);

// A text answer of a read form: `+ FTPSERV: 129.168.0.1`, `+ FTPUN: XX`, `+ FTPPATH: XX`, ...
Result<std::string> DecodeFtpValue(std::string_view line, Command command);

// The Chinese text and English gloss of an AT+FTPSERV result code (table of §2.29).
struct FtpServResult {
  int code;
  std::string_view text;   // as printed in the manual
  std::string_view gloss;  // English
};
std::optional<FtpServResult> DescribeFtpServResult(int code);

// `+FTPGET:24,1234...` (§2.43): the file data is inline after the length.
Result<PayloadHeader> DecodeFtpgetHeader(std::string_view bytes, bool line_complete);

// `+FTPLIST:0,370` (§2.43): the listing follows on the next lines.
struct FtpListHeader {
  int mode = 0;
  PayloadHeader payload;

  friend bool operator==(const FtpListHeader&, const FtpListHeader&) = default;
};
Result<FtpListHeader> DecodeFtplistHeader(std::string_view bytes, bool line_complete);

// `+ FTPSCON :` (§2.41.2) then free text lines: returns the text after the colon (may be empty).
Result<std::string> DecodeFtpscon(std::string_view line);

}  // namespace uclink::chat
