#include "sim/services/forms.h"

#include "sim/services/errors.h"

namespace uclink::sim::services {

bool ExpectSetForm(ServiceHost& host, const SimCommand& cmd, std::string_view usage) {
  switch (cmd.form) {
    case SimCommand::Form::kTest:
      host.Info(usage);
      host.Ok();
      return false;
    case SimCommand::Form::kRead:
    case SimCommand::Form::kExec:
      ReplyError(host, Errc::kBadParameter);
      return false;
    case SimCommand::Form::kSet:
      break;
  }
  return true;
}

}  // namespace uclink::sim::services
