// libmosquitto's functions that uclink calls, loaded on first use (see lazy_library.h).
#include <mosquitto.h>

#include "control/native/lazy_library.h"

namespace {
uclink::control::native::LazyLibrary libmosquitto("libmosquitto.so.1");
}  // namespace

extern "C" {

int mosquitto_lib_init(void) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_lib_init);
  return real != nullptr ? real() : MOSQ_ERR_NOT_SUPPORTED;
}

int mosquitto_lib_cleanup(void) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_lib_cleanup);
  return real != nullptr ? real() : MOSQ_ERR_NOT_SUPPORTED;
}

struct mosquitto* mosquitto_new(const char* id, bool clean_session, void* obj) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_new);
  return real != nullptr ? real(id, clean_session, obj) : nullptr;
}

void mosquitto_destroy(struct mosquitto* mosq) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_destroy);
  if (real != nullptr) real(mosq);
}

int mosquitto_username_pw_set(struct mosquitto* mosq, const char* username, const char* password) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_username_pw_set);
  return real != nullptr ? real(mosq, username, password) : MOSQ_ERR_NOT_SUPPORTED;
}

void mosquitto_connect_callback_set(struct mosquitto* mosq,
                                    void (*on_connect)(struct mosquitto*, void*, int)) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_connect_callback_set);
  if (real != nullptr) real(mosq, on_connect);
}

void mosquitto_publish_callback_set(struct mosquitto* mosq,
                                    void (*on_publish)(struct mosquitto*, void*, int)) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_publish_callback_set);
  if (real != nullptr) real(mosq, on_publish);
}

void mosquitto_subscribe_callback_set(struct mosquitto* mosq,
                                      void (*on_subscribe)(struct mosquitto*, void*, int, int,
                                                           const int*)) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_subscribe_callback_set);
  if (real != nullptr) real(mosq, on_subscribe);
}

void mosquitto_message_callback_set(struct mosquitto* mosq,
                                    void (*on_message)(struct mosquitto*, void*,
                                                       const struct mosquitto_message*)) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_message_callback_set);
  if (real != nullptr) real(mosq, on_message);
}

int mosquitto_connect(struct mosquitto* mosq, const char* host, int port, int keepalive) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_connect);
  return real != nullptr ? real(mosq, host, port, keepalive) : MOSQ_ERR_NOT_SUPPORTED;
}

int mosquitto_loop(struct mosquitto* mosq, int timeout, int max_packets) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_loop);
  return real != nullptr ? real(mosq, timeout, max_packets) : MOSQ_ERR_NOT_SUPPORTED;
}

int mosquitto_publish(struct mosquitto* mosq, int* mid, const char* topic, int payloadlen,
                      const void* payload, int qos, bool retain) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_publish);
  return real != nullptr ? real(mosq, mid, topic, payloadlen, payload, qos, retain)
                         : MOSQ_ERR_NOT_SUPPORTED;
}

int mosquitto_disconnect(struct mosquitto* mosq) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_disconnect);
  return real != nullptr ? real(mosq) : MOSQ_ERR_NOT_SUPPORTED;
}

int mosquitto_subscribe(struct mosquitto* mosq, int* mid, const char* sub, int qos) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_subscribe);
  return real != nullptr ? real(mosq, mid, sub, qos) : MOSQ_ERR_NOT_SUPPORTED;
}

const char* mosquitto_strerror(int mosq_errno) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_strerror);
  return real != nullptr ? real(mosq_errno) : "libmosquitto could not be loaded";
}

const char* mosquitto_connack_string(int connack_code) {
  UCLINK_LAZY_SYMBOL(libmosquitto, mosquitto_connack_string);
  return real != nullptr ? real(connack_code) : "libmosquitto could not be loaded";
}

}  // extern "C"
