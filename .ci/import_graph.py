#!/usr/bin/env python3
"""The import graph of a Rust crate's files: every `crate::`, `super::` and `self::` path (in
`use` trees and in code, comments and strings left out), and every child module named by its
bare name (`github::start` in main.rs), resolved to the file of the module it names. A name
re-exported by a module counts as that module's (imports should name the defining module).

usage: import_graph.py SRC_DIR[:ROOT_FILE] ... [--edges] [--no-children]
ROOT_FILE defaults to main.rs, else lib.rs. Prints, per crate, its files, the edges between
files and every circle (files that reach each other); exits 1 when any crate has a circle.
"""
import os
import re
import sys


def strip(text):
    """Comments, strings and chars replaced by spaces (positions kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j): depth += 1; j += 2
                elif text.startswith("*/", j): depth -= 1; j += 2
                else: j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i-1].isalnum() or text[i-1] == "_")):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == "'" :
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0))); i += len(m.group(0))
            else:
                out.append(c); i += 1
        else:
            out.append(c); i += 1
    return "".join(out)


def modules(src, root):
    """module path (tuple) -> file (relative), for every file module under src."""
    files = {}
    def walk(file, path):
        files[path] = os.path.relpath(file, src)
        text = strip(open(file, encoding="utf-8").read())
        here = os.path.dirname(file)
        base = os.path.basename(file)
        if base in ("mod.rs", "main.rs", "lib.rs"):
            child_dir = here
        else:
            child_dir = os.path.join(here, base[:-3])
        for m in re.finditer(r"(?:#\[path\s*=\s*\"([^\"]+)\"\]\s*)?\b(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text):
            name = m.group(2)
            for candidate in (os.path.join(child_dir, name + ".rs"), os.path.join(child_dir, name, "mod.rs")):
                if os.path.exists(candidate):
                    walk(candidate, path + (name,))
                    break
    walk(os.path.join(src, root), ())
    return files


def inline_modules(text):
    """(start, end, name) of every inline `mod name { ... }` block."""
    blocks = []
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{", text):
        depth, j = 1, m.end()
        while j < len(text) and depth:
            if text[j] == "{": depth += 1
            elif text[j] == "}": depth -= 1
            j += 1
        blocks.append((m.start(), j, m.group(1)))
    return blocks


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]."""
    tree = re.sub(r"\s+", "", tree)
    def parse(s, i, prefix):
        out, cur = [], ""
        while i < len(s):
            c = s[i]
            if c == "{":
                inner, i = parse(s, i + 1, prefix + cur)
                out.extend(inner); cur = None
            elif c == "}":
                if cur: out.append(prefix + cur)
                return out, i + 1
            elif c == ",":
                if cur: out.append(prefix + cur)
                cur = ""; i += 1
            else:
                if cur is None: cur = ""
                cur += c; i += 1
        if cur: out.append(prefix + cur)
        return out, i
    paths, _ = parse(tree, 0, "")
    return paths


def resolve(segments, current, files):
    """The file module a path (list of segments) starts in, from module `current`."""
    path = list(current)
    segs = list(segments)
    if segs[0] == "crate":
        path = []; segs = segs[1:]
    while segs and segs[0] in ("super", "self"):
        if segs[0] == "super":
            path = path[:-1]
        segs = segs[1:]
    best = tuple(path)
    for s in segs:
        s = re.sub(r"as\w+$", "", s)
        candidate = best + (s,)
        if candidate in files or any(k[:len(candidate)] == candidate for k in files):
            best = candidate
        else:
            break
    while best not in files:
        best = best[:-1]
    return best


def graph(src, root):
    files = modules(src, root)
    edges = {}
    for modpath, rel in files.items():
        text = strip(open(os.path.join(src, rel), encoding="utf-8").read())
        blocks = inline_modules(text)
        def module_at(pos):
            inner = [b for b in blocks if b[0] <= pos < b[1]]
            inner.sort()
            return modpath + tuple(b[2] for b in inner)
        targets = set()
        uses = []
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            for p in expand_use(m.group(1)):
                uses.append((m.start(), p))
        used_spans = [(m.start(), m.end()) for m in re.finditer(r"\buse\s+([^;]+);", text)]
        for m in re.finditer(r"\b(?:crate|super|self)(?:::\w+)+", text):
            if any(a <= m.start() < b for a, b in used_spans):
                continue
            uses.append((m.start(), m.group(0)))
        # A child module named by its bare name (`github::start` in main.rs), or in a `use`.
        for m in ([] if NO_CHILDREN else re.finditer(r"(?<![\w:])(\w+)(?:::\w+)+", text)):
            if m.group(1) in ("crate", "super", "self"):
                continue
            current = module_at(m.start())
            if current + (m.group(1),) in files:
                uses.append((m.start(), "self::" + m.group(0)))
        for pos, p in uses:
            segs = [s for s in p.split("::") if s]
            if not segs or segs[0] not in ("crate", "super", "self"):
                continue
            current = module_at(pos)
            target = resolve(segs, current, files)
            # Inline modules belong to their file.
            while target not in files:
                target = target[:-1]
            if target != modpath:
                targets.add(files[target])
        edges[rel] = targets
    return edges


def circles(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


NO_CHILDREN = "--no-children" in sys.argv


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    failed = False
    for arg in args:
        src, _, root = arg.partition(":")
        if not root:
            root = "main.rs" if os.path.exists(os.path.join(src, "main.rs")) else "lib.rs"
        edges = graph(src, root)
        n_edges = sum(len(t) for t in edges.values())
        found = circles(edges)
        print(f"{src}: {len(edges)} files, {n_edges} edges between files, {len(found)} circle(s)")
        if "--edges" in sys.argv:
            for f in sorted(edges):
                print(f"  {f} -> {', '.join(sorted(edges[f])) or '-'}")
        for c in found:
            print("  circle: " + " <-> ".join(c))
        failed |= bool(found)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
