#include "chat/commands/http.h"

#include "chat/commands/text_params.h"

namespace uclink::chat {

Result<std::string> EncodeHttptls(int tls) {
  if (auto e = CheckRange(tls, 0, 1, "<tls>", "§2.44")) return *e;
  return CommandText("+HTTPTLS").Int(tls).Take();
}

Result<int> DecodeHttptls(std::string_view line) {
  auto args = ParseInfo(line, {"HTTPTLS"}, 1, 1);
  if (!args) return args.error();
  auto tls = ParseInt((*args)[0], 0, 1, "<tls>");
  if (!tls) return tls.error();
  return static_cast<int>(*tls);
}

std::string_view ToString(HttpParam param) {
  switch (param) {
    case HttpParam::kUrl:
      return "url";
    case HttpParam::kPort:
      return "port";
    case HttpParam::kTimeout:
      return "timeout";
    case HttpParam::kUser:
      return "user";
    case HttpParam::kBody:
      return "body";
    case HttpParam::kMode:
      return "mode";
    case HttpParam::kPath:
      return "path";
  }
  return "url";
}

namespace {

struct ParamLimit {
  std::int64_t min;
  std::int64_t max;
};

std::optional<ParamLimit> NumericLimit(HttpParam param) {
  switch (param) {
    case HttpParam::kPort:
      return ParamLimit{1, 65535};
    case HttpParam::kTimeout:
      return ParamLimit{1, 65535};
    case HttpParam::kMode:
      return ParamLimit{0, 1};
    case HttpParam::kUrl:
    case HttpParam::kUser:
    case HttpParam::kBody:
    case HttpParam::kPath:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<TextParam> TextParamFor(HttpParam param) {
  switch (param) {
    case HttpParam::kUrl:
      return TextParam::kHttpUrl;
    case HttpParam::kUser:
      return TextParam::kHttpUser;
    case HttpParam::kBody:
      return TextParam::kHttpBody;
    case HttpParam::kPath:
      return TextParam::kHttpPath;
    case HttpParam::kPort:
    case HttpParam::kTimeout:
    case HttpParam::kMode:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> EncodeHttppara(HttpParam param, std::string_view value) {
  if (auto limit = NumericLimit(param)) {
    auto v = ParseInt({ArgKind::kBare, value}, limit->min, limit->max, ToString(param));
    if (!v) return v.error();
    return EncodeHttppara(param, static_cast<int>(*v));
  }
  const std::optional<TextParam> text_param = TextParamFor(param);
  if (!text_param) return MakeError(CommandErrc::kUnsupportedForm, "no text parameter");
  if (auto e = CheckParam(*text_param, value)) return *e;
  return CommandText("+HTTPPARA").Bare(ToString(param)).Bare(value).Take();
}

Result<std::string> EncodeHttppara(HttpParam param, int value) {
  auto limit = NumericLimit(param);
  if (!limit) {
    return MakeError(CommandErrc::kUnsupportedForm,
                     std::string(ToString(param)) + " takes text, not a number");
  }
  if (auto e = CheckRange(value, limit->min, limit->max, ToString(param), "§2.45")) return *e;
  return CommandText("+HTTPPARA").Bare(ToString(param)).Int(value).Take();
}

Result<std::string> EncodeHttpdata(std::string_view data) {
  if (auto e = CheckParam(TextParam::kHttpData, data)) return *e;
  return CommandText("+HTTPDATA").Int(static_cast<std::int64_t>(data.size())).Bare(data).Take();
}

std::string_view ToString(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kHead:
      return "HEAD";
    case HttpMethod::kPut:
      return "PUT";
    case HttpMethod::kPost:
      return "POST";
  }
  return "GET";
}

Result<std::string> EncodeHttpaction(HttpMethod method) {
  return CommandText("+HTTPACTION").Int(static_cast<int>(method)).Take();
}

Result<HttpActionResult> DecodeHttpaction(std::string_view line) {
  auto args = ParseInfo(line, {"HTTPACTION"}, 2, 2);
  if (!args) return args.error();
  auto status = ParseInt((*args)[0], 0, 999, "<STATE>");
  if (!status) return status.error();
  auto length = ParseLength((*args)[1], kMaxPayloadLength, "<LENT>");
  if (!length) return length.error();
  return HttpActionResult{static_cast<int>(*status), *length};
}

Result<PayloadHeader> DecodeHttpreadHeader(std::string_view bytes, bool line_complete) {
  std::size_t end = 0;
  auto fields = ScanHeaderFields(bytes, {"HTTPREAD"}, 1, line_complete, &end);
  if (!fields) {
    // `+HTTPREAD: 192` without the comma, then the body on the next lines.
    if (!line_complete || fields.error().code != CommandErrc::kMissingField) return fields.error();
    auto args = ParseInfo(bytes, {"HTTPREAD"}, 1, 1);
    if (!args) return args.error();
    auto length = ParseLength((*args)[0], kMaxPayloadLength, "<lent>");
    if (!length) return length.error();
    return PayloadHeader{*length, bytes.size(), true, {}};
  }
  auto length = ParseLength((*fields)[0], kMaxPayloadLength, "<lent>");
  if (!length) return length.error();
  return LocateInlinePayload(bytes, end, *length, line_complete, false);
}

}  // namespace uclink::chat
