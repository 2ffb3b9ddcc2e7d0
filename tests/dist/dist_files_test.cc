// The files in dist/ keep their promises (docs/system-integration.md): the udev rules are valid
// udev syntax (udev(7): KEY[{attr}] OPERATOR "value", match keys with == and !=, assignments
// with = += -= :=; every GOTO has its LABEL) and set ID_MM_DEVICE_IGNORE wherever they name a
// port; NetworkManager leaves uclink* alone; the unit lets ModemManager run.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "control/config/config.h"

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// udev(7)'s keys this file may use, and whether each is a match, an assignment, or either.
bool KnownKey(const std::string& key) {
  static const std::set<std::string> kKeys = {
      "ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "KERNELS", "ATTR",  "ATTRS", "ENV", "DRIVERS",
      "TAG",    "SYMLINK",   "GOTO",       "LABEL",  "OWNER",   "GROUP", "MODE",  "NAME"};
  return kKeys.count(key) > 0;
}

// Returns the problems of one rule line ("" when it parses).
std::string CheckRule(const std::string& line, std::set<std::string>* gotos,
                      std::set<std::string>* labels, bool* sets_ignore, bool* names_link) {
  static const std::regex kToken(
      R"re(^\s*([A-Z_]+)(\{([A-Za-z0-9_]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(,|$))re");
  std::string rest = line;
  bool any_match = false;
  while (!rest.empty() && rest.find_first_not_of(" \t") != std::string::npos) {
    std::smatch m;
    if (!std::regex_search(rest, m, kToken)) return "does not parse at: " + rest;
    const std::string key = m[1], op = m[4], value = m[5];
    if (!KnownKey(key)) return "unknown key " + key;
    const bool is_match = op == "==" || op == "!=";
    const bool attr_key = key == "ATTR" || key == "ATTRS" || key == "ENV";
    if (attr_key && !m[2].matched) return key + " needs {name}";
    if (!attr_key && m[2].matched) return key + " takes no {name}";
    if (is_match) any_match = true;
    if ((key == "SUBSYSTEMS" || key == "ATTRS" || key == "KERNEL" || key == "ACTION" ||
         key == "SUBSYSTEM") &&
        !is_match) {
      return key + " is a match key: use == or !=";
    }
    if ((key == "SYMLINK" || key == "GOTO" || key == "LABEL") && is_match && key != "SYMLINK") {
      return key + " is an assignment";
    }
    if (key == "GOTO") gotos->insert(value);
    if (key == "LABEL") labels->insert(value);
    if (key == "ENV" && m[3] == "ID_MM_DEVICE_IGNORE" && op == "=" && value == "1") {
      *sets_ignore = true;
    }
    if (key == "SYMLINK" && !is_match) {
      *names_link = true;
      if (value.rfind("uclink/", 0) != 0) return "symlinks live under /dev/uclink/";
    }
    rest = m.suffix();
  }
  (void)any_match;
  return "";
}

TEST(DistFilesTest, UdevRulesParseAndEveryPortTheyNameIsIgnoredByModemManager) {
  const std::string text = Read("dist/udev/77-uclink.rules");
  ASSERT_FALSE(text.empty());
  std::set<std::string> gotos, labels;
  int rules = 0;
  for (const std::string& line : Lines(text)) {
    if (line.empty() || line[0] == '#') continue;
    bool sets_ignore = false, names_link = false;
    EXPECT_EQ(CheckRule(line, &gotos, &labels, &sets_ignore, &names_link), "") << line;
    // A rule that gives the port its stable name also hides it from ModemManager.
    if (names_link) {
      EXPECT_TRUE(sets_ignore) << line;
    }
    ++rules;
  }
  EXPECT_GE(rules, 4);
  for (const std::string& target : gotos) EXPECT_TRUE(labels.count(target)) << "GOTO " << target;
  EXPECT_NE(text.find("SYMLINK+=\"uclink/modem\""), std::string::npos);
  EXPECT_NE(text.find("SYMLINK+=\"uclink/at\""), std::string::npos);
  // The commented UART alternative parses too, once uncommented.
  for (const std::string& line : Lines(text)) {
    if (line.rfind("#KERNEL==", 0) != 0) continue;
    bool sets_ignore = false, names_link = false;
    EXPECT_EQ(CheckRule(line.substr(1), &gotos, &labels, &sets_ignore, &names_link), "") << line;
    EXPECT_TRUE(sets_ignore && names_link) << line;
  }
}

TEST(DistFilesTest, TheCheckerRefusesBrokenRules) {
  std::set<std::string> gotos, labels;
  bool a = false, b = false;
  EXPECT_NE(CheckRule(R"(KERNEL="ttyS1", SYMLINK+="uclink/modem")", &gotos, &labels, &a, &b), "");
  EXPECT_NE(CheckRule(R"(KERNEL=="ttyS1" SYMLINK+="x")", &gotos, &labels, &a, &b), "");
  EXPECT_NE(CheckRule(R"(ENV="1")", &gotos, &labels, &a, &b), "");
  EXPECT_NE(CheckRule(R"(FOO=="1")", &gotos, &labels, &a, &b), "");
}

TEST(DistFilesTest, NetworkManagerLeavesUclinkInterfacesAlone) {
  const std::string text = Read("dist/NetworkManager/conf.d/90-uclink.conf");
  const auto section = text.find("\n[keyfile]\n");
  ASSERT_NE(section, std::string::npos) << text;
  const auto key = text.find("\nunmanaged-devices=interface-name:uclink*\n", section);
  EXPECT_NE(key, std::string::npos) << text;
  // The interface default keeps that pattern matching, and the metric NetworkManager's WWAN one.
  const uclink::control::Config defaults;
  EXPECT_EQ(defaults.interface.name.rfind("uclink", 0), 0u);
  EXPECT_EQ(defaults.interface.route_metric, 700);
}

TEST(DistFilesTest, TheUnitLetsModemManagerRun) {
  for (const std::string& line : Lines(Read("dist/uclinkd.service"))) {
    if (!line.empty() && line[0] == '#') continue;
    EXPECT_EQ(line.find("ModemManager"), std::string::npos) << line;
  }
}

}  // namespace
