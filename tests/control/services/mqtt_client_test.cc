// MqttClient: the manual's MQTT test session (§2.61), segmented reports (§2.57) and every error
// path; failures after connecting disconnect so the module's client is released.
#include "control/inband/mqtt_client.h"

#include <gtest/gtest.h>

#include "tests/control/services/exchange.h"

namespace uclink::control::inband {
namespace {

using testing::Step;
using Mqtt = testing::Exchange<MqttClient>;

MqttSessionOptions Options() {
  MqttSessionOptions o;
  o.config.host = "192.168.1.100";
  o.config.port = 18830;
  o.config.client_id = "example";
  o.config.clean_session = true;
  o.config.keepalive_s = 60;
  return o;
}

MqttSessionOptions WithCertificate(std::string pem) {
  MqttSessionOptions o = Options();
  o.certificates = {{chat::CertType::kRootCa, std::move(pem)}};
  return o;
}

const Step kConfig{"AT+MQTTCONFIG=\"192.168.1.100\",18830,\"example\",1,60,\"\",\"\"\r", "OK\r\n"};
const Step kDisconnect{"AT+MQTTDISCONNECT\r", "OK\r\n"};

// The connection of §2.61 (the certificate upload, if any, goes between kConfig and CONNECT),
// with the state the module reports afterwards.
std::vector<Step> Connect(std::string state = "+MQTTSTATE:1\r\nOK\r\n") {
  return {
      kConfig,
      {"AT+MQTTCONNECT\r", "OK\r\n"},
      {"AT+MQTTSTATE\r", std::move(state)},
  };
}

// A connected client publishes what the client refuses; it then disconnects.
void PublishRefused(Mqtt& x, const std::string& topic, int qos, const std::string& message) {
  x.Play(Connect());
  x.Script({kDisconnect});
  x.client().Publish(topic, qos, false, message);
  x.Run();
}

TEST(MqttClientTest, SessionOfManual261RoundTripsAtEverySplit) {
  for (std::size_t chunk : testing::ChunkSizes()) {
    Mqtt x(Options());
    x.set_chunk(chunk);
    x.Script(Connect());
    x.Script({
        {"AT+MQTTSUB=\"topic1\",1\r", "OK\r\n"},
        {"AT+MQTTPUB=\"topic1\",1,0,\"hello\"\r", "OK\r\n\r\n+MQTTSUB:\"topic1\",5,\"hello\"\r\n"},
        kDisconnect,
    });
    x.client().Connect({});
    x.client().Subscribe("topic1", 1);
    x.client().Publish("topic1", 1, false, "hello");
    x.Run();
    ASSERT_EQ(x.Events<ReadyAction>().size(), 1u) << "chunk " << chunk;
    ASSERT_EQ(x.Events<MessageAction>().size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(x.Events<MessageAction>()[0].topic, "topic1");
    EXPECT_EQ(x.Events<MessageAction>()[0].payload, "hello");
    EXPECT_EQ(x.Events<SentAction>().size(), 2u);
    x.client().Disconnect();
    x.Run();
    EXPECT_TRUE(x.Succeeded());
    EXPECT_TRUE(x.script_done());
  }
}

TEST(MqttClientTest, MessageOver200BytesIsReassembledFromItsSegments) {
  Mqtt x(Options());
  x.Play(Connect());
  std::string message;
  for (int i = 0; i < 1024; ++i) message += static_cast<char>('a' + i % 26);
  // §2.57: 200-byte segments, each repeating the topic and the whole length.
  const std::string header = "+MQTTSUB:\"t\",1024,\"";
  for (std::size_t off = 0; off < message.size(); off += kMqttSegment) {
    chat::Urc urc{chat::UrcKind::kMqttMessage, header, message.substr(off, kMqttSegment), false};
    x.client().OnUrc(urc, {});
  }
  x.Run();
  ASSERT_EQ(x.Events<MessageAction>().size(), 1u);
  EXPECT_EQ(x.Events<MessageAction>()[0].payload, message);
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
    Mqtt x(Options());
    x.set_chunk(chunk);
    x.Play(Connect());
    x.Inject(bytes);
    ASSERT_EQ(x.Events<MessageAction>().size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(x.Events<MessageAction>()[0].topic, "t/kib") << "chunk " << chunk;
    EXPECT_EQ(x.Events<MessageAction>()[0].payload, message) << "chunk " << chunk;
  }
}

TEST(MqttClientTest, RefusedConnectNamesTheTable34CodeAndDisconnects) {
  Mqtt x(Options());
  x.Play({kConfig, {"AT+MQTTCONNECT\r", "+MQTTCONNECT: 9\r\nERROR\r\n"}, kDisconnect});
  EXPECT_TRUE(
      x.Failed(Errc::kServiceError, {"9 (A CONNECT or at least one subscription was refused"}));
  EXPECT_TRUE(x.script_done());
}

TEST(MqttClientTest, StateZeroAfterConnectIsAConnectFailure) {
  Mqtt x(Options());
  x.Play(Connect("+MQTTSTATE:0\r\nOK\r\n"), {kDisconnect});
  EXPECT_TRUE(x.Failed(Errc::kConnectFailed));
  EXPECT_TRUE(x.script_done());
}

TEST(MqttClientTest, UnacknowledgedQos1PublishReportsCode10AndDisconnects) {
  Mqtt x(Options());
  x.Script(Connect());
  x.Script({{"AT+MQTTPUB=\"t\",1,1,\"m\"\r", "+MQTTPUB: 10\r\nERROR\r\n"}, kDisconnect});
  x.client().Connect({});
  x.client().Publish("t", 1, true, "m");
  x.Run();
  EXPECT_TRUE(x.Failed({"MQTT code 10"}));
  EXPECT_TRUE(x.script_done());
}

TEST(MqttClientTest, TopicOver1024BytesIsRefusedNamingTheLimit) {
  Mqtt x(Options());
  PublishRefused(x, std::string(1025, 't'), 0, "m");
  EXPECT_TRUE(x.Failed(Errc::kInvalidArgument, {"1024"}));
  EXPECT_EQ(x.written().find("MQTTPUB"), std::string::npos);
}

TEST(MqttClientTest, ClientIdOver64BytesIsRefusedBeforeAnythingIsSent) {
  MqttSessionOptions o = Options();
  o.config.client_id = std::string(65, 'c');
  Mqtt x(o);
  x.Play({});
  EXPECT_TRUE(x.Failed({"64"}));
  EXPECT_TRUE(x.written().empty());
}

TEST(MqttClientTest, CertificateOver1536BytesIsRefused) {
  Mqtt x(WithCertificate(std::string(1600, 'A')));
  x.Play({});
  EXPECT_TRUE(x.Failed({"1536"}));
  EXPECT_TRUE(x.written().empty());
}

TEST(MqttClientTest, CertificateIsUploadedWithEscapedLineEndsBeforeConnecting) {
  Mqtt x(WithCertificate("-----BEGIN-----\nAB\n-----END-----\n"));
  const std::string escaped = "-----BEGIN-----\\nAB\\n-----END-----\\n";
  std::vector<Step> steps = Connect();
  steps.insert(steps.begin() + 1,
               {"AT+MQTTTLS=1,0,\"" + escaped + "\"," + std::to_string(escaped.size() + 2) + "\r",
                "OK\r\n"});
  x.Play(steps);
  EXPECT_TRUE(x.script_done());
  EXPECT_EQ(x.Events<ReadyAction>().size(), 1u);
}

TEST(MqttClientTest, UnsubscribeIsConfirmed) {
  Mqtt x(Options());
  x.Script(Connect());
  x.Script({{"AT+MQTTUNSUB=\"topic1\"\r", "OK\r\n"}});
  x.client().Connect({});
  x.client().Unsubscribe("topic1");
  x.Run();
  EXPECT_TRUE(x.script_done());
  EXPECT_EQ(x.Events<SentAction>().size(), 1u);
}

TEST(MqttClientTest, MessageWithAQuoteIsRefusedInBandAndNeverEscaped) {
  // `uclink mqtt pub -m 'x"y\z'` used to write "x\"y\z" and the subscriber got x\"y\z. The
  // manual defines no escape inside quotes (§1.3.3): refused, nothing published, the module's
  // client released.
  Mqtt x(Options());
  PublishRefused(x, "t", 1, "x\"y\\z");
  EXPECT_TRUE(x.Failed(Errc::kUnsendableByte, {"byte 0x22 at offset 1"}));
  EXPECT_EQ(x.written().find("MQTTPUB"), std::string::npos) << x.written();
  EXPECT_TRUE(x.script_done());
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
  Mqtt x(Options());
  PublishRefused(x, "a/+/b", 0, "m");
  EXPECT_TRUE(x.Failed(Errc::kInvalidArgument));
  EXPECT_EQ(x.written().find("MQTTPUB"), std::string::npos);
}

TEST(MqttClientTest, CertificateHoldingABackslashIsRefused) {
  // §2.61 step 2 writes the PEM's line ends as \n: a '\' in the PEM would read as one.
  Mqtt x(WithCertificate("-----BEGIN-----\nA\\nB\n"));
  x.Play({});
  EXPECT_TRUE(x.Failed(Errc::kUnsendableByte));
  EXPECT_TRUE(x.written().empty());
}

}  // namespace
}  // namespace uclink::control::inband
