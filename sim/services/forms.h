// The shapes every service command shares: which of its forms (manual §1.3: test "=?", read "?",
// set "=" and the bare command) it answers, and the names its private enums print as.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "sim/service_host.h"

namespace uclink::sim::services {

/// Answers every form of `cmd` but the set form: the test form with `usage` then OK, the read and
/// exec forms with kBadParameter (a command that has a read form answers it before calling this).
/// Returns true for the set form, which the caller then reads.
bool ExpectSetForm(ServiceHost& host, const SimCommand& cmd, std::string_view usage);

/// One enumerator and the name it prints as.
template <typename E>
struct Named {
  E value;
  std::string_view name;
};

/// The name `names` gives `e`, or "?" for an enumerator it leaves out: a service's ToString is
/// one call listing its enum's names.
template <typename E, std::size_t N>
constexpr std::string_view NameOf(E e, const Named<std::type_identity_t<E>> (&names)[N]) {
  for (const Named<E>& n : names) {
    if (n.value == e) return n.name;
  }
  return "?";
}

}  // namespace uclink::sim::services
