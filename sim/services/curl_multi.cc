#include "sim/services/curl_multi.h"

#include <unistd.h>

#include <vector>

namespace uclink::sim::services {
namespace asio = boost::asio;

CurlMulti::CurlMulti(asio::io_context& io) : io_(io), multi_(curl_multi_init()), timer_(io) {
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti() {
  for (auto& [easy, done] : transfers_) curl_multi_remove_handle(multi_, easy);
  transfers_.clear();
  curl_multi_cleanup(multi_);
  for (auto& [fd, watch] : watches_) {
    boost::system::error_code ignored;
    watch->descriptor.close(ignored);
  }
}

void CurlMulti::Add(CURL* easy, Done done) {
  transfers_[easy] = std::move(done);
  curl_multi_add_handle(multi_, easy);  // curl arms its timer: the transfer starts from there
}

void CurlMulti::Remove(CURL* easy) {
  if (transfers_.erase(easy) > 0) curl_multi_remove_handle(multi_, easy);
}

int CurlMulti::OnSocket(CURL*, curl_socket_t s, int what, void* userp, void*) {
  auto* self = static_cast<CurlMulti*>(userp);
  if (what == CURL_POLL_REMOVE) {
    if (auto it = self->watches_.find(s); it != self->watches_.end()) {
      boost::system::error_code ignored;
      it->second->descriptor.close(ignored);  // handlers see operation_aborted
      self->watches_.erase(it);
    }
    return 0;
  }
  auto it = self->watches_.find(s);
  if (it == self->watches_.end()) {
    auto watch = std::make_shared<Watch>(self->io_);
    watch->fd = s;
    boost::system::error_code ec;
    const int copy = ::dup(s);
    if (copy < 0) return -1;
    watch->descriptor.assign(copy, ec);
    if (ec) {
      ::close(copy);
      return -1;
    }
    it = self->watches_.emplace(s, std::move(watch)).first;
  }
  it->second->what = what;
  self->Arm(it->second);
  return 0;
}

int CurlMulti::OnTimer(CURLM*, long timeout_ms, void* userp) {
  auto* self = static_cast<CurlMulti*>(userp);
  if (timeout_ms < 0) {
    self->timer_.cancel();
    return 0;
  }
  // Even a 0 ms timeout goes through the timer: curl forbids calling socket_action from here.
  self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  self->timer_.async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto me = weak.lock()) me->Action(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void CurlMulti::Arm(const std::shared_ptr<Watch>& watch) {
  const bool want_read = watch->what == CURL_POLL_IN || watch->what == CURL_POLL_INOUT;
  const bool want_write = watch->what == CURL_POLL_OUT || watch->what == CURL_POLL_INOUT;
  auto wait = [this, watch](asio::posix::descriptor_base::wait_type type, bool& flag, int event) {
    flag = true;
    watch->descriptor.async_wait(
        type, [weak = weak_from_this(), watch, &flag, event](const boost::system::error_code& ec) {
          flag = false;
          auto self = weak.lock();
          if (ec || !self) return;
          auto it = self->watches_.find(watch->fd);
          if (it == self->watches_.end() || it->second != watch) return;  // curl dropped it
          self->Action(watch->fd, event);
          if (auto again = self->watches_.find(watch->fd);
              again != self->watches_.end() && again->second == watch) {
            self->Arm(watch);
          }
        });
  };
  if (want_read && !watch->reading)
    wait(asio::posix::descriptor_base::wait_read, watch->reading, CURL_CSELECT_IN);
  if (want_write && !watch->writing)
    wait(asio::posix::descriptor_base::wait_write, watch->writing, CURL_CSELECT_OUT);
}

void CurlMulti::Action(curl_socket_t s, int events) {
  auto keep = shared_from_this();  // a Done callback may drop the last owner
  int running = 0;
  curl_multi_socket_action(multi_, s, events, &running);
  CollectDone();
}

void CurlMulti::CollectDone() {
  std::vector<std::pair<Done, CURLcode>> finished;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;
    curl_multi_remove_handle(multi_, easy);
    if (auto it = transfers_.find(easy); it != transfers_.end()) {
      finished.emplace_back(std::move(it->second), result);
      transfers_.erase(it);
    }
  }
  // Run callbacks last: they may start new transfers or end the command.
  for (auto& [done, result] : finished) done(result);
}

}  // namespace uclink::sim::services
