#include "control/state/state_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "control/state/atomic_file.h"

namespace uclink::control::state {
namespace {

std::string SetAside(const std::string& path, const std::string& why) {
  const std::string aside = path + ".corrupt";
  if (std::rename(path.c_str(), aside.c_str()) != 0) {
    return path + ": " + why + "; could not keep it aside (" +
           std::error_code(errno, std::generic_category()).message() + "), starting fresh";
  }
  return path + ": " + why + "; kept as " + aside + ", starting fresh";
}

// mkdir -p: the daemon may run without systemd's StateDirectory= having made it.
std::error_code MakeDirectories(const std::string& path) {
  for (std::size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/') continue;
    const std::string prefix = path.substr(0, at);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return {errno, std::generic_category()};
    }
  }
  return {};
}

}  // namespace

std::string StateDir::PathOf(std::string_view name) const {
  return path_ + "/" + std::string(name) + ".json";
}

Loaded StateDir::Load(std::string_view name, int max_schema) const {
  const std::string path = PathOf(name);
  std::string text;
  if (const auto ec = ReadSmallFile(path, kMaxDocument, text)) {
    if (ec == std::errc::no_such_file_or_directory) return {};
    if (ec == std::errc::file_too_large) return {std::nullopt, SetAside(path, "larger than 1 MiB")};
    return {std::nullopt, path + ": " + ec.message() + "; starting fresh"};
  }
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return {std::nullopt, SetAside(path, "not valid JSON")};
  if (!document.is_object()) return {std::nullopt, SetAside(path, "not a JSON object")};
  const auto schema = document.find("schema");
  if (schema == document.end() || !schema->is_number_integer() || schema->get<int>() < 1) {
    return {std::nullopt, SetAside(path, "no valid \"schema\" number")};
  }
  if (schema->get<int>() > max_schema) {
    return {std::nullopt, SetAside(path, "written by a newer uclink (schema " +
                                             std::to_string(schema->get<int>()) + ")")};
  }
  return {std::move(document), ""};
}

std::optional<std::string> StateDir::Save(std::string_view name,
                                          const nlohmann::json& document) const {
  if (const auto ec = MakeDirectories(path_)) return path_ + ": " + ec.message();
  const std::string path = PathOf(name);
  if (const auto ec = WriteFileAtomically(path, document.dump(1) + "\n")) {
    return path + ": " + ec.message();
  }
  return std::nullopt;
}

}  // namespace uclink::control::state
