// A command's answer as data: timed steps the module core renders onto the line. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.h"
#include "sim/service_host.h"

namespace uclink::sim {

/// One piece of a command's answer, emitted `after` the previous step.
struct ReplyStep {
  enum class Kind {
    kInfo,        ///< an information line of this command
    kUrc,         ///< an unsolicited line inside the answer (manual §2.15.3: +CGREG before OK)
    kOk,          ///< final OK
    kError,       ///< final error, rendered per AT+CMEE
    kPlainError,  ///< final "ERROR" whatever AT+CMEE says
    kConnect,     ///< final CONNECT: the line enters data mode on `code` (the cid)
  };
  Kind kind = Kind::kOk;
  Millis after{0};
  std::string text;
  ErrorKind error_kind = ErrorKind::kCme;
  int code = 0;
};

/// Name of a ReplyStep::Kind value.
std::string_view ToString(ReplyStep::Kind kind);

/// Builder for a command's steps; the last step is always a final result.
class Reply {
 public:
  Reply& Info(std::string line, Millis after = Millis{0});
  Reply& Urc(std::string line, Millis after = Millis{0});
  Reply& Ok(Millis after = Millis{0});
  Reply& Error(ErrorKind kind, int code, Millis after = Millis{0});
  Reply& PlainError(Millis after = Millis{0});
  Reply& Connect(int cid, Millis after = Millis{0});
  /// Delays the first step by `delay` (per-command processing time).
  Reply& DelayStart(Millis delay);
  /// Adds `delay` before whatever step is added next.
  Reply& Wait(Millis delay);

  const std::vector<ReplyStep>& steps() const { return steps_; }

 private:
  Reply& Add(ReplyStep step);
  std::vector<ReplyStep> steps_;
  Millis carry_{0};
};

}  // namespace uclink::sim
