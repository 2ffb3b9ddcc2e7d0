#include "chat/commands/ftp.h"

#include <array>

#include "chat/commands/text_params.h"

namespace uclink::chat {
namespace {

// The names a response of `command` may carry: canonical and the manual's misspellings.
Result<std::vector<AtArg>> ParseFtpInfo(std::string_view line, Command command) {
  auto parts = SplitInfoLine(line);
  if (!parts || CommandFromName(parts->name) != command) {
    return MakeError(CommandErrc::kWrongPrefix, "expected " + std::string(ToString(command)));
  }
  auto args = SplitArgs(parts->params);
  if (!args) return args;
  if (args->empty()) return MakeError(CommandErrc::kMissingField, "no value");
  if (args->size() > 1) return MakeError(CommandErrc::kTooManyFields, "more than one value");
  return args;
}

// The row of the text-parameter table that a name command's value follows.
std::optional<TextParam> FtpNameParam(Command c) {
  switch (c) {
    case Command::kFtpun:
      return TextParam::kFtpUser;
    case Command::kFtppw:
      return TextParam::kFtpPassword;
    case Command::kFtpgetname:
      return TextParam::kFtpGetName;
    case Command::kFtppath:
      return TextParam::kFtpPath;
    case Command::kFtpputname:
      return TextParam::kFtpPutName;
    case Command::kFtpmkd:
    case Command::kFtprmd:
      return TextParam::kFtpDirectory;
    case Command::kFtpsize:
      return TextParam::kFtpSizeName;
    default:
      return std::nullopt;
  }
}

// manual §2.29 结果返回码列表.
constexpr std::array<FtpServResult, 6> kFtpServResults = {{
    {0, "成功", "success"},
    {1, "pdp 未激活", "PDP context not active"},
    {2, "ip 地址有误", "bad IP address"},
    {3, "网络 ip 连接不上", "cannot reach the server"},
    {4, "ip 连接超时", "connection timed out"},
    {5, "服务器 ftp 拒绝", "the FTP server refused"},
}};

}  // namespace

Result<std::string> EncodeFtpmode(int mode) {
  if (auto e = CheckRange(mode, 0, 1, "<value>", "§2.26")) return *e;
  return CommandText("+FTPMODE").Int(mode).Take();
}

std::string_view ToString(FtpTransferType type) {
  switch (type) {
    case FtpTransferType::kBinary:
      return "I";
    case FtpTransferType::kAscii:
      return "A";
  }
  return "I";
}

Result<std::string> EncodeFtptype(FtpTransferType type) {
  return CommandText("+FTPTYPE").Bare(ToString(type)).Take();
}

Result<FtpTransferType> DecodeFtptype(std::string_view line) {
  auto args = ParseFtpInfo(line, Command::kFtptype);
  if (!args) return args.error();
  std::string_view v = (*args)[0].text;
  if (EqualsIgnoreCase(v, "I")) return FtpTransferType::kBinary;
  if (EqualsIgnoreCase(v, "A")) return FtpTransferType::kAscii;
  return MakeError(CommandErrc::kOutOfRange, "<value> is not I or A (UC8088 manual §2.27)");
}

Result<std::string> EncodeFtpreset(int value) {
  if (auto e = CheckRange(value, 0, INT32_MAX, "<value>", "§2.28")) return *e;
  return CommandText("+FTPRESET").Int(value).Take();
}

Result<std::string> EncodeFtpserv(std::string_view host) {
  if (auto e = CheckParam(TextParam::kFtpServer, host)) return *e;
  for (char c : host) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '.' || c == '-' || c == ':';
    if (!ok) return MakeError(CommandErrc::kInvalidCharacter, "<ip> is not a host name");
  }
  return CommandText("+FTPSERV").Bare(host).Take();
}

Result<std::string> EncodeFtpName(Command command, std::string_view value) {
  const std::optional<TextParam> param = FtpNameParam(command);
  if (!param) {
    return MakeError(CommandErrc::kUnsupportedForm,
                     std::string(ToString(command)) + " takes no FTP name");
  }
  if (auto e = CheckParam(*param, value)) return *e;
  return CommandText(SpecOf(command).name).Bare(value).Take();
}

Result<std::string> EncodeFtpget() { return std::string("AT+FTPGET"); }

Result<std::string> EncodeFtpget(int mode, std::string_view file) {
  if (auto e = CheckRange(mode, 0, 1, "<mode>", "§2.43")) return *e;
  if (auto e = CheckParam(TextParam::kFtpGetName, file)) return *e;
  return CommandText("+FTPGET").Int(mode).Bare(file).Take();
}

Result<std::string> EncodeFtpput(std::string_view data) {
  // The length prefix tells the module where the data ends, so commas and quotes are data; line
  // ends, control bytes and a leading space are not (TextParam::kFtpPutData).
  if (auto e = CheckParam(TextParam::kFtpPutData, data)) return *e;
  if (data.empty()) return std::string("AT+FTPPUT=0,");
  return CommandText("+FTPPUT").Int(static_cast<std::int64_t>(data.size())).Bare(data).Take();
}

Result<long long> DecodeFtpCode(std::string_view line, Command command) {
  auto args = ParseFtpInfo(line, command);
  if (!args) return args.error();
  auto v = ParseInt((*args)[0], 0, INT64_MAX / 2, "<code>");
  if (!v) return v.error();
  return static_cast<long long>(*v);
}

Result<std::string> DecodeFtpValue(std::string_view line, Command command) {
  auto parts = SplitInfoLine(line);
  if (!parts || CommandFromName(parts->name) != command) {
    return MakeError(CommandErrc::kWrongPrefix, "expected " + std::string(ToString(command)));
  }
  // Bare values may hold anything but a line end (a password with a comma); keep them whole.
  std::string_view v = parts->params;
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty()) return MakeError(CommandErrc::kMissingField, "no value");
  return std::string(v);
}

std::optional<FtpServResult> DescribeFtpServResult(int code) {
  for (const FtpServResult& r : kFtpServResults) {
    if (r.code == code) return r;
  }
  return std::nullopt;
}

Result<PayloadHeader> DecodeFtpgetHeader(std::string_view bytes, bool line_complete) {
  std::size_t end = 0;
  auto fields = ScanHeaderFields(bytes, {"FTPGET"}, 1, line_complete, &end);
  if (!fields) return fields.error();
  auto length = ParseLength((*fields)[0], kMaxPayloadLength, "<length>");
  if (!length) return length.error();
  return LocateInlinePayload(bytes, end, *length, line_complete, false);
}

Result<FtpListHeader> DecodeFtplistHeader(std::string_view bytes, bool line_complete) {
  if (!line_complete) {
    std::size_t end = 0;
    auto fields = ScanHeaderFields(bytes, {"FTPLIST"}, 1, false, &end);
    if (!fields) return fields.error();
    return MakeError(CommandErrc::kIncomplete, "the length ends at the line end");
  }
  auto args = ParseInfo(bytes, {"FTPLIST"}, 2, 2);
  if (!args) return args.error();
  auto mode = ParseInt((*args)[0], 0, 255, "<mode>");
  if (!mode) return mode.error();
  auto length = ParseLength((*args)[1], kMaxPayloadLength, "<length>");
  if (!length) return length.error();
  return FtpListHeader{static_cast<int>(*mode), {*length, bytes.size(), true, {}}};
}

Result<std::string> DecodeFtpscon(std::string_view line) {
  auto parts = SplitInfoLine(line);
  if (!parts || !EqualsIgnoreCase(parts->name, "FTPSCON")) {
    return MakeError(CommandErrc::kWrongPrefix, "expected +FTPSCON");
  }
  return std::string(parts->params);
}

}  // namespace uclink::chat
