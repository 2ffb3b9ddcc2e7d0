// Typed reads and writes of a JSON object's members, for every codec of the control API (status,
// its usage and IPv6 parts, events). A member that is missing or of another JSON type reads as
// nullopt, so a client decodes what it understands of a newer or older daemon's document
// (docs/control-api.md, first section); an absent optional is written as null. Private to
// control/api.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace uclink::control::api {

/// object[key] when it has T's JSON type (string, boolean, number; an unsigned T takes only
/// non-negative integers, an integral T only integers), else nullopt.
template <typename T>
std::optional<T> Get(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  bool typed = false;
  if constexpr (std::is_same_v<T, std::string>) {
    typed = it->is_string();
  } else if constexpr (std::is_same_v<T, bool>) {
    typed = it->is_boolean();
  } else if constexpr (std::is_floating_point_v<T>) {
    typed = it->is_number();
  } else if constexpr (std::is_unsigned_v<T>) {
    typed = it->is_number_unsigned();
  } else {
    typed = it->is_number_integer();
  }
  if (!typed) return std::nullopt;
  return it->template get<T>();
}

/// The strings of the array object[key]; other elements and a missing key read as none.
inline std::vector<std::string> GetStrings(const nlohmann::json& object, const char* key) {
  std::vector<std::string> out;
  if (!object.is_object()) return out;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const nlohmann::json& value : *it) {
    if (value.is_string()) out.push_back(value.get<std::string>());
  }
  return out;
}

/// object[key], or null when object is not an object or has no such member.
inline const nlohmann::json& Child(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

/// The value, or JSON null when there is none.
template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace uclink::control::api
