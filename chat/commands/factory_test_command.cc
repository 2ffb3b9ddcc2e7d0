#include "chat/commands/factory_test_command.h"

#include <array>
#include <charconv>

namespace uclink::chat {
namespace {

constexpr std::array<FactoryRfResult, 9> kRfResults = {{
    {0, "关闭测试模式", "test mode off"},
    {1, "通过测试", "test passed"},
    {2, "测试失败", "test failed"},
    {3, "发送正常", "transmitting normally"},
    {4, "同步失败", "synchronisation failed"},
    {5, "GPS 发送信号开始", "GPS signal output started"},
    {6, "DCXO Δf正常", "DCXO frequency offset normal"},
    {7, "数据接收正常, RSSI 接收功率异常", "data received, RSSI out of range"},
    {8, "其他错误", "other error"},
}};

std::optional<long long> IntegerReading(std::string_view v) {
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    v.remove_prefix(2);
    base = 16;
  }
  long long out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return out;
}

}  // namespace

Result<std::string> EncodeFactorytest(const FactoryTestRequest& r) {
  if (auto e = CheckRange(r.type, 0, 12, "<type>", "§2.62")) return *e;
  CommandText cmd("+FACTORYTEST");
  cmd.Int(r.type);
  struct Field {
    const std::optional<int>& value;
    int min;
    int max;
    const char* what;
  };
  const Field fields[] = {{r.control, 0, 4, "<control>"},
                          {r.control1, 0, 1, "<control1>"},
                          {r.band, 0, 1, "<band>"},
                          {r.power, 0, 65535, "<power>"},
                          {r.rssi, -150, 0, "<rssi>"}};
  // Parameters are positional: the last set one decides how many are written.
  int last = -1;
  for (int i = 0; i < 5; ++i) {
    if (fields[i].value) last = i;
  }
  for (int i = 0; i <= last; ++i) {
    const Field& f = fields[i];
    int v = f.value.value_or(0);
    if (auto e = CheckRange(v, f.min, f.max, f.what, "§2.62")) return *e;
    cmd.Int(v);
  }
  return cmd.Take();
}

Result<FactoryTestResult> DecodeFactorytest(std::string_view line) {
  auto args = ParseInfo(line, {"FACTORYTEST"}, 2, 2);
  if (!args) return args.error();
  auto type = ParseInt((*args)[0], 0, 255, "<type>");
  if (!type) return type.error();
  const AtArg& v = (*args)[1];
  if (v.kind != ArgKind::kBare || v.text.empty()) {
    return MakeError(CommandErrc::kMalformed, "<value> is not a bare value");
  }
  return FactoryTestResult{static_cast<int>(*type), std::string(v.text), IntegerReading(v.text)};
}

std::optional<FactoryRfResult> DescribeFactoryRfResult(int code) {
  for (const FactoryRfResult& r : kRfResults) {
    if (r.code == code) return r;
  }
  return std::nullopt;
}

}  // namespace uclink::chat
