#include "control/apn/provider_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace uclink::control::apn {
namespace {

ParsedDb Failure(Errc error, std::string detail) {
  ParsedDb result;
  result.error = error;
  result.detail = std::move(detail);
  return result;
}

}  // namespace

ParsedDb LoadProviderDb(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    return Failure(error == ENOENT ? Errc::kDbMissing : Errc::kDbUnreadable,
                   path + ": " + std::strerror(error));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Failure(Errc::kDbUnreadable, path + ": not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxDbBytes) {
    ::close(fd);
    return Failure(Errc::kDbTooLarge, path + ": " + std::to_string(st.st_size) +
                                          " bytes (at most " + std::to_string(kMaxDbBytes) + ")");
  }
  // Bounded even if the file grows while read: at most one byte past the limit.
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[65536];
  while (bytes.size() <= kMaxDbBytes) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return Failure(Errc::kDbUnreadable, path + ": " + std::strerror(error));
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (bytes.size() > kMaxDbBytes) return Failure(Errc::kDbTooLarge, path + ": grew while read");
  ParsedDb parsed = ParseProviderDb(bytes);
  if (parsed.error != Errc::kOk) parsed.detail = path + ": " + parsed.detail;
  return parsed;
}

Lookup LookUpFile(const std::string& path, std::string_view imsi) {
  // The IMSI first: a bad one needs no database read.
  if (!SplitImsi(imsi)) return FindCandidates(ProviderDb{}, imsi);
  ParsedDb parsed = LoadProviderDb(path);
  if (parsed.error != Errc::kOk) {
    Lookup lookup;
    lookup.error = parsed.error;
    lookup.detail = std::move(parsed.detail);
    return lookup;
  }
  return FindCandidates(parsed.db, imsi);
}

}  // namespace uclink::control::apn
