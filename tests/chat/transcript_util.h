// Test helpers: feed a transcript whole, split at every byte offset, and byte by byte
// (docs/ARCHITECTURE.md, "Design rules: transcripts split at every offset").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace uclink::chat::testing {

// The ways one transcript is cut into reads: whole, at each offset in two, and byte by byte.
inline std::vector<std::vector<std::string_view>> AllSplits(std::string_view transcript) {
  std::vector<std::vector<std::string_view>> splits;
  splits.push_back({transcript});
  for (std::size_t i = 1; i < transcript.size(); ++i) {
    splits.push_back({transcript.substr(0, i), transcript.substr(i)});
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < transcript.size(); ++i) bytes.push_back(transcript.substr(i, 1));
  splits.push_back(bytes);
  return splits;
}

}  // namespace uclink::chat::testing
