// Fuzz target: the services' own parsers must accept any bytes without crashing, hanging or
// growing without bound (STYLE: bad input never crashes).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/services/ftp_reply.h"
#include "sim/services/params.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace uclink::sim::services;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::size_t max_fields : {1u, 2u, 4u, 7u}) {
    if (auto fields = SplitParams(input, max_fields)) {
      for (const auto& f : *fields) {
        ParseInt(f.text, -1000, 1000);
        UnescapeLineEnds(f.text);
      }
    }
  }
  // The same stream split in two must give the same replies as in one piece.
  FtpReplyParser whole;
  FtpReplyParser split;
  const auto all = whole.Feed(input);
  auto first = split.Feed(input.substr(0, size / 2));
  const auto second = split.Feed(input.substr(size / 2));
  first.insert(first.end(), second.begin(), second.end());
  if (!whole.failed() && !split.failed() && first.size() != all.size()) __builtin_trap();
  for (const auto& reply : all) ParsePasvPort(reply.text);
  return 0;
}
