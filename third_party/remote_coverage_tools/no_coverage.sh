#!/bin/sh
echo "uclink: 'bazel coverage' needs Bazel's remote_coverage_tools, which are not available offline" >&2
exit 1
