// The per-session private directory of the pppd backend: created 0700 with mkdtemp, holds the
// 0600 secrets options file (pppif/pppd_secrets.h) and the hook's event socket, and is removed
// with everything in it when the object is destroyed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace uclink::pppif {

class PppdPrivateDir {
 public:
  /// Creates `<parent>/uclink-pppd.XXXXXX` (mode 0700). Returns nullptr and sets `error` on
  /// failure.
  static std::unique_ptr<PppdPrivateDir> Create(const std::string& parent, std::error_code& error);
  ~PppdPrivateDir();
  PppdPrivateDir(const PppdPrivateDir&) = delete;
  PppdPrivateDir& operator=(const PppdPrivateDir&) = delete;

  const std::string& path() const { return path_; }
  /// Writes the secrets options file for `password` (0600, O_EXCL|O_NOFOLLOW) and returns its
  /// path, for PppdOptions::secrets_file. Errors: PppdErrc::kBadPassword, kSecretsFile.
  std::string WriteSecrets(std::string_view password, std::error_code& error);
  /// The path for the hook's datagram socket inside the directory (the caller binds it).
  std::string EventSocketPath();

 private:
  explicit PppdPrivateDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::vector<std::string> entries_;  // removed before the directory
};

}  // namespace uclink::pppif
