#include "control/native/lazy_library.h"

#include <dlfcn.h>

#include <mutex>

namespace uclink::control::native {
namespace {
std::mutex& LoadMutex() {
  static std::mutex mutex;
  return mutex;
}
}  // namespace

void* LazyLibrary::Handle() {
  if (!tried_) {
    tried_ = true;
    // RTLD_LOCAL: the library's own dependencies stay out of the global scope.
    handle_ = ::dlopen(soname_, RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      const char* why = ::dlerror();
      error_ = std::string("cannot load ") + soname_ + ": " + (why != nullptr ? why : "unknown");
    }
  }
  return handle_;
}

void* LazyLibrary::Find(const char* symbol) {
  std::lock_guard<std::mutex> lock(LoadMutex());
  void* handle = Handle();
  if (handle == nullptr) return nullptr;
  void* address = ::dlsym(handle, symbol);
  if (address == nullptr) error_ = std::string(soname_) + " has no " + symbol;
  return address;
}

}  // namespace uclink::control::native
