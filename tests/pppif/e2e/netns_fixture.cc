#include "tests/pppif/e2e/netns_fixture.h"

#include <string>
#include <system_error>

namespace uclink::pppif::testing {

void NetNamespaceTest::SetUp() {
  if (const std::string reason = NetAdminUnavailableReason(); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  std::error_code ec;
  ns_ = NetNamespace::Create(ec);
  ASSERT_FALSE(ec) << ec.message();
}

}  // namespace uclink::pppif::testing
