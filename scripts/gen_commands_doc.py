#!/usr/bin/env python3
"""Writes docs/commands.md: every method of GLIDE for Python's Batch (scripts/glide_batch_methods.txt)
next to ours, its family and its C++ result type, read from the command families' headers
(core/include/glide/commands/*.hpp) and the few methods the clients and batches define themselves.

    gen_commands_doc.py ROOT          rewrite ROOT/docs/commands.md
    gen_commands_doc.py ROOT --check  fail (exit 1) when the file is not what the headers say

CI runs --check (ctest commands_doc), so the table cannot drift from the code."""
import pathlib
import re
import sys

FAMILIES = {  # header -> title, in the order the document lists them
    "strings": "strings", "keys": "generic keys", "hashes": "hashes", "lists": "lists", "sets": "sets",
    "sorted_sets": "sorted sets", "streams": "streams", "geo": "geo", "hyperloglog": "HyperLogLog",
    "bitmaps": "bitmaps", "server": "server and connection", "functions": "functions", "pubsub": "pub/sub",
}
# Methods a face defines itself (not through a family), by file.
FACES = {"client/include/glide/client.hpp": "client", "batch/include/glide/batch.hpp": "batch"}
# GLIDE names that are not ours as they are, and why.
RENAMED = {"delete": ("del", "`delete` is a C++ keyword")}
LEFT_OUT = {"append_command": "GLIDE's internal helper for building a batch, not a command",
            "reset": "RESET would put the client's connection back to RESP2, database 0, no name and no "
             "authentication behind the client's back; create a new client instead"}

METHOD = re.compile(r"(?:decltype\(auto\)|\bauto|Derived&|\bvoid)\s+(\w+)\(")


def template_argument(text, start):
    """The text between the '<' at `start` and its matching '>'."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "<":
            depth += 1
        elif text[i] == ">":
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
    raise ValueError("unbalanced template argument")


def method_bodies(text):
    """(name, body) for each method definition of a header, in order."""
    matches = list(METHOD.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        yield m.group(1), text[m.end():end]


def result_type(body):
    m = re.search(r"run(?:_command)?<", body)
    if not m:
        return None
    return re.sub(r"\s+", " ", template_argument(body, m.end() - 1)).replace("std::", "")


def read_methods(root):
    """name -> (family, [result types]) for every typed command we have."""
    found = {}

    def note(name, family, body):
        entry = found.setdefault(name, (family, []))
        t = result_type(body)
        forward = re.search(r"return (\w+)\(", body)
        if t is None and forward and forward.group(1) in found:
            entry[1].extend(found[forward.group(1)][1])
        elif t is not None and t not in entry[1]:
            entry[1].append(t)

    for header in FAMILIES:
        text = (root / "core/include/glide/commands" / f"{header}.hpp").read_text()
        for name, body in method_bodies(text):
            if not name.startswith(("run", "to_string", "add_")):
                note(name, header, body)
    for path, face in FACES.items():
        for name, body in method_bodies((root / path).read_text()):
            if name not in found and not name.startswith(("run", "open_session", "exec", "data", "writable", "note_entry")):
                note(name, face, body)
    return found


def render(root):
    glide = []
    for line in (root / "scripts/glide_batch_methods.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, cls = line.split()
            glide.append((name, cls))
    ours = read_methods(root)
    rows, missing, present = [], [], 0
    for name, cls in glide:
        target, note = RENAMED.get(name, (name, ""))
        where = "" if cls == "BaseBatch" else f" ({cls} only in GLIDE)"
        if target in ours:
            family, types = ours[target]
            present += 1
            shown = " / ".join(f"`{t}`" for t in types) or "—"
            rows.append((FAMILIES.get(family, family), f"| `{name}`{where} | `{target}`{' (' + note + ')' if note else ''} | "
                         f"{FAMILIES.get(family, family)} | {shown} |"))
        else:
            why = LEFT_OUT.get(name, "not yet")
            missing.append(f"| `{name}`{where} | {why} |")
    glide_names = {RENAMED.get(n, (n, ""))[0] for n, _ in glide}
    extra = sorted(n for n in ours if n not in glide_names)
    order = list(FAMILIES.values()) + ["client", "batch"]
    rows.sort(key=lambda r: order.index(r[0]) if r[0] in order else len(order))
    out = [
        "# Commands",
        "",
        "<!-- Written by scripts/gen_commands_doc.py from the headers; CI checks it (ctest commands_doc). -->",
        "",
        "Every typed command is written once, in its family's header (`glide/commands/<family>.hpp`), and",
        "exists on all six faces: `GlideClient`, `GlideClusterClient`, their `glide::sync` twins, `Batch` and",
        "`ClusterBatch`. The async clients complete with `Result<T>`, the sync clients return it, a batch",
        "entry holds a `Value` that `glide::as<T>(entry)` converts to the same `T`.",
        "",
        f"**{present} of GLIDE for Python's {len(glide)} batch methods** exist under their names "
        f"({100.0 * present / len(glide):.1f}%).",
        "",
        "| GLIDE method | glide-cpp | family | result `T` |",
        "|---|---|---|---|",
    ]
    out += [r[1] for r in rows]
    out += ["", "## Not here", "", "| GLIDE method | why |", "|---|---|"] + missing
    out += ["", "## Ours beyond GLIDE's names", "",
            ", ".join(f"`{n}`" for n in extra) + " (API.md's names, kept beside GLIDE's where both exist).", ""]
    return "\n".join(out)


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    doc = root / "docs/commands.md"
    text = render(root)
    if "--check" in sys.argv:
        if not doc.exists() or doc.read_text() != text:
            print("docs/commands.md is out of date: run scripts/gen_commands_doc.py .", file=sys.stderr)
            return 1
        print(text.splitlines()[9])
        return 0
    doc.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
