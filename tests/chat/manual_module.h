// The UC8088 manual's own example answers, as a PtyResponder script.
#pragma once

#include "tests/chat/pty_responder.h"

namespace uclink::chat::testing {

inline void ScriptManualAnswers(PtyResponder& module) {
  module.On("AT", "\r\nOK\r\n");
  module.On("AT+CGMI", "\r\nucchip\r\n\r\nOK\r\n");  // §2.2.1
  module.On("AT+CGMM", "\r\n8088\r\n\r\nOK\r\n");    // §2.3.1
  module.On("AT+CGMR",                               // §2.4.1
            "\r\n+SOFTV:012345678\r\n+HARDV:00123456\r\n+MANUF:ucchip\r\n\r\nOK\r\n");
  module.On("AT+CGSN", "\r\n863711020146740\r\n\r\nOK\r\n");                            // §2.5.1
  module.On("AT+CIMI", "\r\n460040812002376\r\n\r\nOK\r\n");                            // §2.6.1
  module.On("AT+CFUN?", "\r\n+CFUN: 1\r\n\r\nOK\r\n");                                  // §2.1.3
  module.On("AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n");                                 // §2.17.3
  module.On("AT+CGREG?", "\r\n+CGREG: 1,1,13122,32451\r\n\r\nOK\r\n");                  // §2.15.3
  module.On("AT+COPS?", "\r\n+COPS: 0,2,\"26242\"\r\n\r\nOK\r\n");                      // §2.18.3
  module.On("AT+CGATT?", "\r\n+CGATT: 1\r\n\r\nOK\r\n");                                // §2.9.4
  module.On("AT+CGDCONT?", "\r\n+CGDCONT: 1, \"IP\", \"\", \"\", 0, 0\r\n\r\nOK\r\n");  // §2.11.3
  module.On("AT+CGACT?", "\r\n+CGACT:1,1\r\n\r\n+CGACT:2,1\r\n\r\nOK\r\n");             // §2.10.4
  module.On("AT+CGPADDR=",                                                              // §2.14.3
            "\r\n+CGPADDR: 1,\"192.168.40.13\"\r\n+CGPADDR: 2,\"192.168.40.14\"\r\nOK\r\n");
}

}  // namespace uclink::chat::testing
