// Property: every text parameter uclink writes into an in-band command is either refused by the
// client's encoder (chat/commands, one table: chat::TextParams()) or read back byte for byte by
// the simulator's own parser (sim/command_parser + sim/services/params, which never use chat/).
// Random values are drawn from bytes that matter to a command line (quote, backslash, comma,
// space, CR, LF, NUL, DEL, bytes >= 0x80) mixed with letters; the seed is fixed, the loops are
// bounded. A refusal is fine; an altered value (x"y\z read as x\"y\z) fails the test.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "chat/commands/command_table.h"
#include "chat/commands/ftp.h"
#include "chat/commands/http.h"
#include "chat/commands/ip.h"
#include "chat/commands/mqtt.h"
#include "chat/commands/text_params.h"
#include "sim/command_parser.h"
#include "sim/services/params.h"

namespace uclink {
namespace {

using chat::TextParam;
using sim::services::Param;
using sim::services::SplitParams;
using sim::services::Trim;

constexpr int kRounds = 3000;

// Bytes that a command line treats specially, and ordinary text.
std::string RandomValue(std::mt19937& rng, std::size_t max_len) {
  static const std::string kSpecial =
      std::string("\"\\, \r\n\t;=:#+/%'?") + '\0' + "\x7f\x80\xc3\xff";
  std::uniform_int_distribution<std::size_t> len(0, max_len);
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<int> letter('a', 'z');
  std::uniform_int_distribution<std::size_t> special(0, kSpecial.size() - 1);
  std::string value(len(rng), 'a');
  for (char& c : value) {
    c = pick(rng) < 2 ? kSpecial[special(rng)] : static_cast<char>(letter(rng));
  }
  return value;
}

// One command of the table: how the client encodes a value, and how the simulator reads the
// value back from the line (nullopt: the simulator refuses the line).
struct Case {
  TextParam param;
  std::string name;  // the simulator's command name, e.g. "+MQTTPUB"
  std::function<chat::Result<std::string>(const std::string&)> encode;
  std::function<std::optional<std::string>(const std::string&)> read;
};

std::optional<std::string> Field(const std::string& raw, std::size_t max, std::size_t index,
                                 bool trim) {
  auto p = SplitParams(raw, max);
  if (!p || p->size() <= index) return std::nullopt;
  return trim ? Trim((*p)[index].text) : (*p)[index].text;
}

std::optional<std::string> CountedData(const std::string& raw) {
  auto c = sim::services::SplitCounted(raw, 1 << 20);
  if (!c || !c->data || c->data->size() != static_cast<std::size_t>(c->length)) {
    return std::nullopt;
  }
  return c->data;
}

// The quoted <data> of AT+IPSEND when its announced length counts it exactly.
std::optional<std::string> IpsendData(const std::string& raw) {
  auto a = sim::services::ParseIpsend(raw);
  if (!a || !a->data || a->length != static_cast<long>(a->data->size())) return std::nullopt;
  return a->data;
}

chat::MqttConfig Config() {
  chat::MqttConfig c;
  c.host = "broker";
  c.client_id = "id";
  return c;
}

// AT+MQTTCONFIG of Config() with `field` holding the value.
std::function<chat::Result<std::string>(const std::string&)> ConfigWith(
    std::string chat::MqttConfig::*field) {
  return [field](const std::string& v) {
    chat::MqttConfig c = Config();
    c.*field = v;
    return chat::EncodeMqttconfig(c);
  };
}

// One field of AT+MQTTPUB as the simulator reads it.
std::function<std::optional<std::string>(const std::string&)> MqttpubField(
    std::string sim::services::MqttpubArgs::*field) {
  return [field](const std::string& raw) -> std::optional<std::string> {
    auto p = sim::services::ParseMqttpub(raw);
    if (!p) return std::nullopt;
    return (*p).*field;
  };
}

std::vector<Case> Cases() {
  using chat::Command;
  auto name = [](Command c) {
    return [c](const std::string& v) { return chat::EncodeFtpName(c, v); };
  };
  auto bare = [](const std::string& raw) { return sim::services::OneBareParam(raw); };
  return {
      {TextParam::kIpcreateAddress, "+IPCREATE",
       [](const std::string& v) { return chat::EncodeIpcreate(chat::SocketMode::kTcp, v, 7); },
       [](const std::string& raw) { return Field(raw, 3, 1, true); }},
      {TextParam::kIpsendData, "+IPSEND",
       [](const std::string& v) { return chat::EncodeIpsend(chat::SocketMode::kTcp, v); },
       IpsendData},
      {TextParam::kFtpServer, "+FTPSERV",
       [](const std::string& v) { return chat::EncodeFtpserv(v); },
       [](const std::string& raw) { return Field(raw, 2, 0, true); }},
      {TextParam::kFtpUser, "+FTPUN", name(Command::kFtpun), bare},
      {TextParam::kFtpPassword, "+FTPPW", name(Command::kFtppw), bare},
      {TextParam::kFtpGetName, "+FTPGETNAME", name(Command::kFtpgetname), bare},
      {TextParam::kFtpGetName, "+FTPGET",
       [](const std::string& v) { return chat::EncodeFtpget(1, v); },
       [](const std::string& raw) -> std::optional<std::string> {
         auto p = SplitParams(raw, 2);
         if (!p || p->size() != 2) return std::nullopt;
         return Trim(p->back().text);
       }},
      {TextParam::kFtpPath, "+FTPPATH", name(Command::kFtppath), bare},
      {TextParam::kFtpPutName, "+FTPPUTNAME", name(Command::kFtpputname), bare},
      {TextParam::kFtpDirectory, "+FTPMKD", name(Command::kFtpmkd), bare},
      {TextParam::kFtpDirectory, "+FTPRMD", name(Command::kFtprmd), bare},
      {TextParam::kFtpSizeName, "+FTPSIZE", name(Command::kFtpsize), bare},
      {TextParam::kFtpPutData, "+FTPPUT",
       [](const std::string& v) { return chat::EncodeFtpput(v); }, CountedData},
      {TextParam::kHttpUrl, "+HTTPPARA",
       [](const std::string& v) { return chat::EncodeHttppara(chat::HttpParam::kUrl, v); },
       [](const std::string& raw) { return Field(raw, 2, 1, true); }},
      {TextParam::kHttpUser, "+HTTPPARA",
       [](const std::string& v) { return chat::EncodeHttppara(chat::HttpParam::kUser, v); },
       [](const std::string& raw) -> std::optional<std::string> {
         auto value = Field(raw, 2, 1, false);
         if (!value) return std::nullopt;
         auto headers = sim::services::UserHeaders(*value);
         if (headers.size() != 1) return std::nullopt;
         return headers[0];
       }},
      {TextParam::kHttpBody, "+HTTPPARA",
       [](const std::string& v) { return chat::EncodeHttppara(chat::HttpParam::kBody, v); },
       [](const std::string& raw) { return Field(raw, 2, 1, false); }},
      {TextParam::kHttpPath, "+HTTPPARA",
       [](const std::string& v) { return chat::EncodeHttppara(chat::HttpParam::kPath, v); },
       [](const std::string& raw) { return Field(raw, 2, 1, true); }},
      {TextParam::kHttpData, "+HTTPDATA",
       [](const std::string& v) { return chat::EncodeHttpdata(v); }, CountedData},
      {TextParam::kMqttHost, "+MQTTCONFIG", ConfigWith(&chat::MqttConfig::host),
       [](const std::string& raw) { return Field(raw, 7, 0, true); }},
      {TextParam::kMqttClientId, "+MQTTCONFIG", ConfigWith(&chat::MqttConfig::client_id),
       [](const std::string& raw) { return Field(raw, 7, 2, false); }},
      {TextParam::kMqttUsername, "+MQTTCONFIG", ConfigWith(&chat::MqttConfig::username),
       [](const std::string& raw) { return Field(raw, 7, 5, false); }},
      {TextParam::kMqttPassword, "+MQTTCONFIG", ConfigWith(&chat::MqttConfig::password),
       [](const std::string& raw) { return Field(raw, 7, 6, false); }},
      {TextParam::kMqttTopic, "+MQTTPUB",
       [](const std::string& v) { return chat::EncodeMqttpub(v, 1, false, "m"); },
       MqttpubField(&sim::services::MqttpubArgs::topic)},
      {TextParam::kMqttTopic, "+MQTTSUB",
       [](const std::string& v) { return chat::EncodeMqttsub(v, 1); },
       [](const std::string& raw) { return Field(raw, 2, 0, false); }},
      {TextParam::kMqttTopic, "+MQTTUNSUB",
       [](const std::string& v) { return chat::EncodeMqttunsub(v); },
       [](const std::string& raw) { return Field(raw, 1, 0, false); }},
      {TextParam::kMqttMessage, "+MQTTPUB",
       [](const std::string& v) { return chat::EncodeMqttpub("t", 1, false, v); },
       MqttpubField(&sim::services::MqttpubArgs::message)},
      {TextParam::kMqttCertificate, "+MQTTTLS",
       [](const std::string& v) {
         return chat::EncodeMqtttls(1, chat::CertType::kRootCa, v, v.size() + 2);
       },
       [](const std::string& raw) { return Field(raw, 4, 2, false); }},
  };
}

TEST(InbandParamsRoundTripTest, EveryTableRowHasACase) {
  std::vector<bool> seen(chat::TextParams().size(), false);
  for (const Case& c : Cases()) seen[static_cast<std::size_t>(c.param)] = true;
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_TRUE(seen[i]) << "TextParam " << i;
}

TEST(InbandParamsRoundTripTest, RandomValuesAreRefusedOrReadBackByteForByte) {
  std::mt19937 rng(20261127);
  for (const Case& c : Cases()) {
    const chat::TextParamSpec& spec = chat::TextParamOf(c.param);
    int accepted = 0;
    for (int round = 0; round < kRounds; ++round) {
      const std::string value = RandomValue(rng, round % 50 == 0 ? spec.rule.max + 2 : 24);
      auto line = c.encode(value);
      if (!line) {
        // The one table decides: the encoder refuses exactly what the row cannot carry.
        const bool uncarriable = chat::FindUncarriable(c.param, value).has_value();
        const bool limit = value.size() > spec.rule.max ||
                           (value.empty() && !spec.rule.allow_empty) ||
                           (c.param == TextParam::kMqttCertificate &&
                            value.size() + 2 > spec.rule.max);  // <cert file size> = text + 2
        // Rules beyond the table: host names (FTPSERV), MQTT wildcards (topic names/filters).
        const bool other = c.param == TextParam::kFtpServer || c.param == TextParam::kMqttTopic;
        EXPECT_TRUE(uncarriable || limit || other)
            << c.name << " refused a value its row carries: " << line.error().detail;
        continue;
      }
      ++accepted;
      ASSERT_EQ(line->find_first_of("\r\n"), std::string::npos) << c.name;
      auto command = sim::ParseCommandLine(*line);
      ASSERT_TRUE(command) << c.name << " line refused by the simulator's core: " << *line;
      EXPECT_EQ(command->name, c.name);
      auto read = c.read(command->raw);
      ASSERT_TRUE(read) << c.name << " value refused by the simulator's service parser: " << *line;
      EXPECT_EQ(*read, value) << c.name << " altered: " << *line;
    }
    // Not vacuous: a fair share of the random values must have travelled.
    EXPECT_GT(accepted, kRounds / 20) << c.name;
  }
}

TEST(InbandParamsRoundTripTest, AQuotedMessageWithAQuoteIsRefusedNeverAltered) {
  // `x"y\z` used to be sent as "x\"y\z" and published as x\"y\z.
  auto line = chat::EncodeMqttpub("t", 0, false, "x\"y\\z");
  ASSERT_FALSE(line);
  EXPECT_NE(line.error().detail.find("byte 0x22 at offset 1"), std::string::npos);
  // The line the old client wrote is refused by the simulator instead of read as x\"y\z.
  auto command = sim::ParseCommandLine("AT+MQTTPUB=\"t\",0,0,\"x\\\"y\\z\"");
  EXPECT_FALSE(command && sim::services::ParseMqttpub(command->raw));
}

// Data longer than one command: the parts PlanInlineParts chose, each encoded and read back by
// the simulator, concatenate to the data; or the plan names the byte it cannot carry.
TEST(InbandParamsRoundTripTest, MultiPartDataIsRefusedOrReassembledByteForByte) {
  struct Data {
    TextParam param;
    std::size_t max_part;
    std::function<chat::Result<std::string>(const std::string&)> encode;
    std::function<std::optional<std::string>(const std::string&)> read;
  };
  const std::vector<Data> kinds = {
      {TextParam::kIpsendData, chat::kMaxIpSendData,
       [](const std::string& v) { return chat::EncodeIpsend(chat::SocketMode::kUdp, v); },
       IpsendData},
      {TextParam::kFtpPutData, chat::kMaxFtpPutData,
       [](const std::string& v) { return chat::EncodeFtpput(v); }, CountedData},
      {TextParam::kHttpData, chat::kMaxHttpData,
       [](const std::string& v) { return chat::EncodeHttpdata(v); }, CountedData},
  };
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> printable(0x20, 0x7e);
  std::uniform_int_distribution<int> spaces(0, 3);
  for (const Data& kind : kinds) {
    int whole = 0;
    for (int round = 0; round < 200; ++round) {
      // Printable text with runs of spaces, so that part boundaries often fall on a space.
      std::string data(static_cast<std::size_t>(round * 17 % 3000 + 1), 'a');
      for (char& c : data) {
        do {
          c = spaces(rng) == 0 ? ' ' : static_cast<char>(printable(rng));
        } while (c == '"');
      }
      if (round % 5 != 0 && data[0] == ' ') data[0] = 'x';
      if (round % 7 == 0) data[round % data.size()] = '\r';
      if (round % 11 == 0) data[round * 31 % data.size()] = '"';
      const chat::PartPlan plan = chat::PlanInlineParts(kind.param, data, kind.max_part);
      if (plan.refused) {
        EXPECT_TRUE(plan.sizes.empty());
        EXPECT_LT(plan.refused->offset, data.size());
        continue;
      }
      std::string reassembled;
      std::size_t off = 0;
      for (std::size_t size : plan.sizes) {
        ASSERT_GT(size, 0u);
        ASSERT_LE(size, kind.max_part);
        const std::string part = data.substr(off, size);
        off += size;
        auto line = kind.encode(part);
        ASSERT_TRUE(line) << line.error().detail;
        auto command = sim::ParseCommandLine(*line);
        ASSERT_TRUE(command) << *line;
        auto read = kind.read(command->raw);
        ASSERT_TRUE(read) << *line;
        reassembled += *read;
      }
      EXPECT_EQ(reassembled, data);
      ++whole;
    }
    EXPECT_GT(whole, 50) << static_cast<int>(kind.param);
  }
}

TEST(InbandParamsRoundTripTest, ACountedPartNeverBeginsWithASpace) {
  // Manual §2.43 writes `AT+FTPPUT=5, 12345`: the space after the comma is padding, so a part
  // beginning with a space would lose it. The boundary moves back instead.
  std::string data(1023, 'x');
  data += "  yz";
  const chat::PartPlan plan = chat::PlanInlineParts(TextParam::kFtpPutData, data, 1024);
  ASSERT_FALSE(plan.refused);
  EXPECT_EQ(plan.sizes, (std::vector<std::size_t>{1022, 5}));
  // Splitting at 1024 made the second part " yz": the simulator refuses `AT+FTPPUT=3, yz`
  // (it reads the data "yz"), and the encoder refuses the part before sending it.
  auto command = sim::ParseCommandLine("AT+FTPPUT=3, yz");
  ASSERT_TRUE(command);
  EXPECT_FALSE(CountedData(command->raw));
  EXPECT_FALSE(chat::EncodeFtpput(" yz"));
}

}  // namespace
}  // namespace uclink
