#include "sim/scenario.h"

#include <charconv>
#include <limits>
#include <string>
#include <vector>

namespace uclink::sim {
namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() &&
           (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\r' || line[pos] == '\n')) {
      ++pos;
    }
    std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t' && line[pos] != '\r' &&
           line[pos] != '\n') {
      ++pos;
    }
    if (pos > start) words.push_back(line.substr(start, pos - start));
  }
  return words;
}

std::optional<long> Number(std::string_view word, long min, long max) {
  long value = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (ec != std::errc() || end != word.data() + word.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

struct Spec {
  std::string_view word;
  ControlCommand::Kind kind;
  int arity;
  long max;  // bound for the first argument: keeps bad input from growing memory
};

// Bounds: garbage and storms are capped so a typo cannot make the simulator allocate without
// limit; 65535 ms is plenty for a chunk gap.
constexpr Spec kSpecs[] = {
    {"reboot", ControlCommand::Kind::kReboot, 0, 0},
    {"hang", ControlCommand::Kind::kHang, 0, 0},
    {"unhang", ControlCommand::Kind::kUnhang, 0, 0},
    {"garbage", ControlCommand::Kind::kGarbage, 1, 1 << 20},
    {"chunk", ControlCommand::Kind::kChunk, 2, 1 << 16},
    {"urc-storm", ControlCommand::Kind::kUrcStorm, 1, 100000},
    {"drop", ControlCommand::Kind::kDrop, 0, 0},
    {"silent-ppp", ControlCommand::Kind::kSilentPpp, 0, 0},
    {"blackhole", ControlCommand::Kind::kBlackhole, 0, 0},
    {"register", ControlCommand::Kind::kRegister, 1, 5},
    {"csq", ControlCommand::Kind::kCsq, 1, 99},
    {"refuse-cgdata", ControlCommand::Kind::kRefuseCgdata, 1, 1},
    {"attach-fail", ControlCommand::Kind::kAttachFail, 1, 1000000},
    {"pdp-fail", ControlCommand::Kind::kPdpFail, 1, 1000000},
    {"status", ControlCommand::Kind::kStatus, 0, 0},
    {"wedge", ControlCommand::Kind::kWedge, 0, 0},
    {"power-cycle", ControlCommand::Kind::kPowerCycle, 0, 0},
};

}  // namespace

Latencies Latencies::Fast() {
  Latencies zero;
  zero.command = zero.cfun = zero.activate = zero.connect = Millis{0};
  zero.cops_scan = zero.cops_select = zero.boot = Millis{0};
  return zero;
}

// The control words of kSpecs are the names: one table, so a new command cannot be named twice.
std::string_view ToString(ControlCommand::Kind kind) {
  for (const Spec& spec : kSpecs) {
    if (spec.kind == kind) return spec.word;
  }
  return "?";
}

std::optional<ControlCommand> ParseControlCommand(std::string_view line, std::error_code& error) {
  std::vector<std::string_view> words = Words(line);
  error = {};
  if (words.empty()) {
    error = Errc::kUnknownControl;
    return std::nullopt;
  }
  for (const Spec& spec : kSpecs) {
    if (words[0] != spec.word) continue;
    if (static_cast<int>(words.size()) != spec.arity + 1) {
      error = Errc::kBadControlArgument;
      return std::nullopt;
    }
    ControlCommand command;
    command.kind = spec.kind;
    if (spec.kind == ControlCommand::Kind::kRefuseCgdata) {
      if (words[1] != "on" && words[1] != "off") {
        error = Errc::kBadControlArgument;
        return std::nullopt;
      }
      command.value = words[1] == "on" ? 1 : 0;
      return command;
    }
    if (spec.arity >= 1) {
      std::optional<long> value = Number(words[1], 0, spec.max);
      if (!value) {
        error = Errc::kBadControlArgument;
        return std::nullopt;
      }
      command.value = *value;
    }
    if (spec.arity >= 2) {
      std::optional<long> gap = Number(words[2], 0, 65535);
      if (!gap) {
        error = Errc::kBadControlArgument;
        return std::nullopt;
      }
      command.value2 = *gap;
    }
    return command;
  }
  error = Errc::kUnknownControl;
  return std::nullopt;
}

}  // namespace uclink::sim
