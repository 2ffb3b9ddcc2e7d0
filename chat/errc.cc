#include "chat/errc.h"

#include <string>

namespace uclink::chat {

std::string_view ToString(Errc errc) {
  switch (errc) {
    case Errc::kOk:
      return "ok";
    case Errc::kModuleError:
      return "module_error";
    case Errc::kCmeError:
      return "cme_error";
    case Errc::kExtError:
      return "ext_error";
    case Errc::kNoCarrier:
      return "no_carrier";
    case Errc::kConnectFail:
      return "connect_fail";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kPayloadTruncated:
      return "payload_truncated";
    case Errc::kUnresponsive:
      return "unresponsive";
    case Errc::kClosed:
      return "closed";
    case Errc::kInDataMode:
      return "in_data_mode";
    case Errc::kPortLocked:
      return "port_locked";
    case Errc::kInvalidCommand:
      return "invalid_command";
  }
  return "unknown";
}

namespace {

class ChatCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.chat"; }
  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::kOk:
        return "success";
      case Errc::kModuleError:
        return "module answered ERROR";
      case Errc::kCmeError:
        return "module reported +CME ERROR";
      case Errc::kExtError:
        return "module reported +EXT ERROR";
      case Errc::kNoCarrier:
        return "NO CARRIER";
      case Errc::kConnectFail:
        return "CONNECT FAIL";
      case Errc::kTimeout:
        return "no answer before the command's timeout";
      case Errc::kPayloadTruncated:
        return "payload shorter than announced";
      case Errc::kUnresponsive:
        return "module does not answer the resynchronisation command";
      case Errc::kClosed:
        return "serial port closed";
      case Errc::kInDataMode:
        return "channel is in data mode";
      case Errc::kPortLocked:
        return "serial port is locked by another process";
      case Errc::kInvalidCommand:
        return "invalid AT command text";
    }
    return "unknown chat error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& ChatCategory() {
  static const ChatCategoryImpl category;
  return category;
}

std::error_code make_error_code(Errc errc) { return {static_cast<int>(errc), ChatCategory()}; }

}  // namespace uclink::chat
