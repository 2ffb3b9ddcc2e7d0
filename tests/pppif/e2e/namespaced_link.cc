#include "tests/pppif/e2e/namespaced_link.h"

#include <pthread.h>
#include <time.h>

#include <boost/asio/post.hpp>
#include <future>

namespace uclink::pppif::testing {

std::unique_ptr<NamespacedLink> NamespacedLink::Start(const NetNamespace& ns, int line_fd,
                                                      UserspaceBackendOptions options,
                                                      std::error_code& ec, Bytes leftover) {
  std::unique_ptr<NamespacedLink> link(new NamespacedLink());
  NamespacedLink* raw = link.get();
  link->thread_ = std::thread(
      [raw, &ns, line_fd, options = std::move(options), leftover = std::move(leftover)]() mutable {
        raw->Run(ns, line_fd, std::move(options), std::move(leftover));
      });
  std::unique_lock lock(link->mutex_);
  link->changed_.wait(lock, [&] { return link->started_; });
  ec = link->start_error_;
  lock.unlock();
  if (ec) return nullptr;  // the destructor joins the thread, which has nothing left to run
  return link;
}

void NamespacedLink::Run(const NetNamespace& ns, int line_fd, UserspaceBackendOptions options,
                         Bytes leftover) {
  std::error_code ec = ns.Enter();
  if (!ec) backend_ = UserspacePppBackend::Create(io_, std::move(options), ec);
  if (!ec) {
    backend_->set_on_up([this](const IpConfig& ip, const std::string& ifname) {
      std::lock_guard lock(mutex_);
      if (!up_) up_ = ip;
      ifname_ = ifname;
      changed_.notify_all();
    });
    backend_->set_on_down([this](DownReason reason, const std::string& detail) {
      std::lock_guard lock(mutex_);
      down_ = LinkDown{reason, detail};
      changed_.notify_all();
    });
    ec = backend_->Start(line_fd, std::move(leftover));
  }
  {
    std::lock_guard lock(mutex_);
    started_ = true;
    start_error_ = ec;
    changed_.notify_all();
  }
  if (ec) {
    backend_.reset();
    return;
  }
  io_.run();
}

NamespacedLink::~NamespacedLink() {
  boost::asio::post(io_, [this] {
    backend_.reset();
    guard_.reset();
  });
  if (thread_.joinable()) thread_.join();
}

template <typename Fn>
auto NamespacedLink::OnIoThread(Fn fn) -> decltype(fn()) {
  std::promise<decltype(fn())> result;
  boost::asio::post(io_, [&] { result.set_value(fn()); });
  return result.get_future().get();
}

std::optional<IpConfig> NamespacedLink::WaitUp(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return up_.has_value() || down_.has_value(); });
  return up_;
}

std::optional<LinkDown> NamespacedLink::WaitDown(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return down_.has_value(); });
  return down_;
}

std::string NamespacedLink::ifname() {
  std::lock_guard lock(mutex_);
  return ifname_;
}

void NamespacedLink::Stop() {
  boost::asio::post(io_, [this] { backend_->Stop(); });
}

BackendStatus NamespacedLink::Status() {
  return OnIoThread([this] { return backend_->status(); });
}

EngineCounters NamespacedLink::Counters() {
  return OnIoThread([this] {
    const EngineCounters* counters = backend_->engine_counters();
    return counters != nullptr ? *counters : EngineCounters{};
  });
}

double NamespacedLink::CpuSeconds() const {
  clockid_t clock;
  timespec used{};
  if (::pthread_getcpuclockid(const_cast<std::thread&>(thread_).native_handle(), &clock) != 0 ||
      ::clock_gettime(clock, &used) != 0) {
    return 0;
  }
  return static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) / 1e9;
}

}  // namespace uclink::pppif::testing
