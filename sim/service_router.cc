#include "sim/service_router.h"

namespace uclink::sim {

bool IsServiceCommand(std::string_view name) {
  // Manual §2.33–2.39 spell FTPPATH/FTPPUTNAME/FTPPUT as FTTPATH/FTTPUTNAME/FTTPUT and §2.45
  // spells HTTPPARA as HTTTPARA: route those spellings to the services too.
  static constexpr std::string_view kPrefixes[] = {"+IP",   "+FTP",   "+FTT",
                                                   "+HTTP", "+HTTTP", "+MQTT"};
  for (std::string_view prefix : kPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace uclink::sim
