#include "chat/error_tables.h"

namespace uclink::chat {
namespace {

// Table 3.1, CMEE 错误码.
constexpr ErrorEntry kCme[] = {
    {-1, "other error", ""},
    {0, "phone failure", ""},
    {1, "no connection to phone", ""},
    {2, "phone-adaptor link reserved", ""},
    {3, "operation not allowed", ""},
    {4, "operation not supported", ""},
    {5, "PH-SIM PIN required", ""},
    {10, "SIM not inserted", ""},
    {11, "SIM PIN required", ""},
    {12, "SIM PUK required", ""},
    {13, "SIM failure", ""},
    {14, "SIM busy", ""},
    {15, "SIM wrong", ""},
    {16, "incorrect password", ""},
    {17, "SIM PIN2 required", ""},
    {18, "SIM PUK2 required", ""},
    {20, "memory full", ""},
    {21, "invalid index", ""},
    {22, "not found", ""},
    {23, "memory failure", ""},
    {24, "text string too long", ""},
    {25, "invalid characters in text string", ""},
    {26, "dial string too long", ""},
    {27, "invalid characters in dial string", ""},
    {30, "no network service", ""},
    {31, "network timeout", ""},
    {32, "network not allowed - emergency calls only", ""},
    {33, "last AT cmd not completed", "the previous AT command is still running"},
    {100, "unknown", ""},
    {103, "illegal MS", "the network rejected the SIM (illegal mobile station)"},
    {106, "illegal ME", "the network rejected the device (illegal mobile equipment)"},
    {107, "GPRS service not allowed", ""},
    {111, "PLMN not allowed", ""},
    {112, "Location not allowed", "location area not allowed"},
    {113, "Roaming not allowed in Location Area", ""},
    {132, "GPRS service option not supported", ""},
    {133, "requested service option not subscribed", ""},
    {134, "service option temporarily out of order", ""},
    {148, "unspecified GPRS error", ""},
    {149, "PDP authorisation error", "PDP authentication failed (check APN user/password)"},
    {150, "invalid module class", "invalid mobile class"},
    {512, "failed to abort", ""},
    {513, "ACM reset needed", "accumulated call meter must be reset"},
    {514, "IP CLOSE FAIL", "closing the socket failed"},
};

// Table 3.2, EXT 错误码.
constexpr ErrorEntry kExt[] = {
    {-1, "other error", ""},
    {0, "parameter not allowed", ""},
    {1, "data corrupted", ""},
    {2, "internal error", ""},
    {3, "call table full", ""},
    {4, "service table full", ""},
    {5, "call not found", ""},
    {6, "no data-call supported", ""},
    {7, "one call on hold", ""},
    {8, "hold call not supported for this type", ""},
    {9, "number not allowed by FDN", "fixed dialling numbers"},
    {10, "number not allowed by BDN", "barred dialling numbers"},
    {11, "parallel USSD not supported", ""},
    {12, "fax minimum speed condition", ""},
    {13, "conflict with command details", ""},
    {14, "no pdp context defined", "define one with AT+CGDCONT first"},
    {15, "no set device function(at+cfun=1)", "the radio is off: send AT+CFUN=1 first"},
    {16, "error unknown", ""},
};

// Table 3.3, HTTP 错误码. The manual's row 108 runs into row 109 (the text of 109 starts
// mid-sentence); both are kept as printed, with glosses that split the meaning.
constexpr ErrorEntry kHttp[] = {
    {0, "a successful operation", ""},
    {101, "An invalid parameter was passed into an API function", ""},
    {102, "Invalid payload", ""},
    {103, "HTTPS message was too large to fit into a configured synchronous body buffer", ""},
    {104, "Overflow occurred somewhere", ""},
    {105, "A buffer provided could not hold data required by the library", ""},
    {106, "Queue full", ""},
    {107, "Operation retry. Could not find an item specified by an API.", ""},
    {108,
     "Returned for not being able to find the address in a URL, the path in a URL, or a header "
     "field from the response headers. The HTTP request message was finished being written and we",
     "not found: URL address, URL path or response header field"},
    {109, "cannot write more with @ref https_client_function_writerequestbody.",
     "the request body is complete; no more can be written"},
    {201, "An error occurred internally to the library.", ""},
    {202, "A network error occurred", ""},
    {203, "A network connection error occurred.", ""},
    {204, "A stream error occurred.", ""},
    {205, "An authentication error occurred.", ""},
    {206, "A TLS error occurred", ""},
    {207, "An error occurred during the user callback.", ""},
    {208,
     "The synchronous response could not be received in the specified timeout in @ref "
     "https_client_function_sendsync.",
     "response timeout"},
    {209, "An error in the HTTP protocol.", ""},
    {210, "The HTTPS request send was cancelled.", ""},
    {211, "The HTTPS response receiving was cancelled.", ""},
    {212, "The asynchronous request had an error being scheduled.", ""},
    {213, "There was an error parsing the HTTP response", ""},
    {901, "Fatal HTTP library error. The connection is busy and cannot be cleaned up.", ""},
    {902,
     "The connection was closed, but @ref https_client_function_disconnect must be called again "
     "to cleanup connection resources.",
     "closed; disconnect again to free resources"},
    {903, "Try again", ""},
    {904, "Data exists.", ""},
    {905, "The operation on the public API is not supported.", ""},
};

// Table 3.4, MQTT 错误码.
constexpr ErrorEntry kMqtt[] = {
    {0, "MQTT operation completed successfully.", ""},
    {1, "MQTT operation queued, awaiting result.", ""},
    {2, "Initialization failed.", ""},
    {3, "At least one parameter is invalid.", ""},
    {4, "MQTT operation failed because of memory allocation failure.", ""},
    {5, "MQTT operation failed because the network was unusable.", ""},
    {6, "MQTT operation could not be scheduled, i.e. enqueued for sending.", ""},
    {7, "MQTT response packet received from the network is malformed.", ""},
    {8, "A blocking MQTT operation timed out.", ""},
    {9, "A CONNECT or at least one subscription was refused by the server.", ""},
    {10, "A QoS 1 PUBLISH received no response and [the retry limit]",
     "a QoS 1 PUBLISH got no PUBACK within the retry limit"},
    {11, "An API function was called before @ref mqtt_function_init",
     "the MQTT library was not initialised"},
};

// Table 3.5, FTP 错误码 (the table of contents stops at 3.4; the table is there). Trailing '.'
// and ',' after some names in the manual (FTP_CONNECT_ERROR., FTP_SEND_ERROR,) are dropped.
constexpr ErrorEntry kFtp[] = {
    {0, "FTP_NO_ERROR", "no error"},
    {1, "FTP_OTHER_ERROR", "other error"},
    {2, "FTP_PLEASE_LOGIN_USERNAME_ERROR", "log in with a user name first"},
    {3, "FTP_EXISTING", "already exists"},
    {4, "FTP_CONNECT_ERROR", "cannot connect"},
    {5, "FTP_SEND_ERROR", "send failed"},
    {6, "FTP_RECV_ERROR", "receive failed"},
    {7, "FTP_STATE_ERROR", "wrong state for this command"},
    {8, "FTP_WAIT_RECV_TIMEOUT", "timed out waiting for data"},
    {9, "FTP_PASV_OK", "passive mode entered"},
    {10, "FTP_SIZE_OK", "size received"},
    {11, "FTP_DOWN_OK", "download complete"},
    {12, "FTP_PASV_TASK_BUSY", "passive transfer busy"},
    {13, "FTP_PASV_PORT_ERR", "bad passive port"},
    {14, "FTP_PASV_OPEN_ERR", "cannot open the passive data connection"},
    {110, "FTP_RESTART_TAG_REPLY", "restart marker reply"},
    {120, "FTP_SERVICE_READY_IN_X_MINUTES", "service ready in a few minutes"},
    {125, "FTP_DATA_CONNECT_OPENED", "data connection already open"},
    {150, "FTP_READY_OPEN_DATA_CONNECT", "about to open the data connection"},
    {200, "FTP_COMMAND_SUCCEED", "command okay"},
    {202, "FTP_NO_COMMAND", "command not implemented, superfluous"},
    {211, "FTP_SYSTEM_STATE", "system status"},
    {212, "FTP_DIR_STATE", "directory status"},
    {213, "FTP_FILE_STATE", "file status"},
    {215, "FTP_NAME", "system type"},
    {220, "FTP_SERVICE_READY_FOR_NEW_USERS", "service ready for new user"},
    {221, "FTP_SERVICE_CLOSING_CONTROL_CONNECT", "closing control connection"},
    {226, "FTP_CLOSE_DATA_CONNECT", "closing data connection, transfer complete"},
    {227, "FTP_INPUT_PASSIVE_MODE", "entering passive mode"},
    {230, "FTP_USER_LOGGED_IN", "user logged in"},
    {250, "FTP_CWD_PATH_OK", "directory changed"},
    {257, "FTP_PATHNAME_HAVE_CREATE", "path name created"},
    {331, "FTP_USER_NEED_PASS", "user name okay, need password"},
    {332, "FTP_NEED_USER", "need account for login"},
    {350, "FTP_REQUEST_FILE_OPERATION_WAIT", "pending further information"},
    {400, "FTP_ERROR", "error"},
    {421, "FTP_SERVER_INVALID", "service not available"},
    {425, "FTP_UNABLE_OPEN_DATA_CONNECT", "cannot open data connection"},
    {426, "FTP_CLOSE_CONNECT", "connection closed, transfer aborted"},
    {450, "FTP_FILE_OPERATION_COULD_NOT_PERFORMED", "file unavailable"},
    {451, "FTP_FILE_OPERATION_ABORTED", "local error in processing"},
    {500, "FTP_SYNTAX_ERROR", "syntax error"},
    {501, "FTP_PARAMENT_ERROR", "syntax error in parameters"},
    {502, "FTP_COMMAND_NOT_IMPLEMENTED", "command not implemented"},
    {504, "FTP_NO_PARAMENT", "command not implemented for that parameter"},
    {530, "FTP_UNABLE_LOGIN", "not logged in"},
    {532, "FTP_ACCOUNT_NUM_REQUEST_FILE_STORAGE", "need account for storing files"},
    {550, "FTP_REQUEST_NOT_EXECUTED", "file unavailable (not found, no access)"},
    {551, "FTP_OPRATE_ABOART", "page type unknown, action aborted"},
    {552, "FTP_FILE_OPRATE_ABOART", "exceeded storage allocation, action aborted"},
};

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> Describe(ErrorTable table, int code) {
  const ErrorEntry* e = FindEntry(table, code);
  if (e == nullptr) return std::nullopt;
  return e->text;
}

}  // namespace

std::string_view ToString(ErrorTable table) {
  switch (table) {
    case ErrorTable::kCme:
      return "cme";
    case ErrorTable::kExt:
      return "ext";
    case ErrorTable::kHttp:
      return "http";
    case ErrorTable::kMqtt:
      return "mqtt";
    case ErrorTable::kFtp:
      return "ftp";
  }
  return "unknown";
}

std::span<const ErrorEntry> Entries(ErrorTable table) {
  switch (table) {
    case ErrorTable::kCme:
      return kCme;
    case ErrorTable::kExt:
      return kExt;
    case ErrorTable::kHttp:
      return kHttp;
    case ErrorTable::kMqtt:
      return kMqtt;
    case ErrorTable::kFtp:
      return kFtp;
  }
  return {};
}

const ErrorEntry* FindEntry(ErrorTable table, int code) {
  for (const ErrorEntry& e : Entries(table)) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

std::optional<std::string_view> DescribeCme(int code) { return Describe(ErrorTable::kCme, code); }
std::optional<std::string_view> DescribeExt(int code) { return Describe(ErrorTable::kExt, code); }
std::optional<std::string_view> DescribeHttp(int code) { return Describe(ErrorTable::kHttp, code); }
std::optional<std::string_view> DescribeMqtt(int code) { return Describe(ErrorTable::kMqtt, code); }
std::optional<std::string_view> DescribeFtp(int code) { return Describe(ErrorTable::kFtp, code); }

std::optional<int> CmeCodeFromText(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  for (const ErrorEntry& e : kCme) {
    if (SameText(e.text, text)) return e.code;
  }
  return std::nullopt;
}

}  // namespace uclink::chat
