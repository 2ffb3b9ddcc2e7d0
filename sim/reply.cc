#include "sim/reply.h"

#include <utility>

namespace uclink::sim {

std::string_view ToString(ReplyStep::Kind kind) {
  switch (kind) {
    case ReplyStep::Kind::kInfo:
      return "info";
    case ReplyStep::Kind::kUrc:
      return "urc";
    case ReplyStep::Kind::kOk:
      return "ok";
    case ReplyStep::Kind::kError:
      return "error";
    case ReplyStep::Kind::kPlainError:
      return "plain-error";
    case ReplyStep::Kind::kConnect:
      return "connect";
  }
  return "Kind(?)";
}

Reply& Reply::Add(ReplyStep step) {
  step.after += carry_;
  carry_ = Millis{0};
  steps_.push_back(std::move(step));
  return *this;
}

Reply& Reply::Info(std::string line, Millis after) {
  return Add({ReplyStep::Kind::kInfo, after, std::move(line)});
}

Reply& Reply::Urc(std::string line, Millis after) {
  return Add({ReplyStep::Kind::kUrc, after, std::move(line)});
}

Reply& Reply::Ok(Millis after) { return Add({ReplyStep::Kind::kOk, after, {}}); }

Reply& Reply::Error(ErrorKind kind, int code, Millis after) {
  return Add({ReplyStep::Kind::kError, after, {}, kind, code});
}

Reply& Reply::PlainError(Millis after) { return Add({ReplyStep::Kind::kPlainError, after, {}}); }

Reply& Reply::Connect(int cid, Millis after) {
  return Add({ReplyStep::Kind::kConnect, after, {}, ErrorKind::kCme, cid});
}

Reply& Reply::Wait(Millis delay) {
  carry_ += delay;
  return *this;
}

Reply& Reply::DelayStart(Millis delay) {
  if (!steps_.empty()) steps_.front().after += delay;
  return *this;
}

}  // namespace uclink::sim
