#include "control/api/service.h"

#include <array>
#include <utility>

namespace uclink::control::api {
namespace {

using nlohmann::json;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<Service, 6> kServices = {Service::kTcp, Service::kUdp,     Service::kHttp,
                                              Service::kFtp, Service::kMqttPub, Service::kMqttSub};

// Reads the optional fields of one params object; the first problem wins.
class FieldReader {
 public:
  explicit FieldReader(const json& params) : params_(params) {}

  void Text(const char* name, std::string* out, bool required = false) {
    if (!Present(name, required)) return;
    const json& v = params_[name];
    if (!v.is_string()) return Fail(std::string("\"") + name + "\" must be a string");
    if (v.get_ref<const std::string&>().size() > kMaxServiceText) {
      return Fail(std::string("\"") + name + "\" is longer than " +
                  std::to_string(kMaxServiceText) + " bytes");
    }
    *out = v.get<std::string>();
  }

  void Int(const char* name, int* out, int min, int max) {
    if (!Present(name, false)) return;
    const json& v = params_[name];
    if (!v.is_number_integer() || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
      return Fail(std::string("\"") + name + "\" must be an integer " + std::to_string(min) + ".." +
                  std::to_string(max));
    }
    *out = v.get<int>();
  }

  void Bool(const char* name, bool* out) {
    if (!Present(name, false)) return;
    if (!params_[name].is_boolean()) return Fail(std::string("\"") + name + "\" must be a boolean");
    *out = params_[name].get<bool>();
  }

  void Bytes(const char* name, std::string* out, std::size_t max) {
    if (!Present(name, false)) return;
    if (!params_[name].is_string()) return Fail(std::string("\"") + name + "\" must be base64");
    if (params_[name].get_ref<const std::string&>().size() > (max + 2) / 3 * 4) {
      return Fail(std::string("\"") + name + "\" holds more than " + std::to_string(max) +
                  " bytes");
    }
    std::optional<std::string> bytes = Base64Decode(params_[name].get_ref<const std::string&>());
    if (!bytes) return Fail(std::string("\"") + name + "\" is not valid base64");
    if (bytes->size() > max) {
      return Fail(std::string("\"") + name + "\" holds more than " + std::to_string(max) +
                  " bytes");
    }
    *out = std::move(*bytes);
  }

  void Headers(std::vector<std::string>* out) {
    if (!Present("headers", false)) return;
    const json& v = params_["headers"];
    if (!v.is_array() || v.size() > kMaxHeaders) {
      return Fail("\"headers\" must be an array of at most " + std::to_string(kMaxHeaders) +
                  " strings");
    }
    for (const json& h : v) {
      if (!h.is_string() || h.get_ref<const std::string&>().size() > kMaxServiceText) {
        return Fail("each header must be a string of at most " + std::to_string(kMaxServiceText) +
                    " bytes");
      }
      out->push_back(h.get<std::string>());
    }
  }

  // `value` must be one of `allowed`.
  void OneOf(const char* name, const std::string& value,
             std::initializer_list<const char*> allowed) {
    for (const char* a : allowed) {
      if (value == a) return;
    }
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : "|") + std::string(a);
    Fail(std::string("\"") + name + "\" must be " + list);
  }

  void Fail(std::string message) {
    if (!error_) error_ = Error{Errc::kInvalidParams, std::move(message)};
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  bool Present(const char* name, bool required) {
    if (error_) return false;
    if (params_.contains(name) && !params_[name].is_null()) return true;
    if (required) Fail(std::string("\"") + name + "\" is required");
    return false;
  }

  const json& params_;
  std::optional<Error> error_;
};

void ReadServiceFields(FieldReader& r, ServiceParams& p) {
  switch (p.service) {
    case Service::kTcp:
    case Service::kUdp:
      r.Text("host", &p.host, true);
      r.Int("port", &p.port, 1, 65535);
      if (p.port == 0) r.Fail("\"port\" is required");
      r.Bool("wait", &p.wait);
      r.Int("idle_ms", &p.idle_ms, 1, 600000);
      return;
    case Service::kHttp:
      r.Text("method", &p.method);
      r.OneOf("method", p.method, {"get", "head", "put", "post"});
      r.Text("url", &p.url, true);
      r.Headers(&p.headers);
      return;
    case Service::kFtp:
      p.port = 21;
      r.Text("verb", &p.verb);
      r.OneOf("verb", p.verb, {"ls", "get", "put", "size", "mkdir", "rmdir"});
      r.Text("host", &p.host, true);
      r.Int("port", &p.port, 1, 65535);
      r.Text("path", &p.path);
      r.Text("user", &p.user);
      r.Text("password", &p.password);
      r.Bool("passive", &p.passive);
      r.Bool("ascii", &p.ascii);
      return;
    case Service::kMqttPub:
    case Service::kMqttSub:
      p.port = 1883;
      r.Text("host", &p.host, true);
      r.Int("port", &p.port, 1, 65535);
      r.Text("topic", &p.topic, true);
      r.Int("qos", &p.qos, 0, 2);
      r.Bool("retain", &p.retain);
      r.Text("client_id", &p.client_id, true);
      r.Text("username", &p.username);
      r.Text("password", &p.password);
      r.Int("keepalive_s", &p.keepalive_s, 0, 65535);
      r.Bool("clean_session", &p.clean_session);
      r.Text("ca_pem", &p.ca_pem);
      r.Int("count", &p.count, 0, 1000000);
      r.Int("timeout_ms", &p.timeout_ms, 0, 24 * 3600 * 1000);
      return;
  }
}

}  // namespace

const char* ToString(Service service) {
  switch (service) {
    case Service::kTcp:
      return "tcp";
    case Service::kUdp:
      return "udp";
    case Service::kHttp:
      return "http";
    case Service::kFtp:
      return "ftp";
    case Service::kMqttPub:
      return "mqtt-pub";
    case Service::kMqttSub:
      return "mqtt-sub";
  }
  return "unknown";
}

std::optional<Service> ServiceFromString(std::string_view name) {
  for (Service s : kServices) {
    if (name == ToString(s)) return s;
  }
  return std::nullopt;
}

std::optional<ServiceParams> ParseServiceParams(const json& params, Error* error) {
  ServiceParams p;
  FieldReader r(params);
  std::string name;
  r.Text("service", &name, true);
  std::optional<Service> service = ServiceFromString(name);
  if (!r.error() && !service) {
    r.Fail("\"service\" must be tcp|udp|http|ftp|mqtt-pub|mqtt-sub");
  }
  if (service) {
    p.service = *service;
    ReadServiceFields(r, p);
  }
  r.Bool("prompt_payloads", &p.prompt_payloads);
  r.Bool("input", &p.input);
  r.Bytes("data", &p.data, kMaxChunkBytes);
  if (r.error()) {
    *error = *r.error();
    return std::nullopt;
  }
  return p;
}

json ToJson(const ServiceParams& p) {
  json out{{"service", ToString(p.service)}};
  if (p.prompt_payloads) out["prompt_payloads"] = true;
  if (p.input) out["input"] = true;
  if (!p.data.empty()) out["data"] = Base64Encode(p.data);
  switch (p.service) {
    case Service::kTcp:
    case Service::kUdp:
      out.update({{"host", p.host}, {"port", p.port}, {"wait", p.wait}, {"idle_ms", p.idle_ms}});
      return out;
    case Service::kHttp:
      out.update({{"method", p.method}, {"url", p.url}, {"headers", p.headers}});
      return out;
    case Service::kFtp:
      out.update({{"verb", p.verb},
                  {"host", p.host},
                  {"port", p.port},
                  {"path", p.path},
                  {"user", p.user},
                  {"password", p.password},
                  {"passive", p.passive},
                  {"ascii", p.ascii}});
      return out;
    case Service::kMqttPub:
    case Service::kMqttSub:
      out.update({{"host", p.host},
                  {"port", p.port},
                  {"topic", p.topic},
                  {"qos", p.qos},
                  {"retain", p.retain},
                  {"client_id", p.client_id},
                  {"username", p.username},
                  {"password", p.password},
                  {"keepalive_s", p.keepalive_s},
                  {"clean_session", p.clean_session},
                  {"ca_pem", p.ca_pem},
                  {"count", p.count},
                  {"timeout_ms", p.timeout_ms}});
      return out;
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t n = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      std::size_t value = 0;
      if (c == '=') {
        // Padding only in the last group's last one or two places (RFC 4648 §3.3).
        if (i + 4 != text.size() || k < 2) return std::nullopt;
        ++pad;
      } else {
        if (pad > 0) return std::nullopt;
        value = kAlphabet.find(c);
        if (value == std::string_view::npos) return std::nullopt;
      }
      n = n << 6 | static_cast<std::uint32_t>(value);
    }
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>(n >> 8 & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

std::optional<std::string> ParseSendData(const json& params, Error* error) {
  FieldReader r(params);
  std::string data;
  if (!params.contains("data")) r.Fail("\"data\" (base64) is required");
  r.Bytes("data", &data, kMaxChunkBytes);
  if (r.error()) {
    *error = *r.error();
    return std::nullopt;
  }
  return data;
}

}  // namespace uclink::control::api
