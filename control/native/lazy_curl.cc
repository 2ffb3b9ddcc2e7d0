// libcurl's functions that uclink calls, loaded on first use (see lazy_library.h).
// The typecheck macros of curl/typecheck-gcc.h would rewrite the definitions below.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include <cstdarg>

#include "control/native/lazy_library.h"

namespace {
uclink::control::native::LazyLibrary libcurl("libcurl.so.4");
}  // namespace

extern "C" {

CURL* curl_easy_init(void) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_easy_init);
  return real != nullptr ? real() : nullptr;
}

// The one variadic argument's type follows from the option's number range (curl/curl.h:
// CURLOPTTYPE_LONG, _OBJECTPOINT, _FUNCTIONPOINT, _OFF_T, _BLOB), so it is read and passed on
// with exactly that type.
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_easy_setopt);
  if (real == nullptr) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, option);
  CURLcode result;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    result = real(handle, option, va_arg(args, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    result = real(handle, option, va_arg(args, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    using AnyFunction = void (*)();
    result = real(handle, option, va_arg(args, AnyFunction));
  } else if (option < CURLOPTTYPE_BLOB) {
    result = real(handle, option, va_arg(args, curl_off_t));
  } else {
    result = real(handle, option, va_arg(args, void*));
  }
  va_end(args);
  return result;
}

// Every CURLINFO_* takes one pointer (to long, char*, double, curl_off_t, curl_slist*, ...).
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_easy_getinfo);
  if (real == nullptr) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, info);
  CURLcode result = real(handle, info, va_arg(args, void*));
  va_end(args);
  return result;
}

CURLcode curl_easy_perform(CURL* handle) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_easy_perform);
  return real != nullptr ? real(handle) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL* handle) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_easy_cleanup);
  if (real != nullptr) real(handle);
}

const char* curl_easy_strerror(CURLcode code) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_easy_strerror);
  return real != nullptr ? real(code) : "libcurl could not be loaded";
}

curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_slist_append);
  return real != nullptr ? real(list, text) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  UCLINK_LAZY_SYMBOL(libcurl, curl_slist_free_all);
  if (real != nullptr) real(list);
}

}  // extern "C"
