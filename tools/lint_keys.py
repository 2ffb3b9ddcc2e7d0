#!/usr/bin/env python3
"""Prints "KEY FILE" for each C++ source named on the command line: what tools/lint.sh's cache of
clean results is keyed on.

A naming finding in a translation unit can only come from text of ours that the unit reads: the
source itself and the project headers it includes, transitively ("..." includes, resolved as the
compiler does with -I.: next to the includer first, then from the repository root). The key hashes
those files' contents, in a fixed order, with the salt given in LINT_KEY_SALT (the clang-tidy
version, .clang-tidy and the compile flags). System headers (<...>) are not hashed: findings in
them are never reported (HeaderFilterRegex), and they change only with the salt's clang-tidy.
"""
import hashlib
import os
import re
import sys

INCLUDE = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


def resolve(name, includer):
    for candidate in (os.path.join(os.path.dirname(includer), name), name):
        candidate = os.path.normpath(candidate)
        if os.path.isfile(candidate):
            return candidate
    return None  # a generated or missing header: the compile itself would say so


def closure(source, cache):
    """The source and every project header it reaches, sorted."""
    seen, frontier = set(), [source]
    while frontier:
        path = frontier.pop()
        if path in seen:
            continue
        seen.add(path)
        if path not in cache:
            with open(path, 'rb') as f:
                text = f.read()
            cache[path] = (text, [resolve(n.decode(), path) for n in INCLUDE.findall(text)])
        frontier.extend(p for p in cache[path][1] if p and p not in seen)
    return sorted(seen)


def main(files):
    salt = os.environ.get('LINT_KEY_SALT', '').encode()
    cache = {}
    for source in files:
        digest = hashlib.sha256(salt)
        for path in closure(os.path.normpath(source), cache):
            digest.update(b'\0' + path.encode() + b'\0' + cache[path][0])
        print(digest.hexdigest(), source)


if __name__ == '__main__':
    main(sys.argv[1:])
