// The module's replies as the doctor's checks receive them (chat::AtReply), for scripted modules
// in the doctor tests. Test-only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "chat/at_command.h"
#include "chat/errc.h"

namespace uclink::control::doctor::testing {

/// Information lines, then OK.
inline chat::AtReply Ok(std::vector<std::string> info = {}) {
  chat::AtReply reply;
  reply.info = std::move(info);
  reply.final = chat::FinalKind::kOk;
  reply.final_line = "OK";
  return reply;
}

/// No final result within the command's timeout.
inline chat::AtReply Timeout() {
  chat::AtReply reply;
  reply.error = chat::Errc::kTimeout;
  return reply;
}

}  // namespace uclink::control::doctor::testing
