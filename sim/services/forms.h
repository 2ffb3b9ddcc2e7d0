// The shape every service command shares: which of its forms (manual §1.3: test "=?", read "?",
// set "=" and the bare command) it answers.
#pragma once

#include <string_view>

#include "sim/service_host.h"

namespace uclink::sim::services {

/// Answers every form of `cmd` but the set form: the test form with `usage` then OK, the read and
/// exec forms with kBadParameter (a command that has a read form answers it before calling this).
/// Returns true for the set form, which the caller then reads.
bool ExpectSetForm(ServiceHost& host, const SimCommand& cmd, std::string_view usage);

}  // namespace uclink::sim::services
