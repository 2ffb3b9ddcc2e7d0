#!/usr/bin/env python3
"""Writes /etc/uclink/uclink.toml for the package from docs/configuration.md, the one place every
key, its default and its meaning are written down: each key commented out with its default, so
the file documents itself and changes nothing until a line is uncommented.

    packaging/conffile.py docs/configuration.md > uclink.toml
    packaging/conffile.py --uncommented docs/configuration.md   # every default set (a check input)
"""
import re
import sys
import textwrap

SECTION = re.compile(r"^### `\[(\w+)\]`(?: — (.*))?$")
ROW = re.compile(r"^\| `(\w+)` \| (.+?) \| (.*) \|$")
INLINE_CODE = re.compile(r"`([^`]*)`")


def default_value(cell):
    """`"/dev/ttyUSB0"` -> "/dev/ttyUSB0"; `""` (off) -> "" (the code span is the value)."""
    match = INLINE_CODE.search(cell)
    if not match:
        raise SystemExit(f"conffile.py: default without a `value`: {cell}")
    return match.group(1)


def main(argv):
    uncommented = "--uncommented" in argv
    paths = [a for a in argv[1:] if not a.startswith("--")]
    lines = open(paths[0], encoding="utf-8").read().splitlines()
    out = [
        "# /etc/uclink/uclink.toml: uclinkd's configuration (uclink.toml(5),",
        "# /usr/share/doc/uclink/configuration.md). Every key is shown commented out with its",
        "# default; uncomment and change what differs. Apply with `systemctl reload uclinkd`.",
    ]
    section = None
    keys = 0
    for line in lines:
        if line.startswith("## ") and section:
            break  # the key tables end where the next top-level chapter starts
        m = SECTION.match(line)
        if m:
            section = m.group(1)
            title = f" — {m.group(2)}" if m.group(2) else ""
            out += ["", f"# [{section}]{title}", "" if uncommented else None, f"[{section}]"]
            out = [l for l in out if l is not None]
            continue
        m = ROW.match(line)
        if section and m:
            key, default, meaning = m.groups()
            meaning = INLINE_CODE.sub(r"\1", meaning).replace("\\|", "|")
            for text in textwrap.wrap(meaning, 94):
                out.append(f"# {text}")
            prefix = "" if uncommented else "#"
            out.append(f"{prefix}{key} = {default_value(default)}")
            out.append("")
            keys += 1
    if keys == 0:
        raise SystemExit("conffile.py: no keys found")
    sys.stdout.write("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    main(sys.argv)
