// The shape the services share (sim/services/forms.h, OneInt): which forms a set-only command
// answers itself, and the one integer parameter.
#include <gtest/gtest.h>

#include "sim/services/forms.h"
#include "sim/services/params.h"
#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services {
namespace {

using testing::FakeServiceHost;
using testing::ParseLine;

std::string Answer(const std::string& line, bool* set) {
  FakeServiceHost host;
  *set = ExpectSetForm(host, ParseLine(line), "+IPSEND: mode(TCP/UDP),data");
  return testing::ToString(host.events);
}

TEST(ExpectSetFormTest, TestFormPrintsTheUsageAndOthersButSetAreRefused) {
  bool set = true;
  EXPECT_EQ(Answer("AT+IPSEND=?", &set), "I:+IPSEND: mode(TCP/UDP),data\nOK\n");
  EXPECT_FALSE(set);
  // Manual table 3.2: a parameter not allowed is +EXT ERROR: 0.
  EXPECT_EQ(Answer("AT+IPSEND?", &set), "E:EXT 0\n");
  EXPECT_FALSE(set);
  EXPECT_EQ(Answer("AT+IPSEND", &set), "E:EXT 0\n");
  EXPECT_FALSE(set);
  EXPECT_EQ(Answer("AT+IPSEND=\"TCP\",1,\"a\"", &set), "");
  EXPECT_TRUE(set);
}

TEST(OneIntTest, ExactlyOneIntegerInRange) {
  EXPECT_EQ(OneInt("AT+HTTPTLS=1", 0, 1), 1);
  EXPECT_EQ(OneInt("AT+HTTPACTION= 3 ", 0, 3), 3);
  EXPECT_FALSE(OneInt("AT+HTTPTLS=2", 0, 1));
  EXPECT_FALSE(OneInt("AT+HTTPTLS=1,0", 0, 1));
  EXPECT_FALSE(OneInt("AT+HTTPTLS=x", 0, 1));
  EXPECT_FALSE(OneInt("AT+HTTPTLS=", 0, 1));
}

}  // namespace
}  // namespace uclink::sim::services
