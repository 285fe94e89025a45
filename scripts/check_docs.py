#!/usr/bin/env python3
"""Checks that the C++ snippets in docs/*.md are the code the build compiles.

A ```cpp block preceded by a line

    <!-- snippet: scripts_basics.cpp#basic-usage -->

must equal, after dedent, the region of that file between

    // [snippet:basic-usage]
    ...
    // [/snippet]

The file is looked up relative to the repository root, then under examples/. Marker lines of other
regions inside a region are left out of it. Exits 1 on any mismatch, missing file, region or block.

usage: check_docs.py [repository root]   (default: the parent of this script's folder)
"""
import difflib
import pathlib
import re
import sys
import textwrap

DOC_MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(?P<file>[^#\s]+)#(?P<name>[\w.-]+)\s*-->\s*$")
START = re.compile(r"^\s*//\s*\[snippet:(?P<name>[\w.-]+)\]\s*$")
END = re.compile(r"^\s*//\s*\[/snippet\]\s*$")
SEARCH_DIRS = ("", "examples")


def normalize(lines):
    """Dedent, drop trailing whitespace and leading/trailing blank lines."""
    text = textwrap.dedent("\n".join(line.rstrip() for line in lines))
    return text.strip("\n").split("\n")


def regions_of(path):
    """{name: [lines]} for every region of a source file; raises ValueError when malformed."""
    regions, open_regions = {}, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        start, end = START.match(line), END.match(line)
        if start:
            name = start.group("name")
            if name in regions or name in open_regions:
                raise ValueError(f"{path}:{number}: region '{name}' defined twice")
            open_regions[name] = []
        elif end:
            if not open_regions:
                raise ValueError(f"{path}:{number}: [/snippet] without an open region")
            name = next(reversed(open_regions))  # the innermost region ends
            regions[name] = normalize(open_regions.pop(name))
        else:
            for body in open_regions.values():
                body.append(line)
    if open_regions:
        raise ValueError(f"{path}: region(s) not closed: {', '.join(open_regions)}")
    return regions


def find_source(root, name):
    for folder in SEARCH_DIRS:
        candidate = root / folder / name
        if candidate.is_file():
            return candidate
    return None


def check_doc(root, doc, cache):
    errors, checked = [], 0
    lines = doc.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        marker = DOC_MARKER.match(lines[i])
        i += 1
        if not marker:
            continue
        where = f"{doc.relative_to(root)}:{i}"
        file_name, name = marker.group("file"), marker.group("name")
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines) or lines[i].strip() != "```cpp":
            errors.append(f"{where}: snippet marker not followed by a ```cpp block")
            continue
        i += 1
        block_start = i
        while i < len(lines) and lines[i].strip() != "```":
            i += 1
        if i >= len(lines):
            errors.append(f"{where}: ```cpp block not closed")
            break
        block = normalize(lines[block_start:i])
        i += 1
        source = find_source(root, file_name)
        if source is None:
            errors.append(f"{where}: no file {file_name} (looked in {', '.join(d or '.' for d in SEARCH_DIRS)})")
            continue
        if source not in cache:
            try:
                cache[source] = regions_of(source)
            except ValueError as e:
                cache[source] = {}
                errors.append(str(e))
        region = cache[source].get(name)
        if region is None:
            errors.append(f"{where}: no region '{name}' in {source.relative_to(root)}")
            continue
        checked += 1
        if block != region:
            diff = difflib.unified_diff(region, block, f"{source.relative_to(root)}#{name}", where, lineterm="")
            errors.append(f"{where}: snippet differs from {source.relative_to(root)}#{name}:\n" + "\n".join(diff))
    return errors, checked


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else pathlib.Path(__file__).resolve().parent.parent).resolve()
    docs = sorted((root / "docs").glob("*.md"))
    cache, errors, checked = {}, [], 0
    for doc in docs:
        e, n = check_doc(root, doc, cache)
        errors += e
        checked += n
    for e in errors:
        print(e, file=sys.stderr)
    print(f"{checked} snippet(s) checked in {len(docs)} document(s), {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
