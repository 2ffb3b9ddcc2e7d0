// The module's documented size limits (UC8088 manual) and the simulator's own bounds where the
// manual is silent. Every service checks its input against these before touching the network.
#pragma once

#include <cstddef>

namespace uclink::sim::services {

inline constexpr std::size_t kMaxUrl = 1024;      ///< §2.45 <URL>
inline constexpr std::size_t kMaxUserData = 512;  ///< §2.45 <USER>, <BODY>
inline constexpr std::size_t kMaxTopic = 1024;    ///< §2.56–2.58 <topic>
inline constexpr std::size_t kMaxMessage = 1024;  ///< §2.56 <message>
inline constexpr std::size_t kMaxName = 64;       ///< §2.30–2.36, §2.54: names, paths, ids
inline constexpr std::size_t kMaxCert = 1536;     ///< §2.53 <cert file content>
inline constexpr std::size_t kMqttSegment = 200;  ///< §2.57: +MQTTSUB reports in 200-byte parts
// Not in the manual: the largest payload one IPSEND/FTPPUT/HTTPDATA carries, and the largest
// payload one +IPRECV/+FTPGET/+HTTPREAD line carries.
inline constexpr std::size_t kMaxSendChunk = 1024;
inline constexpr std::size_t kMaxReportChunk = 1024;
// Not in the manual: a module has little RAM; responses and listings beyond this fail.
inline constexpr std::size_t kMaxHttpBody = 1 << 20;
inline constexpr std::size_t kMaxFtpListing = 64 << 10;

}  // namespace uclink::sim::services
