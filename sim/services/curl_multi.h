// libcurl's multi interface driven by one Asio io_context: curl tells us which sockets to watch
// and when its timer fires (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION); Asio waits and
// calls curl_multi_socket_action. No threads, nothing blocks the simulator's loop.
#pragma once

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>

namespace uclink::sim::services {

/// Runs libcurl easy handles on an io_context. Create with std::make_shared.
class CurlMulti : public std::enable_shared_from_this<CurlMulti> {
 public:
  /// Called once per transfer with its result, after the handle left the multi handle.
  using Done = std::function<void(CURLcode)>;

  explicit CurlMulti(boost::asio::io_context& io);
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  /// Starts `easy` (owned by the caller, kept alive until `done` runs or Remove()).
  void Add(CURL* easy, Done done);
  /// Abandons `easy` without calling its `done`.
  void Remove(CURL* easy);

 private:
  // One socket curl asked us to watch; the descriptor holds a dup() of curl's fd so closing
  // ours never touches a number curl may already have reused.
  struct Watch {
    explicit Watch(boost::asio::io_context& io) : descriptor(io) {}
    boost::asio::posix::stream_descriptor descriptor;
    curl_socket_t fd = CURL_SOCKET_BAD;
    int what = CURL_POLL_NONE;
    bool reading = false;
    bool writing = false;
  };

  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp);
  void Arm(const std::shared_ptr<Watch>& watch);
  void Action(curl_socket_t s, int events);
  void CollectDone();

  boost::asio::io_context& io_;
  CURLM* multi_;
  boost::asio::steady_timer timer_;
  std::map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  std::map<CURL*, Done> transfers_;
};

}  // namespace uclink::sim::services
