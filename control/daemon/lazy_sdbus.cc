// The sd-bus functions uclinkd calls, from libsystemd loaded on first use (dlopen), not linked:
// libsystemd and the libraries it loads cost uclinkd about 1 MB of resident memory
// (cmd/uclinkd.cc, docs/PERFORMANCE.md), and only a machine whose DNS goes to systemd-resolved
// needs them (docs/system-integration.md, "Why sd-bus, loaded on first use"). Each wrapper has
// the library's own prototype and failure value (-ENOSYS, nullptr), as control/native does for
// libcurl. The variadic append/read forward to their va_list forms.
#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdarg>

#include "control/native/lazy_library.h"

namespace {
uclink::control::native::LazyLibrary libsystemd("libsystemd.so.0");
}  // namespace

namespace uclink::control {
/// Why libsystemd could not be used ("" while it loads), for the log and `uclink doctor`.
std::string SdBusLoadError() { return libsystemd.error(); }
}  // namespace uclink::control

extern "C" {

int sd_bus_open_system(sd_bus** ret) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_open_system);
  return real != nullptr ? real(ret) : -ENOSYS;
}

sd_bus* sd_bus_close_unref(sd_bus* bus) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_close_unref);
  return real != nullptr ? real(bus) : nullptr;
}

int sd_bus_get_fd(sd_bus* bus) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_get_fd);
  return real != nullptr ? real(bus) : -ENOSYS;
}

int sd_bus_get_events(sd_bus* bus) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_get_events);
  return real != nullptr ? real(bus) : -ENOSYS;
}

int sd_bus_get_timeout(sd_bus* bus, uint64_t* timeout_usec) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_get_timeout);
  return real != nullptr ? real(bus, timeout_usec) : -ENOSYS;
}

int sd_bus_process(sd_bus* bus, sd_bus_message** r) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_process);
  return real != nullptr ? real(bus, r) : -ENOSYS;
}

int sd_bus_call_async(sd_bus* bus, sd_bus_slot** slot, sd_bus_message* m,
                      sd_bus_message_handler_t callback, void* userdata, uint64_t usec) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_call_async);
  return real != nullptr ? real(bus, slot, m, callback, userdata, usec) : -ENOSYS;
}

int sd_bus_add_match_async(sd_bus* bus, sd_bus_slot** slot, const char* match,
                           sd_bus_message_handler_t callback,
                           sd_bus_message_handler_t install_callback, void* userdata) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_add_match_async);
  return real != nullptr ? real(bus, slot, match, callback, install_callback, userdata) : -ENOSYS;
}

sd_bus_slot* sd_bus_slot_unref(sd_bus_slot* slot) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_slot_unref);
  return real != nullptr ? real(slot) : nullptr;
}

int sd_bus_message_new_method_call(sd_bus* bus, sd_bus_message** m, const char* destination,
                                   const char* path, const char* interface, const char* member) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_new_method_call);
  return real != nullptr ? real(bus, m, destination, path, interface, member) : -ENOSYS;
}

sd_bus_message* sd_bus_message_unref(sd_bus_message* m) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_unref);
  return real != nullptr ? real(m) : nullptr;
}

const sd_bus_error* sd_bus_message_get_error(sd_bus_message* m) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_get_error);
  return real != nullptr ? real(m) : nullptr;
}

int sd_bus_message_appendv(sd_bus_message* m, const char* types, va_list ap) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_appendv);
  return real != nullptr ? real(m, types, ap) : -ENOSYS;
}

int sd_bus_message_append(sd_bus_message* m, const char* types, ...) {
  va_list ap;
  va_start(ap, types);
  const int r = sd_bus_message_appendv(m, types, ap);
  va_end(ap);
  return r;
}

int sd_bus_message_append_basic(sd_bus_message* m, char type, const void* p) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_append_basic);
  return real != nullptr ? real(m, type, p) : -ENOSYS;
}

int sd_bus_message_append_array(sd_bus_message* m, char type, const void* ptr, size_t size) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_append_array);
  return real != nullptr ? real(m, type, ptr, size) : -ENOSYS;
}

int sd_bus_message_open_container(sd_bus_message* m, char type, const char* contents) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_open_container);
  return real != nullptr ? real(m, type, contents) : -ENOSYS;
}

int sd_bus_message_close_container(sd_bus_message* m) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_close_container);
  return real != nullptr ? real(m) : -ENOSYS;
}

int sd_bus_message_readv(sd_bus_message* m, const char* types, va_list ap) {
  UCLINK_LAZY_SYMBOL(libsystemd, sd_bus_message_readv);
  return real != nullptr ? real(m, types, ap) : -ENOSYS;
}

int sd_bus_message_read(sd_bus_message* m, const char* types, ...) {
  va_list ap;
  va_start(ap, types);
  const int r = sd_bus_message_readv(m, types, ap);
  va_end(ap);
  return r;
}

}  // extern "C"
