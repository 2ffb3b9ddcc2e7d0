#include "sim/scenario_toml.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace uclink::sim {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error("scenario: " + what); }

template <typename T>
void Read(const toml::table& table, std::string_view key, T& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return;
  std::optional<T> value = node->value<T>();
  if (!value) Fail("bad value for '" + std::string(key) + "'");
  out = *value;
}

void ReadInt(const toml::table& table, std::string_view key, int& out, int min, int max) {
  long long value = out;
  Read(table, key, value);
  if (value < min || value > max) Fail("'" + std::string(key) + "' out of range");
  out = static_cast<int>(value);
}

void ReadMillis(const toml::table& table, std::string_view key, Millis& out) {
  long long value = out.count();
  Read(table, key, value);
  if (value < 0 || value > 86400000) Fail("'" + std::string(key) + "' out of range");
  out = Millis{value};
}

const toml::table* Section(const toml::table& root, std::string_view name) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) Fail("[" + std::string(name) + "] must be a table");
  return node->as_table();
}

const toml::array* Array(const toml::table& table, std::string_view key) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_array()) Fail("'" + std::string(key) + "' must be an array");
  return node->as_array();
}

void ApplyModule(const toml::table& t, Scenario& s) {
  Read(t, "manufacturer", s.manufacturer);
  Read(t, "model", s.model);
  Read(t, "imei", s.imei);
  Read(t, "imsi", s.imsi);
  Read(t, "banner", s.banner);
  Read(t, "echo", s.echo);
  ReadInt(t, "cmee", s.cmee, 0, 2);
  if (const toml::array* revision = Array(t, "revision")) {
    s.revision.clear();
    for (const toml::node& line : *revision) {
      std::optional<std::string> text = line.value<std::string>();
      if (!text) Fail("'revision' must hold strings");
      s.revision.push_back(*text);
    }
  }
}

void ApplyNetwork(const toml::table& t, Scenario& s) {
  ReadInt(t, "csq", s.rssi, 0, 99);
  ReadInt(t, "ber", s.ber, 0, 99);
  ReadInt(t, "lac", s.lac, 0, 65535);
  ReadInt(t, "ci", s.ci, 0, 268435455);
  Read(t, "home_plmn", s.home_plmn);
  Read(t, "require_apn", s.require_apn);
  if (const toml::array* steps = Array(t, "registration")) {
    s.registration.clear();
    for (const toml::node& node : *steps) {
      if (!node.is_table()) Fail("'registration' entries must be tables {stat, after_ms}");
      RegistrationStep step;
      ReadInt(*node.as_table(), "stat", step.stat, 0, 5);
      ReadMillis(*node.as_table(), "after_ms", step.after);
      s.registration.push_back(step);
    }
  }
  if (const toml::array* scan = Array(t, "scan")) {
    s.scan.clear();
    for (const toml::node& node : *scan) {
      if (!node.is_table()) Fail("'scan' entries must be tables {stat, plmn}");
      PlmnEntry entry;
      ReadInt(*node.as_table(), "stat", entry.stat, 0, 3);
      Read(*node.as_table(), "plmn", entry.numeric);
      s.scan.push_back(entry);
    }
  }
  if (const toml::array* selectable = Array(t, "selectable")) {
    s.selectable.clear();
    for (const toml::node& node : *selectable) {
      std::optional<std::string> plmn = node.value<std::string>();
      if (!plmn) Fail("'selectable' must hold strings");
      s.selectable.push_back(*plmn);
    }
  }
  long long freq = static_cast<long long>(s.cell_freq_hz);
  Read(t, "cell_freq_hz", freq);
  s.cell_freq_hz = static_cast<std::uint64_t>(freq);
  if (const toml::array* qos = Array(t, "granted_qos")) {
    if (qos->size() != 5) Fail("'granted_qos' needs 5 numbers");
    for (std::size_t i = 0; i < 5; ++i) {
      std::optional<long long> value = (*qos)[i].value<long long>();
      if (!value || *value < 0 || *value > 31) Fail("bad 'granted_qos'");
      s.granted_qos[i] = static_cast<int>(*value);
    }
  }
  if (const toml::array* addresses = Array(t, "pdp_addresses")) {
    if (addresses->size() != 2) Fail("'pdp_addresses' needs 2 strings");
    for (std::size_t i = 0; i < 2; ++i) {
      std::optional<std::string> text = (*addresses)[i].value<std::string>();
      if (!text) Fail("bad 'pdp_addresses'");
      s.pdp_addresses[i] = *text;
    }
  }
}

void ApplyFaults(const toml::table& t, Scenario& s) {
  ReadInt(t, "attach_fail", s.attach_fail, 0, 1000000);
  ReadInt(t, "pdp_fail", s.pdp_fail, 0, 1000000);
  Read(t, "refuse_cgdata", s.refuse_cgdata);
  int chunk = static_cast<int>(s.chunk_size);
  ReadInt(t, "chunk_size", chunk, 0, 65536);
  s.chunk_size = static_cast<std::size_t>(chunk);
  ReadMillis(t, "chunk_gap_ms", s.chunk_gap);
  long long seed = s.seed;
  Read(t, "seed", seed);
  s.seed = static_cast<std::uint32_t>(seed);
}

void ApplyTimeline(const toml::array& timeline, Scenario& s) {
  for (const toml::node& node : timeline) {
    if (!node.is_table()) Fail("[[timeline]] entries must be tables {at_ms, command}");
    TimedCommand entry;
    ReadMillis(*node.as_table(), "at_ms", entry.at);
    Read(*node.as_table(), "command", entry.command);
    std::error_code error;
    if (!ParseControlCommand(entry.command, error)) {
      Fail("timeline command '" + entry.command + "': " + error.message());
    }
    s.timeline.push_back(entry);
  }
}

}  // namespace

void ApplyScenarioToml(std::string_view text, Scenario& scenario) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& error) {
    Fail(std::string(error.description()));
  }
  if (const toml::table* t = Section(root, "module")) ApplyModule(*t, scenario);
  if (const toml::table* t = Section(root, "network")) ApplyNetwork(*t, scenario);
  if (const toml::table* t = Section(root, "faults")) ApplyFaults(*t, scenario);
  if (const toml::array* timeline = Array(root, "timeline")) ApplyTimeline(*timeline, scenario);
  if (const toml::table* t = Section(root, "behaviour")) {
    Read(*t, "fast", scenario.fast);
    Read(*t, "escape", scenario.escape);
  }
}

void LoadScenarioFile(const std::string& path, Scenario& scenario) {
  std::ifstream in(path);
  if (!in) Fail("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  ApplyScenarioToml(text.str(), scenario);
}

}  // namespace uclink::sim
