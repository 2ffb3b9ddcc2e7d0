// The APN lookup as specified in docs/apn.md, "Candidates": IMSI → MCC/MNC → the internet APNs
// of the matching providers, on a small fixture and on Debian's own file.
#include "control/apn/lookup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "control/apn/provider_db.h"
#include "control/apn/provider_file.h"

namespace uclink::control::apn {
namespace {

const char* kFixture = "tests/control/apn/testdata/providers.xml";

std::vector<std::string> Apns(const Lookup& lookup) {
  std::vector<std::string> apns;
  for (const Candidate& c : lookup.candidates) apns.push_back(c.entry.apn);
  return apns;
}

Lookup Fixture(const std::string& imsi) { return LookUpFile(kFixture, imsi); }

TEST(SplitImsi, ThreeDigitMccAndBothMncLengths) {
  const auto plmn = SplitImsi("460001234567890");
  ASSERT_TRUE(plmn);
  EXPECT_EQ(plmn->mcc, "460");
  EXPECT_EQ(plmn->mnc2, "00");
  EXPECT_EQ(plmn->mnc3, "001");
  EXPECT_TRUE(SplitImsi(" 460001234567890\r\n"));
}

TEST(SplitImsi, RefusesAbsentShortLongAndNonNumeric) {
  for (const char* bad : {"", "   ", "46000", "ERROR", "+CME ERROR: 10", "46000123456789012",
                          "4600012345678x", "-46000123456789"}) {
    EXPECT_FALSE(SplitImsi(bad)) << bad;
  }
}

TEST(Lookup, ChinaMobileGivesCmnetOnlyTheInternetApn) {
  const Lookup lookup = Fixture("460001234567890");
  ASSERT_EQ(lookup.error, Errc::kOk) << lookup.detail;
  EXPECT_EQ(Apns(lookup), std::vector<std::string>{"cmnet"});
  EXPECT_EQ(lookup.provider, "China Mobile");  // the name without xml:lang
  EXPECT_EQ(lookup.mnc, "00");
}

TEST(Lookup, ChinaTelecomGivesBothApnsInDatabaseOrderWithCredentials) {
  const Lookup lookup = Fixture("460111234567890");
  ASSERT_EQ(lookup.error, Errc::kOk) << lookup.detail;
  EXPECT_EQ(Apns(lookup), (std::vector<std::string>{"ctnet", "ctlte"}));
  EXPECT_EQ(lookup.provider, "China Telecom");
  EXPECT_EQ(lookup.candidates[0].entry.username, "ctnet@mycdma.cn");
  EXPECT_EQ(lookup.candidates[0].entry.password, "vnet.mobi");
  EXPECT_EQ(lookup.candidates[0].entry.auth, "chap");
  EXPECT_EQ(lookup.candidates[1].entry.username, "");
}

TEST(Lookup, AbsentMccMncIsNoProvider) {
  const Lookup lookup = Fixture("001011234567890");
  EXPECT_EQ(lookup.error, Errc::kNoProvider);
  EXPECT_TRUE(lookup.candidates.empty());
  EXPECT_NE(lookup.detail.find("MCC 001"), std::string::npos) << lookup.detail;
}

TEST(Lookup, ProviderWithoutInternetApnIsReported) {
  EXPECT_EQ(Fixture("999981234567890").error, Errc::kNoInternetApn);
}

TEST(Lookup, SingleMatchBeatsAmbiguousReading) {
  // 262 01 matches one provider, 262 011 two: the single match wins.
  const Lookup lookup = Fixture("262011234567890");
  ASSERT_EQ(lookup.error, Errc::kOk);
  EXPECT_EQ(lookup.provider, "Telekom");
  EXPECT_EQ(Apns(lookup), std::vector<std::string>{"internet.telekom"});
}

TEST(Lookup, TieGoesToTheCountrysMncLength) {
  // Both readings match one provider each: 310 (USA) uses three-digit MNCs, 234 (UK) two.
  EXPECT_EQ(Fixture("310410123456789").provider, "AT&T");
  EXPECT_EQ(Fixture("234150123456789").provider, "Vodafone");
}

TEST(Lookup, OnlyOneReadingMatches) {
  EXPECT_EQ(Fixture("460021234567890").provider, "China Mobile");  // only 460 02
}

TEST(Lookup, ApnsTheModuleCannotQuoteAreSkippedWithAWarning) {
  const Lookup lookup = Fixture("999991234567890");
  ASSERT_EQ(lookup.error, Errc::kOk);
  EXPECT_EQ(Apns(lookup), std::vector<std::string>{"good.example"});  // and only once
  ASSERT_EQ(lookup.warnings.size(), 3u);
  EXPECT_NE(lookup.warnings[0].find("has\"quote"), std::string::npos);
  EXPECT_NE(lookup.warnings[1].find("has?tab"), std::string::npos);  // no control byte in logs
}

TEST(Lookup, BadImsiIsReportedWithoutReadingTheDatabase) {
  EXPECT_EQ(LookUpFile("/nonexistent/providers.xml", "ERROR").error, Errc::kBadImsi);
  EXPECT_EQ(LookUpFile("/nonexistent/providers.xml", "").error, Errc::kBadImsi);
}

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    path_ = std::string(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") +
            "/providers-XXXXXX";
    const int fd = ::mkstemp(path_.data());
    ::close(fd);
    std::ofstream(path_) << text;
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ProviderFile, MissingUnreadableMalformedAndHugeAreErrorsNotCrashes) {
  EXPECT_EQ(LoadProviderDb("/nonexistent/providers.xml").error, Errc::kDbMissing);
  EXPECT_EQ(LoadProviderDb("/").error, Errc::kDbUnreadable);
  TempFile broken("<serviceproviders><country><provider></country>");
  const ParsedDb malformed = LoadProviderDb(broken.path());
  EXPECT_EQ(malformed.error, Errc::kDbMalformed);
  EXPECT_NE(malformed.detail.find("line 1"), std::string::npos) << malformed.detail;
  TempFile foreign("<html><body/></html>");
  EXPECT_EQ(LoadProviderDb(foreign.path()).error, Errc::kDbMalformed);
  TempFile empty("");
  EXPECT_EQ(LoadProviderDb(empty.path()).error, Errc::kDbMalformed);
  // Huge: a sparse file over the limit is refused before anything is read.
  TempFile huge("");
  ASSERT_EQ(::truncate(huge.path().c_str(), static_cast<off_t>(kMaxDbBytes) + 1), 0);
  EXPECT_EQ(LoadProviderDb(huge.path()).error, Errc::kDbTooLarge);
  EXPECT_EQ(ParseProviderDb(std::string(kMaxDbBytes + 1, ' ')).error, Errc::kDbTooLarge);
}

TEST(ProviderFile, UnreadableByPermission) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  TempFile locked("<serviceproviders/>");
  ::chmod(locked.path().c_str(), 0);
  EXPECT_EQ(LoadProviderDb(locked.path()).error, Errc::kDbUnreadable);
}

TEST(ProviderFile, EntityDeclarationsAreRefused) {
  // "Billion laughs": nested entities that would expand to gigabytes when read. The real file
  // declares no entities, so a file that does is refused, quickly and without expanding them.
  std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY l0 \"ha\">";
  for (int i = 1; i < 10; ++i) {
    laughs += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) laughs += "&l" + std::to_string(i - 1) + ";";
    laughs += "\">";
  }
  laughs +=
      "]><serviceproviders><country><provider><name>&l9;</name><gsm>"
      "<network-id mcc=\"999\" mnc=\"01\"/><apn value=\"&l9;\"><usage type=\"internet\"/>"
      "<username>&l9;</username></apn></gsm></provider></country></serviceproviders>";
  TempFile file(laughs);
  const Lookup lookup = LookUpFile(file.path(), "999011234567890");
  EXPECT_EQ(lookup.error, Errc::kDbMalformed) << lookup.detail;
}

// Debian's mobile-broadband-provider-info (installed by tools/setup.sh).
TEST(DebianDatabase, ChinaMobileAndChinaTelecom) {
  const std::string path(kDefaultProviderDb);
  const Lookup mobile = LookUpFile(path, "460001234567890");
  ASSERT_EQ(mobile.error, Errc::kOk) << mobile.detail;
  EXPECT_EQ(Apns(mobile).front(), "cmnet");
  const Lookup telecom = LookUpFile(path, "460111234567890");
  ASSERT_EQ(telecom.error, Errc::kOk) << telecom.detail;
  EXPECT_EQ(Apns(telecom), (std::vector<std::string>{"ctnet", "ctlte"}));
  EXPECT_EQ(LookUpFile(path, "001011234567890").error, Errc::kNoProvider);
}

}  // namespace
}  // namespace uclink::control::apn
