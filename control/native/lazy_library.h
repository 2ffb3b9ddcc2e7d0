// libcurl and libmosquitto are loaded on first use (dlopen), not when `uclink` starts: linked
// normally they pull in 31 more shared objects (gnutls, krb5, ldap, ssh2, ...) whose mapping and
// symbol binding made every `uclink status --json` cost ~9 ms more than the 5 ms goal
// (docs/PERFORMANCE.md). control/native/lazy_curl.cc and lazy_mosquitto.cc define the library
// functions uclink calls, with the libraries' own prototypes, forwarding to the real ones; the
// callers keep using the libraries' documented API unchanged.
#pragma once

#include <string>

namespace uclink::control::native {

/// A shared library opened once, on first use, by its SONAME; never closed (the process is short).
class LazyLibrary {
 public:
  explicit constexpr LazyLibrary(const char* soname) : soname_(soname) {}
  /// The address of `symbol`, or nullptr when the library or the symbol is missing (then
  /// `error()` says which; the wrappers turn that into the library's own failure value).
  void* Find(const char* symbol);
  std::string error() const { return error_; }

 private:
  void* Handle();

  const char* soname_;
  void* handle_ = nullptr;
  bool tried_ = false;
  std::string error_;
};

/// Resolves `name` in `library` once, as a pointer of the declared function's own type.
#define UCLINK_LAZY_SYMBOL(library, name) \
  static const auto real = reinterpret_cast<decltype(&::name)>((library).Find(#name))

}  // namespace uclink::control::native
