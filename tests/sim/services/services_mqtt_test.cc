// The MQTT commands (manual §2.53–2.61) against a real mosquitto the test starts on a loopback
// ephemeral port with a temporary configuration.
#include <gtest/gtest.h>
#include <mosquitto.h>

#include <fstream>
#include <iterator>

#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services::testing {
namespace {

// The command's own answer: a report of our own publish may overtake the PUBACK, and the
// simulator core holds URCs back until the command finished anyway.
std::string Answer(const std::vector<HostEvent>& events) {
  std::vector<HostEvent> own;
  for (const auto& e : events) {
    if (e.kind != HostEvent::Kind::kUrc) own.push_back(e);
  }
  return ToString(own);
}

// Publishes like any other client of the broker would (libmosquitto, QoS 1), so the topic and
// payload need not be writable as AT parameters. Blocking, bounded: returns once the broker has
// acknowledged every message (PUBACK), so the broker has queued them for our subscriber.
bool PublishNatively(unsigned short port,
                     const std::vector<std::pair<std::string, std::string>>& messages) {
  struct State {
    bool connected = false;
    std::size_t acked = 0;
  } state;
  mosquitto_lib_init();
  mosquitto* m = mosquitto_new("native-publisher", true, &state);
  if (m == nullptr) return false;
  mosquitto_connect_callback_set(
      m, [](mosquitto*, void* s, int rc) { static_cast<State*>(s)->connected = rc == 0; });
  mosquitto_publish_callback_set(m,
                                 [](mosquitto*, void* s, int) { ++static_cast<State*>(s)->acked; });
  bool ok = mosquitto_connect(m, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS;
  for (int i = 0; ok && !state.connected && i < 100; ++i) {
    ok = mosquitto_loop(m, 100, 1) == MOSQ_ERR_SUCCESS;
  }
  ok = ok && state.connected;
  for (const auto& [topic, payload] : messages) {
    ok = ok && mosquitto_publish(m, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                                 payload.data(), 1, false) == MOSQ_ERR_SUCCESS;
  }
  for (int i = 0; ok && state.acked < messages.size() && i < 100; ++i) {
    ok = mosquitto_loop(m, 100, 1) == MOSQ_ERR_SUCCESS;
  }
  ok = ok && state.acked == messages.size();
  mosquitto_disconnect(m);
  mosquitto_destroy(m);
  return ok;
}

class MqttServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new LoopbackServer("uclink-mosquitto");
    const std::string conf = server_->dir + "/mosquitto.conf";
    WriteFile(conf, "listener " + std::to_string(server_->port) +
                        " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        // Stay root: dropping to "mosquitto" needs setgroups(), which Bazel's
                        // sandbox forbids.
                        "user root\nlog_type error\n");
    server_->Start({"/usr/sbin/mosquitto", "-c", conf});
  }
  static void TearDownTestSuite() { delete server_; }
  void SetUp() override { ASSERT_TRUE(server_->listening) << "mosquitto did not start"; }

  std::string Config(const std::string& client) {
    return "AT+MQTTCONFIG=\"127.0.0.1\"," + std::to_string(server_->port) + ",\"" + client +
           "\",1,60,\"\",\"\"";
  }
  void Connect(const std::string& client) {
    ASSERT_EQ(ToString(d_.Run(Config(client))), "OK\n");
    ASSERT_EQ(ToString(d_.Run("AT+MQTTCONNECT")), "OK\n");
  }

  // Subscribes to `topic` and publishes `message` to it, both at `qos`; its report (§2.61:
  // +MQTTSUB:"<topic>",<length>,"<message>") is the first.
  void SubscribeAndPublish(const std::string& topic, int qos, const std::string& message) {
    const std::string q = std::to_string(qos);
    EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB=\"" + topic + "\"," + q)), "OK\n");
    EXPECT_EQ(Answer(d_.Run("AT+MQTTPUB=\"" + topic + "\"," + q + ",0,\"" + message + "\"")),
              "OK\n");
    EXPECT_EQ(d_.WaitUrcs("+MQTTSUB:", 1),
              std::vector<std::string>{"+MQTTSUB:\"" + topic + "\"," +
                                       std::to_string(message.size()) + ",\"" + message + "\""});
  }

  static LoopbackServer* server_;
  Driver d_;
};

LoopbackServer* MqttServiceTest::server_ = nullptr;

TEST_F(MqttServiceTest, ManualTestSessionRoundTrips) {
  // Manual §2.61 "MQTT 测试": config, connect, state, sub, pub, +MQTTSUB report, disconnect.
  Connect("example");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSTATE")), "I:+MQTTSTATE:1\nOK\n");
  SubscribeAndPublish("topic1", 1, "hello");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTDISCONNECT")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSTATE")), "I:+MQTTSTATE:0\nOK\n");
}

TEST_F(MqttServiceTest, OneKiBMessageArrivesIn200ByteSegmentsByteForByte) {
  Connect("segments");
  std::string message;
  for (int i = 0; i < 1024; ++i) message.push_back(static_cast<char>('!' + (i * 7) % 90));
  message[100] = '"';  // quotes inside the data travel too: the segment length says where it ends
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB=\"big\",0")), "OK\n");
  // Published by another client: a '"' cannot travel inside AT+MQTTPUB's quoted <message>.
  ASSERT_TRUE(PublishNatively(server_->port, {{"big", message}}));
  const auto urcs = d_.WaitUrcs("+MQTTSUB:", 6);
  ASSERT_EQ(urcs.size(), 6u);
  const std::string head = "+MQTTSUB:\"big\",1024,\"";
  std::string joined;
  for (std::size_t i = 0; i < urcs.size(); ++i) {
    ASSERT_EQ(urcs[i].rfind(head, 0), 0u) << urcs[i];
    EXPECT_EQ(urcs[i].back(), '"');
    const std::string segment = urcs[i].substr(head.size(), urcs[i].size() - head.size() - 1);
    EXPECT_EQ(segment.size(), i < 5 ? 200u : 24u);
    joined += segment;
  }
  EXPECT_EQ(joined, message);
}

TEST_F(MqttServiceTest, Qos2PublishAnswersOkAfterTheHandshake) {
  Connect("qos2");
  SubscribeAndPublish("q2", 2, "exactly once");
}

TEST_F(MqttServiceTest, MessageWithCommasIsDeliveredVerbatimAndAQuoteInsideIsRefused) {
  Connect("json");
  SubscribeAndPublish("j", 1, "{'id':123,'dp':[1,2]}");
  // Manual §1.3.3 defines no escape inside quotes: the message ends at its second '"', so both
  // spellings are a quoted string followed by junk. Refused, never published as x"y\z or
  // x\"y\z (which the simulator used to publish for the second line).
  EXPECT_EQ(ToString(d_.Run("AT+MQTTPUB=\"j\",1,0,\"x\"y\\z\"")), "E:EXT 0\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTPUB=\"j\",1,0,\"x\\\"y\\z\"")), "E:EXT 0\n");
  EXPECT_EQ(Answer(d_.Run("AT+MQTTPUB=\"j\",1,0,\"after\"")), "OK\n");
  const auto urcs = d_.WaitUrcs("+MQTTSUB:", 2);
  ASSERT_EQ(urcs.size(), 2u);
  EXPECT_EQ(urcs[1], "+MQTTSUB:\"j\",5,\"after\"");
}

TEST_F(MqttServiceTest, AReportWhoseTopicAQuotedParameterCannotCarryIsNotSent) {
  // Another client publishes to a topic that matches our wildcard: `+MQTTSUB:"q/a"b",...` would
  // read as the topic q/a (§2.61, §1.3.3: no escape inside quotes).
  Connect("topics");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB=\"q/#\",0")), "OK\n");
  ASSERT_TRUE(PublishNatively(server_->port, {{"q/a\"b", "one"}, {"q/d", "three"}}));
  const auto urcs = d_.WaitUrcs("+MQTTSUB:", 1);
  // The broker delivers in order, so the earlier message was handled before this one.
  EXPECT_EQ(urcs, std::vector<std::string>{"+MQTTSUB:\"q/d\",5,\"three\""});
}

TEST_F(MqttServiceTest, SubscriptionsAreListedByTheReadForm) {
  Connect("lister");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB=\"a/b\",1")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB?")), "I:+MQTTSUB: \"a/b\",1\nOK\n");
}

TEST_F(MqttServiceTest, UnsubscribedTopicIsNoLongerReported) {
  Connect("unsub");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB=\"gone\",1")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTUNSUB=\"gone\"")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB=\"kept\",1")), "OK\n");
  EXPECT_EQ(Answer(d_.Run("AT+MQTTPUB=\"gone\",1,0,\"x\"")), "OK\n");
  EXPECT_EQ(Answer(d_.Run("AT+MQTTPUB=\"kept\",1,0,\"y\"")), "OK\n");
  // The broker keeps per-session order: once "kept" arrived, "gone" would have come first.
  EXPECT_EQ(d_.WaitUrcs("+MQTTSUB:", 1), std::vector<std::string>{"+MQTTSUB:\"kept\",1,\"y\""});
}

TEST_F(MqttServiceTest, ConfigReadFormShowsSettings) {
  EXPECT_EQ(ToString(d_.Run(Config("reader"))), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONFIG?")), "I:+MQTTCONFIG: \"127.0.0.1\"," +
                                                    std::to_string(server_->port) +
                                                    ",\"reader\",1,60,\"\",\"\"\nOK\n");
}

TEST_F(MqttServiceTest, ClosedPortIsTable34NetworkError) {
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONFIG=\"127.0.0.1\"," + std::to_string(FreePort()) +
                            ",\"x\",1,60,\"\",\"\"")),
            "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONNECT")), "I:+MQTTCONNECT: 5\nERROR\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSTATE")), "I:+MQTTSTATE:0\nOK\n");
}

TEST_F(MqttServiceTest, UnmappedBrokerIsNeverContacted) {
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONFIG=\"mqtt.example.com\",1883,\"x\",1,60,\"\",\"\"")),
            "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONNECT")), "I:+MQTTCONNECT: 5\nERROR\n");
}

TEST_F(MqttServiceTest, PublishWithoutConnectionIsTable34NetworkError) {
  EXPECT_EQ(Answer(d_.Run("AT+MQTTPUB=\"t\",0,0,\"x\"")), "I:+MQTTPUB: 5\nERROR\n");
}

TEST_F(MqttServiceTest, TopicAndMessageOver1024BytesAreTooLong) {
  Connect("limits");
  EXPECT_EQ(Answer(d_.Run("AT+MQTTPUB=\"" + std::string(1025, 't') + "\",0,0,\"x\"")),
            "E:CME 24\n");
  EXPECT_EQ(Answer(d_.Run("AT+MQTTPUB=\"t\",0,0,\"" + std::string(1025, 'm') + "\"")),
            "E:CME 24\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSUB=\"" + std::string(1025, 't') + "\",0")), "E:CME 24\n");
}

TEST_F(MqttServiceTest, NamesOver64BytesAreTooLong) {
  EXPECT_EQ(ToString(d_.Run(Config(std::string(65, 'c')))), "E:CME 24\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONFIG=\"127.0.0.1\",1883,\"c\",1,60,\"" +
                            std::string(65, 'u') + "\",\"\"")),
            "E:CME 24\n");
}

TEST_F(MqttServiceTest, CertificateOver1536BytesIsTooLong) {
  EXPECT_EQ(ToString(d_.Run("AT+MQTTLS=1,0,\"" + std::string(1537, 'A') + "\",1537")),
            "E:CME 24\n");
}

TEST_F(MqttServiceTest, ManualSpellingMqtttlsStoresTheCertificate) {
  EXPECT_TRUE(d_.services->Handles(ParseLine("AT+MQTTTLS=0")));
  EXPECT_EQ(ToString(d_.Run("AT+MQTTTLS=1,0,\"-----BEGIN CERTIFICATE-----\\nAA==\\n"
                            "-----END CERTIFICATE-----\",60")),
            "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTLS?")), "I:+MQTTLS:1,ca,,\nOK\n");
}

TEST_F(MqttServiceTest, TlsWithoutRootCertificateIsParameterError) {
  EXPECT_EQ(ToString(d_.Run(Config("tls"))), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTLS=1")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONNECT")), "I:+MQTTCONNECT: 3\nERROR\n");
}

TEST_F(MqttServiceTest, TlsSessionWithUploadedRootCertificateRoundTrips) {
  // A second broker with a TLS listener; its self-signed certificate is the root the client
  // uploads with AT+MQTTLS, line ends escaped as the manual's §2.61 procedure does.
  LoopbackServer broker("uclink-mqtts");
  const TestCert cert = MakeTestCert(broker.dir);
  ASSERT_FALSE(cert.cert_path.empty());
  const std::string conf = broker.dir + "/tls.conf";
  WriteFile(conf, "listener " + std::to_string(broker.port) + " 127.0.0.1\nallow_anonymous true\n" +
                      "persistence false\nuser root\nlog_type error\ncafile " + cert.cert_path +
                      "\ncertfile " + cert.cert_path + "\nkeyfile " + cert.key_path + "\n");
  broker.Start({"/usr/sbin/mosquitto", "-c", conf});
  ASSERT_TRUE(broker.listening);
  std::ifstream in(cert.cert_path);
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string escaped;
  for (char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  EXPECT_EQ(ToString(d_.Run("AT+MQTTLS=1,0,\"" + escaped + "\"," + std::to_string(pem.size()))),
            "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONFIG=\"127.0.0.1\"," + std::to_string(broker.port) +
                            ",\"tls\",1,60,\"\",\"\"")),
            "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONNECT")), "OK\n");
  SubscribeAndPublish("s", 1, "secret");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTDISCONNECT")), "OK\n");
}

TEST_F(MqttServiceTest, ResetDropsTheConnection) {
  Connect("reset");
  d_.services->Reset();
  EXPECT_EQ(ToString(d_.Run("AT+MQTTSTATE")), "I:+MQTTSTATE:0\nOK\n");
}

TEST_F(MqttServiceTest, SecondConnectWhileConnectedIsNotAllowed) {
  Connect("twice");
  EXPECT_EQ(ToString(d_.Run("AT+MQTTCONNECT")), "E:CME 3\n");
}

}  // namespace
}  // namespace uclink::sim::services::testing
