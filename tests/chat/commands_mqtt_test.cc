// MQTT client commands (chat/commands/mqtt.h): manual §2.53–§2.61.
#include <gtest/gtest.h>

#include "chat/commands/command_table.h"
#include "chat/commands/mqtt.h"
#include "chat/error_tables.h"

namespace uclink::chat {
namespace {

MqttConfig ManualConfig() {
  // §2.61 "MQTT 测试": broker 192.168.1.100:18830, client "example", clean, keepalive 60.
  return {"192.168.1.100", 18830, "example", true, 60, "", ""};
}

TEST(MqttconfigTest, EncodesManualExample) {
  EXPECT_EQ(*EncodeMqttconfig(ManualConfig()),
            "AT+MQTTCONFIG=\"192.168.1.100\",18830,\"example\",1,60,\"\",\"\"");
}

TEST(MqttconfigTest, EncodesOneNetExampleWithLongPassword) {
  // §2.61 OneNET: a 119-byte password, over §2.54's 64-byte limit, which the module accepts.
  MqttConfig c{"183.230.40.96",
               1883,
               "first",
               true,
               60,
               "394157",
               "version=2018-10-31&res=products%2F394157%2Fdevices%2Ffirst&et=1640064378&method="
               "md5&sign=salJMK20Xwj%2BCJGrRkIdtQ%3D%3D"};
  auto r = EncodeMqttconfig(c);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->rfind("AT+MQTTCONFIG=\"183.230.40.96\",1883,\"first\",1,60,\"394157\",", 0), 0u);
}

TEST(MqttconfigTest, EnforcesLimits) {
  MqttConfig long_id = ManualConfig();
  long_id.client_id = std::string(65, 'c');
  EXPECT_EQ(EncodeMqttconfig(long_id).error().code, CommandErrc::kTooLong);
  MqttConfig long_user = ManualConfig();
  long_user.username = std::string(65, 'u');
  EXPECT_EQ(EncodeMqttconfig(long_user).error().code, CommandErrc::kTooLong);
  MqttConfig bad_port = ManualConfig();
  bad_port.port = 0;
  EXPECT_EQ(EncodeMqttconfig(bad_port).error().code, CommandErrc::kOutOfRange);
  MqttConfig no_host = ManualConfig();
  no_host.host.clear();
  EXPECT_EQ(EncodeMqttconfig(no_host).error().code, CommandErrc::kEmpty);
}

TEST(MqttconfigTest, DecodesReadAnswer) {
  // §2.54: +MQTTCONFIG: <url>,<port>,<clientid>,<cleansession>,<keepalive>,<username>,<password>.
  auto c = DecodeMqttconfig(
      "+MQTTCONFIG: \"alycvwF89HH.iot-as-mqtt.cn-shanghai.aliyuncs.com\",1883,"
      "\"12345|securemode=3,signmethod=hmacsha1|\",1,60,\"test&alycvwF89HH\","
      "\"77B62175AB7B5AA8F4128026E1CC36DAFBDFDCC0\"");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->client_id, "12345|securemode=3,signmethod=hmacsha1|");
  EXPECT_EQ(c->keepalive_s, 60);
  EXPECT_EQ(c->password, "77B62175AB7B5AA8F4128026E1CC36DAFBDFDCC0");
  // The usage answer of the test form is not a configuration.
  EXPECT_FALSE(DecodeMqttconfig(
      "+MQTTCONFIG: <url>,<port>,<clientid>,(0-1),<keepalive>,<username>,<password>"));
}

TEST(MqtttlsTest, EncodesManualExample) {
  // §2.61 MQTTS: AT+MQTTTLS=1,0,"#1",1181.
  EXPECT_EQ(*EncodeMqtttls(1, CertType::kRootCa, "#1", 1181), "AT+MQTTTLS=1,0,\"#1\",1181");
}

TEST(MqtttlsTest, CertificateLimitIs1536) {
  // §2.53: at most 1536 bytes; PEM line ends must be replaced first (§2.61 step 2).
  auto r = EncodeMqtttls(1, CertType::kClientKey, std::string(1537, 'k'), 1537);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CommandErrc::kTooLong);
  EXPECT_NE(r.error().detail.find("1536"), std::string::npos);
  EXPECT_EQ(EncodeMqtttls(1, CertType::kRootCa, "a\nb", 3).error().code,
            CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeMqtttls(1, CertType::kRootCa, "ab", 1537).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeMqtttls(2, CertType::kRootCa, "ab", 2).error().code, CommandErrc::kOutOfRange);
}

TEST(MqtttlsTest, DecodesReadAnswerUnderBothNames) {
  // §2.53 table: "+MQTTLS:(0-1),<caname>,<certname>,<keyname>".
  auto usage = DecodeMqtttls("+MQTTLS:(0-1),ca,cert,key");
  ASSERT_TRUE(usage);
  EXPECT_EQ(*usage, (MqttTlsState{std::nullopt, "ca", "cert", "key"}));
  EXPECT_EQ(*DecodeMqtttls("+MQTTTLS: 1,\"ca.pem\",\"c.pem\",\"k.pem\""),
            (MqttTlsState{1, "ca.pem", "c.pem", "k.pem"}));
  EXPECT_EQ(DecodeMqtttls("+MQTTTLS: 2,a,b,c").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeMqtttls("+MQTTTLS: 1,a").error().code, CommandErrc::kMissingField);
}

TEST(MqttconnectTest, ResultCodeNamesItsMeaning) {
  // §2.55: "+MQTTCONNECT: 0"; table 3.4.
  EXPECT_EQ(*DecodeMqttconnect("+MQTTCONNECT: 0"), 0);
  EXPECT_EQ(DescribeMqtt(*DecodeMqttconnect("+MQTTCONNECT: 9")),
            "A CONNECT or at least one subscription was refused by the server.");
  EXPECT_EQ(*EncodeExec(Command::kMqttconnect), "AT+MQTTCONNECT");
}

TEST(MqttpubTest, EncodesManualExamples) {
  // §2.61: AT+MQTTPUB="topic1",1,0,"hello".
  EXPECT_EQ(*EncodeMqttpub("topic1", 1, false, "hello"), "AT+MQTTPUB=\"topic1\",1,0,\"hello\"");
  EXPECT_EQ(*EncodeMqttpub("$sys/394157/first/dp/post/json", 1, false, R"({'id':123})"),
            R"(AT+MQTTPUB="$sys/394157/first/dp/post/json",1,0,"{'id':123}")");
}

TEST(MqttpubTest, AQuoteInTheMessageIsRefusedNotEscaped) {
  // §2.61's OneNET example puts a backslash before the JSON's quotes, but the manual defines no
  // escape (§1.3.3): a module that does not unescape would publish the backslashes. Refused.
  auto r = EncodeMqttpub("t", 1, false, R"(x"y\z)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CommandErrc::kInvalidCharacter);
  EXPECT_NE(r.error().detail.find("byte 0x22 at offset 1"), std::string::npos) << r.error().detail;
  EXPECT_EQ(*EncodeMqttpub("t", 1, false, R"(x\y)"), R"(AT+MQTTPUB="t",1,0,"x\y")");
  EXPECT_EQ(EncodeMqttpub("a\"b", 0, false, "m").error().code, CommandErrc::kInvalidCharacter);
}

TEST(MqttpubTest, WildcardTopicIsRefused) {
  // MQTT 3.1.1 §3.3.2.1: a PUBLISH topic name holds no wildcard.
  for (const char* topic : {"a/#", "a/+/b", "#", "+"}) {
    auto r = EncodeMqttpub(topic, 0, false, "m");
    ASSERT_FALSE(r) << topic;
    EXPECT_EQ(r.error().code, CommandErrc::kMalformed);
  }
  EXPECT_TRUE(EncodeMqttsub("a/+/b", 0));
  EXPECT_TRUE(EncodeMqttsub("a/#", 0));
  EXPECT_FALSE(EncodeMqttsub("a/b#", 0));
  EXPECT_FALSE(EncodeMqttsub("a/#/b", 0));
  EXPECT_FALSE(EncodeMqttsub("a+/b", 0));
}

TEST(MqttpubTest, TopicAndMessageLimitsAre1024) {
  EXPECT_TRUE(EncodeMqttpub(std::string(1024, 't'), 0, false, std::string(1024, 'm')));
  EXPECT_EQ(EncodeMqttpub(std::string(1025, 't'), 0, false, "m").error().code,
            CommandErrc::kTooLong);
  EXPECT_EQ(EncodeMqttpub("t", 0, false, std::string(1025, 'm')).error().code,
            CommandErrc::kTooLong);
  EXPECT_EQ(EncodeMqttpub("t", 3, false, "m").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeMqttpub("", 0, false, "m").error().code, CommandErrc::kEmpty);
}

TEST(MqttsubTest, EncodesSubscribeAndUnsubscribe) {
  // §2.61: AT+MQTTSUB="topic1",1; §2.58: AT+MQTTUNSUB=<topic>.
  EXPECT_EQ(*EncodeMqttsub("topic1", 1), "AT+MQTTSUB=\"topic1\",1");
  EXPECT_EQ(*EncodeMqttunsub("topic1"), "AT+MQTTUNSUB=\"topic1\"");
  EXPECT_EQ(EncodeMqttsub("t", -1).error().code, CommandErrc::kOutOfRange);
}

TEST(MqttstateTest, ManualExample) {
  // §2.61: "+MQTTSTATE:1".
  EXPECT_EQ(*DecodeMqttstate("+MQTTSTATE:1"), true);
  EXPECT_EQ(*DecodeMqttstate("+MQTTSTATE: 0"), false);
  EXPECT_EQ(DecodeMqttstate("+MQTTSTATE: 2").error().code, CommandErrc::kOutOfRange);
}

TEST(MqttMessageTest, ManualUrc) {
  // §2.61: +MQTTSUB:"topic1",5,"hello" — 5 bytes after the opening quote, then the quote.
  std::string_view line = "+MQTTSUB:\"topic1\",5,\"hello\"";
  auto h = DecodeMqttsubHeader(line, true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->topic, "topic1");
  EXPECT_EQ(line.substr(h->payload.offset, h->payload.length), "hello");
  EXPECT_EQ(h->payload.trailer, "\"");
}

TEST(MqttMessageTest, TopicWithCommaAndUnquotedMessage) {
  std::string_view line = "+MQTTSUB:\"a,b\",3,xyz";
  auto h = DecodeMqttsubHeader(line, false);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->topic, "a,b");
  EXPECT_EQ(line.substr(h->payload.offset), "xyz");
  EXPECT_TRUE(h->payload.trailer.empty());
}

TEST(MqttMessageTest, IncompleteAndInvalidHeaders) {
  EXPECT_EQ(DecodeMqttsubHeader("+MQTTSUB:\"top", false).error().code, CommandErrc::kIncomplete);
  EXPECT_EQ(DecodeMqttsubHeader("+MQTTSUB:\"topic1\",5,", false).error().code,
            CommandErrc::kIncomplete);
  // §2.61: <msglen> is 1–1024.
  EXPECT_EQ(DecodeMqttsubHeader("+MQTTSUB:\"t\",0,\"\"", true).error().code,
            CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeMqttsubHeader("+MQTTSUB:\"t\",1025,\"x", true).error().code,
            CommandErrc::kOutOfRange);
  // §2.57's read answer "+MQTTSUB: <topic>,(0-2)" is no message header.
  EXPECT_FALSE(DecodeMqttsubHeader("+MQTTSUB: \"t\",(0-2)", true));
}

TEST(CertTypeTest, Names) {
  EXPECT_EQ(ToString(CertType::kRootCa), "root_ca");
  EXPECT_EQ(ToString(CertType::kClientCert), "client_cert");
  EXPECT_EQ(ToString(CertType::kClientKey), "client_key");
}

}  // namespace
}  // namespace uclink::chat
