// Files that a power loss never leaves half-written: the new content goes to a temporary in the
// same directory, is synced, renamed over the old file (rename(2) is atomic within a file system)
// and the directory is synced so that the rename itself survives (docs/state.md).
#pragma once

#include <string>
#include <system_error>

namespace uclink::control::state {

/// Replaces `path` with `content` (mode `mode`): readers see the old file or the new one.
std::error_code WriteFileAtomically(const std::string& path, const std::string& content,
                                    unsigned mode = 0644);

/// Reads at most `limit` bytes of `path`; a longer file is an error (EFBIG), not a truncation.
std::error_code ReadSmallFile(const std::string& path, std::size_t limit, std::string& content);

}  // namespace uclink::control::state
