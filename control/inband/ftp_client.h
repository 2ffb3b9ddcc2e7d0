// One FTP operation through the module (UC8088 manual §2.26–§2.43): log in (AT+FTPMODE,
// AT+FTPTYPE, AT+FTPSERV, AT+FTPUN, AT+FTPPW), change to the remote directory (AT+FTPPATH), run
// ls/get/put/size/mkdir/rmdir, and always end with AT+FTPQUIT so the module's session is
// released, also after an error. Codes come from table 3.5 and the result table of §2.29.
//
// get: AT+FTPSIZE first (the total, for progress and completion), then AT+FTPGET=1,<name> and
// the `+FTPGET:<len>,<data>` pieces (§2.43) appended exactly; the file ends with a zero-length
// piece (uclink-sim) or once the announced size arrived (binary type). put: AT+FTPPUTNAME, then
// AT+FTPPUT=<len>,<data> parts and the end marker `AT+FTPPUT=0,` (§2.39).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/commands/ftp.h"
#include "control/inband/operation.h"

namespace uclink::control::inband {

struct FtpSession {
  std::string host;
  // 21, or another port (sent as `AT+FTPSERV=<host>,<port>`, a uclink-sim extension).
  int port = 21;
  std::string user = "anonymous";
  std::string password = "uclink@";
  bool passive = true;                                          // AT+FTPMODE=1 (§2.26)
  chat::FtpTransferType type = chat::FtpTransferType::kBinary;  // AT+FTPTYPE=I (§2.27)
  PayloadEncoding encoding = PayloadEncoding::kInline;
  // Longest silence between +FTPGET/+FTPLIST pieces.
  chat::Duration data_timeout{60000};
};

enum class FtpVerb { kList, kGet, kPut, kSize, kMkdir, kRmdir };
std::string_view ToString(FtpVerb verb);

struct FtpRequest {
  FtpVerb verb = FtpVerb::kList;
  // Remote path: "dir/sub/file" → AT+FTPPATH=dir/sub, name "file"; each at most 64 bytes.
  // For ls, the directory to list ("" = the login directory); for mkdir/rmdir the directory.
  std::string path;
  // The file's contents for put.
  std::string data;
};

// The checks of one FTP operation made before anything is sent. Both modes: the manual's limits
// (names, paths and credentials at most 64 bytes, §2.30–§2.36), a server and port, and no CR,
// LF or NUL in any name or credential (RFC 959 §5.3.2: they end an FTP command). In-band also
// what each bare parameter can carry (chat::TextParam) and, for put, the inline <data>.
std::optional<ServiceError> CheckFtp(const FtpSession& session, const FtpRequest& request,
                                     Transport transport);

// Reads `ftp://[user[:password]@]host[:port]/path` (RFC 3986, RFC 1738 §3.2) into `session`
// (host, port, user, password: decoded; anonymous/uclink@ when no userinfo) and `path` (the
// decoded url-path after the host's '/': "pub/my file.txt"; "/abs" for `ftp://h//abs`). The one
// place FTP URLs are decoded, for both modes. An FTP URL has no query or fragment.
ServiceError ParseFtpUrl(std::string_view url, FtpSession* session, std::string* path);

// The URL libcurl gets for `path` (as ParseFtpUrl returned it) on the session's server: every
// byte but unreserved ones and '/' percent-encoded, so libcurl's decoding gives back exactly
// `path` (a leading '/' as %2F: an absolute path, RFC 1738 §3.2.2). Credentials are not in it.
std::string FtpUrlOf(const FtpSession& session, std::string_view path);

class FtpClient : public Operation {
 public:
  enum class Step {
    kIdle,
    kMode,
    kType,
    kServ,
    kUser,
    kPassword,
    kPath,
    kSize,
    kGet,
    kReceiving,
    kList,
    kListing,
    kPutName,
    kPut,
    kPutEnd,
    kMkdir,
    kRmdir,
    kQuit,
    kDone,
  };

  FtpClient(FtpSession session, FtpRequest request);

  void Start(chat::TimePoint now);

  void OnReply(const chat::AtReply& reply, chat::TimePoint now) override;
  void OnUrc(const chat::Urc& urc, chat::TimePoint now) override;
  void OnTimer(chat::TimePoint now) override;

  Step step() const { return step_; }
  // FTPSIZE's answer (size verb, or before a get).
  std::optional<std::size_t> size() const { return size_; }

 private:
  std::optional<ServiceError> Validate() const;
  void Go(Step step, chat::TimePoint now);
  void AfterLogin(chat::TimePoint now);
  void StartVerb(chat::TimePoint now);
  void SendPutPart();
  void OnGetPiece(const chat::Urc& urc, chat::TimePoint now);
  void OnListing(const chat::Urc& urc);
  void Quit(ServiceError error);
  ServiceError FailureOf(const chat::AtReply& reply, std::string_view name) const;

  FtpSession session_;
  FtpRequest request_;
  std::string dir_;
  std::string name_;
  Step step_ = Step::kIdle;
  std::string last_command_;
  std::optional<std::size_t> size_;
  std::size_t received_ = 0;
  std::size_t put_offset_ = 0;
  // Inline put: the part sizes chat::PlanInlineParts chose (no part begins with a space).
  std::vector<std::size_t> put_sizes_;
  std::size_t put_part_ = 0;
  bool get_ok_seen_ = false;
  bool get_complete_ = false;
  ServiceError result_;
};

std::string_view ToString(FtpClient::Step step);

// Table 3.5's name for an FTP code: "550 (FTP_REQUEST_NOT_EXECUTED)".
std::string DescribeFtpCode(int code);

}  // namespace uclink::control::inband
