#!/usr/bin/env python3
"""Turns a page of docs/ into pandoc's input for a manual page, so the page is the document
itself and never written twice (docs/PACKAGING.md):

    packaging/manpage_source.py TITLE SECTION "NAME - WHAT" docs/configuration.md | pandoc -s -t man

The document's title is replaced by NAME and DESCRIPTION, its chapters become the page's
sections, and each table row becomes a definition (tables wider than a terminal are what groff
cannot set at 80 columns).
"""
import re
import sys

ROW = re.compile(r"^\| (.+?) \| (.+) \|$")
RULE = re.compile(r"^\|[-| :]+\|$")


def main(title, section, name_line, path):
    lines = open(path, encoding="utf-8").read().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    out = [
        "---", f"title: {title}", f"section: {section}", "header: uclink manual",
        "footer: uclink", "---", "", "# NAME", "", name_line, "", "# DESCRIPTION", "",
    ]
    in_table = False
    for i, line in enumerate(lines):
        if line.startswith("#"):
            line = line[1:]  # "## Keys" -> "# Keys": one level up
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if RULE.match(line):
            in_table = True
            continue
        row = ROW.match(line)
        if row and RULE.match(nxt):
            continue  # the header row
        if row and in_table:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]
            term = " = ".join(cells[:-1]) if len(cells) > 2 else cells[0]
            out += [term, f":   {cells[-1]}", ""]
            continue
        in_table = False
        out.append(line)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
