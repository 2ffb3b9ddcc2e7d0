// MqttClient: the manual's MQTT test session (§2.61), segmented reports (§2.57) and every error
// path; failures after connecting disconnect so the module's client is released.
#include "control/inband/mqtt_client.h"

#include <gtest/gtest.h>

#include "tests/control/services/inband_harness.h"

namespace uclink::control::inband {
namespace {

using testing::InbandHarness;
using testing::Step;

MqttSessionOptions Options() {
  MqttSessionOptions o;
  o.config.host = "192.168.1.100";
  o.config.port = 18830;
  o.config.client_id = "example";
  o.config.clean_session = true;
  o.config.keepalive_s = 60;
  return o;
}

std::vector<Step> Connect() {
  return {
      {"AT+MQTTCONFIG=\"192.168.1.100\",18830,\"example\",1,60,\"\",\"\"\r", "OK\r\n"},
      {"AT+MQTTCONNECT\r", "OK\r\n"},
      {"AT+MQTTSTATE\r", "+MQTTSTATE:1\r\nOK\r\n"},
  };
}

TEST(MqttClientTest, SessionOfManual261RoundTripsAtEverySplit) {
  for (std::size_t chunk : testing::ChunkSizes()) {
    MqttClient client(Options());
    InbandHarness h(client, chunk);
    h.Script(Connect());
    h.Script({
        {"AT+MQTTSUB=\"topic1\",1\r", "OK\r\n"},
        {"AT+MQTTPUB=\"topic1\",1,0,\"hello\"\r", "OK\r\n\r\n+MQTTSUB:\"topic1\",5,\"hello\"\r\n"},
        {"AT+MQTTDISCONNECT\r", "OK\r\n"},
    });
    client.Connect({});
    client.Subscribe("topic1", 1);
    client.Publish("topic1", 1, false, "hello");
    h.Run();
    ASSERT_EQ(h.Events<ReadyAction>().size(), 1u) << "chunk " << chunk;
    ASSERT_EQ(h.Events<MessageAction>().size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(h.Events<MessageAction>()[0].topic, "topic1");
    EXPECT_EQ(h.Events<MessageAction>()[0].payload, "hello");
    EXPECT_EQ(h.Events<SentAction>().size(), 2u);
    client.Disconnect();
    h.Run();
    ASSERT_TRUE(h.Done());
    EXPECT_FALSE(*h.Done()) << h.Done()->message;
    EXPECT_TRUE(h.script_done());
  }
}

TEST(MqttClientTest, MessageOver200BytesIsReassembledFromItsSegments) {
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script(Connect());
  client.Connect({});
  h.Run();
  std::string message;
  for (int i = 0; i < 1024; ++i) message += static_cast<char>('a' + i % 26);
  // §2.57: 200-byte segments, each repeating the topic and the whole length.
  const std::string header = "+MQTTSUB:\"t\",1024,\"";
  for (std::size_t off = 0; off < message.size(); off += kMqttSegment) {
    chat::Urc urc{chat::UrcKind::kMqttMessage, header, message.substr(off, kMqttSegment), false};
    client.OnUrc(urc, {});
  }
  h.Run();
  ASSERT_EQ(h.Events<MessageAction>().size(), 1u);
  EXPECT_EQ(h.Events<MessageAction>()[0].payload, message);
}

TEST(MqttClientTest, KibMessageIsReassembledFromSegmentBytesAtEverySplit) {
  // The bytes uclink-sim writes for a 1 KiB message (§2.57): six URCs of at most 200 data bytes,
  // each repeating the topic and the whole length. The data holds quotes, commas and a CR LF,
  // which only the announced length can delimit; fed through the tokenizer split anywhere.
  std::string message;
  for (int i = 0; i < 1024; ++i) message += "ab,\"c d"[i % 7];
  message.replace(390, 2, "\r\n");
  std::string bytes;
  for (std::size_t off = 0; off < message.size(); off += kMqttSegment) {
    bytes += "\r\n+MQTTSUB:\"t/kib\",1024,\"" + message.substr(off, kMqttSegment) + "\"\r\n";
  }
  for (std::size_t chunk : testing::ChunkSizes()) {
    MqttClient client(Options());
    InbandHarness h(client, chunk);
    h.Script(Connect());
    client.Connect({});
    h.Run();
    h.Inject(bytes);
    ASSERT_EQ(h.Events<MessageAction>().size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(h.Events<MessageAction>()[0].topic, "t/kib") << "chunk " << chunk;
    EXPECT_EQ(h.Events<MessageAction>()[0].payload, message) << "chunk " << chunk;
  }
}

TEST(MqttClientTest, RefusedConnectNamesTheTable34CodeAndDisconnects) {
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script({
      {"AT+MQTTCONFIG=\"192.168.1.100\",18830,\"example\",1,60,\"\",\"\"\r", "OK\r\n"},
      {"AT+MQTTCONNECT\r", "+MQTTCONNECT: 9\r\nERROR\r\n"},
      {"AT+MQTTDISCONNECT\r", "OK\r\n"},
  });
  client.Connect({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kServiceError);
  EXPECT_NE(h.Done()->message.find("9 (A CONNECT or at least one subscription was refused"),
            std::string::npos)
      << h.Done()->message;
  EXPECT_TRUE(h.script_done());
}

TEST(MqttClientTest, StateZeroAfterConnectIsAConnectFailure) {
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script({
      {"AT+MQTTCONFIG=\"192.168.1.100\",18830,\"example\",1,60,\"\",\"\"\r", "OK\r\n"},
      {"AT+MQTTCONNECT\r", "OK\r\n"},
      {"AT+MQTTSTATE\r", "+MQTTSTATE:0\r\nOK\r\n"},
      {"AT+MQTTDISCONNECT\r", "OK\r\n"},
  });
  client.Connect({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kConnectFailed);
  EXPECT_TRUE(h.script_done());
}

TEST(MqttClientTest, UnacknowledgedQos1PublishReportsCode10AndDisconnects) {
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script(Connect());
  h.Script({
      {"AT+MQTTPUB=\"t\",1,1,\"m\"\r", "+MQTTPUB: 10\r\nERROR\r\n"},
      {"AT+MQTTDISCONNECT\r", "OK\r\n"},
  });
  client.Connect({});
  client.Publish("t", 1, true, "m");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_NE(h.Done()->message.find("MQTT code 10"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.script_done());
}

TEST(MqttClientTest, TopicOver1024BytesIsRefusedNamingTheLimit) {
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script(Connect());
  h.Script({{"AT+MQTTDISCONNECT\r", "OK\r\n"}});
  client.Connect({});
  h.Run();
  const std::string before = h.written();
  client.Publish(std::string(1025, 't'), 0, false, "m");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kInvalidArgument);
  EXPECT_NE(h.Done()->message.find("1024"), std::string::npos) << h.Done()->message;
  EXPECT_EQ(h.written().find("MQTTPUB"), std::string::npos);
}

TEST(MqttClientTest, ClientIdOver64BytesIsRefusedBeforeAnythingIsSent) {
  MqttSessionOptions o = Options();
  o.config.client_id = std::string(65, 'c');
  MqttClient client(o);
  InbandHarness h(client);
  client.Connect({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_NE(h.Done()->message.find("64"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.written().empty());
}

TEST(MqttClientTest, CertificateOver1536BytesIsRefused) {
  MqttSessionOptions o = Options();
  o.certificates = {{chat::CertType::kRootCa, std::string(1600, 'A')}};
  MqttClient client(o);
  InbandHarness h(client);
  client.Connect({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_NE(h.Done()->message.find("1536"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.written().empty());
}

TEST(MqttClientTest, CertificateIsUploadedWithEscapedLineEndsBeforeConnecting) {
  MqttSessionOptions o = Options();
  o.certificates = {{chat::CertType::kRootCa, "-----BEGIN-----\nAB\n-----END-----\n"}};
  MqttClient client(o);
  InbandHarness h(client);
  const std::string escaped = "-----BEGIN-----\\nAB\\n-----END-----\\n";
  h.Script({
      {"AT+MQTTCONFIG=\"192.168.1.100\",18830,\"example\",1,60,\"\",\"\"\r", "OK\r\n"},
      {"AT+MQTTTLS=1,0,\"" + escaped + "\"," + std::to_string(escaped.size() + 2) + "\r", "OK\r\n"},
      {"AT+MQTTCONNECT\r", "OK\r\n"},
      {"AT+MQTTSTATE\r", "+MQTTSTATE:1\r\nOK\r\n"},
  });
  client.Connect({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  EXPECT_EQ(h.Events<ReadyAction>().size(), 1u);
}

TEST(MqttClientTest, UnsubscribeIsConfirmed) {
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script(Connect());
  h.Script({{"AT+MQTTUNSUB=\"topic1\"\r", "OK\r\n"}});
  client.Connect({});
  client.Unsubscribe("topic1");
  h.Run();
  EXPECT_TRUE(h.script_done());
  EXPECT_EQ(h.Events<SentAction>().size(), 1u);
}

TEST(MqttClientTest, MessageWithAQuoteIsRefusedInBandAndNeverEscaped) {
  // `uclink mqtt pub -m 'x"y\z'` used to write "x\"y\z" and the subscriber got x\"y\z. The
  // manual defines no escape inside quotes (§1.3.3): refused, nothing published, the module's
  // client released.
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script(Connect());
  client.Connect({});
  h.Run();
  h.Script({{"AT+MQTTDISCONNECT\r", "OK\r\n"}});
  client.Publish("t", 1, false, "x\"y\\z");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kUnsendableByte);
  EXPECT_NE(h.Done()->message.find("byte 0x22 at offset 1"), std::string::npos)
      << h.Done()->message;
  EXPECT_EQ(h.written().find("MQTTPUB"), std::string::npos) << h.written();
  EXPECT_TRUE(h.script_done());
}

TEST(MqttClientTest, PublishChecksRunBeforeAnythingIsSentInBothModes) {
  const std::string message = "x\"y\\z";
  auto inband = CheckPublish("t", 1, message, Transport::kInband);
  ASSERT_TRUE(inband);
  EXPECT_EQ(inband->code, Errc::kUnsendableByte);
  // Over PPP libmosquitto carries every byte.
  EXPECT_FALSE(CheckPublish("t", 1, message, Transport::kNative));
  EXPECT_FALSE(CheckPublish("t", 1, std::string("\0\r\n\xff", 4), Transport::kNative));
  // A wildcard topic is a usage error in both modes (MQTT 3.1.1 §3.3.2.1).
  for (const char* topic : {"a/#", "a/+/b", "#"}) {
    for (Transport t : {Transport::kInband, Transport::kNative}) {
      auto e = CheckPublish(topic, 0, "m", t);
      ASSERT_TRUE(e) << topic;
      EXPECT_EQ(e->code, Errc::kInvalidArgument) << e->message;
      EXPECT_NE(e->message.find("wildcard"), std::string::npos) << e->message;
    }
  }
  for (Transport t : {Transport::kInband, Transport::kNative}) {
    EXPECT_TRUE(CheckPublish("t", 0, std::string(1025, 'm'), t));
    EXPECT_TRUE(CheckPublish("", 0, "m", t));
    EXPECT_FALSE(CheckSubscribe("a/+/b", 1, t));
    EXPECT_TRUE(CheckSubscribe("a/b#", 1, t));
  }
}

TEST(MqttClientTest, WildcardPublishSendsNoMqttpub) {
  MqttClient client(Options());
  InbandHarness h(client);
  h.Script(Connect());
  client.Connect({});
  h.Run();
  h.Script({{"AT+MQTTDISCONNECT\r", "OK\r\n"}});
  client.Publish("a/+/b", 0, false, "m");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kInvalidArgument);
  EXPECT_EQ(h.written().find("MQTTPUB"), std::string::npos);
}

TEST(MqttClientTest, CertificateHoldingABackslashIsRefused) {
  // §2.61 step 2 writes the PEM's line ends as \n: a '\' in the PEM would read as one.
  MqttSessionOptions o = Options();
  o.certificates = {{chat::CertType::kRootCa, "-----BEGIN-----\nA\\nB\n"}};
  MqttClient client(o);
  InbandHarness h(client);
  client.Connect({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kUnsendableByte);
  EXPECT_TRUE(h.written().empty());
}

}  // namespace
}  // namespace uclink::control::inband
