#include "pppif/pppd_secrets.h"

#include <algorithm>

#include "pppif/pppd_errc.h"

namespace uclink::pppif {

PppdSecretsText FormatPppdSecretsOptions(std::string_view password) {
  PppdSecretsText result;
  const bool has_control = std::any_of(password.begin(), password.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
  if (password.size() > 255 || has_control) {
    result.error = PppdErrc::kBadPassword;
    return result;
  }
  result.text = "password \"";
  for (char c : password) {
    // Inside quotes only the quote and the backslash are special; a backslash before a letter
    // would be an escape sequence (\n, \t, \s ...), so only these two are ever escaped.
    if (c == '"' || c == '\\') result.text.push_back('\\');
    result.text.push_back(c);
  }
  result.text += "\"\n";
  return result;
}

}  // namespace uclink::pppif
