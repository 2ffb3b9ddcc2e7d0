// The fixture of the TUN and rtnetlink tests: each test gets a fresh network namespace (netns.h),
// or is skipped with the reason when this machine cannot create one.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <system_error>

#include "tests/pppif/e2e/netns.h"

namespace uclink::pppif::testing {

class NetNamespaceTest : public ::testing::Test {
 protected:
  /// Skips without root/TUN, else creates ns_ (a failure is fatal). A derived SetUp calls this
  /// first and returns when ns_ is null (skipped or failed).
  void SetUp() override {
    if (const std::string reason = NetAdminUnavailableReason(); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    std::error_code ec;
    ns_ = NetNamespace::Create(ec);
    ASSERT_FALSE(ec) << ec.message();
  }

  std::unique_ptr<NetNamespace> ns_;
};

}  // namespace uclink::pppif::testing
