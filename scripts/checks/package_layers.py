#!/usr/bin/env python3
"""Checks that the package graph of src/main has no cycle and no upward import (ARCHITECTURE.md's layers).

Edges come from two sources, united: jdeps on target/classes (what the bytecode uses; compile first) and the
sources (every `epg.pkg.Type` named in an import or fully qualified, which also catches constants the compiler
inlines). Exit status 1 with one line per offending edge or cycle.

    mvn -q -B -o compile && python3 scripts/checks/package_layers.py
"""
import pathlib
import re
import shutil
import subprocess
import sys

# Top to bottom; a package may import its own layer's peers (without a cycle) and any layer below.
LAYERS = [
    {"cli"},
    {"bench", "report", "demo", "progress"},
    {"train"},
    {"sample", "loss", "metrics", "dist"},
    {"nn"},
    {"diffusion", "data", "config", "tensor"},
]
ROOT = pathlib.Path(__file__).resolve().parents[2]


def layer(pkg):
    for i, names in enumerate(LAYERS):
        if pkg in names:
            return i
    sys.exit(f"package epg.{pkg} is in no layer: add it to LAYERS in {pathlib.Path(__file__).name}")


def source_edges():
    edges = set()
    for f in (ROOT / "src/main/java/epg").rglob("*.java"):
        pkg = f.parent.name
        text = re.sub(r"^package [^;]+;", "", f.read_text(encoding="utf-8"), flags=re.M)
        edges |= {(pkg, m) for m in re.findall(r"\bepg\.([a-z]+)\.[A-Z]", text)}
    return edges


def bytecode_edges():
    classes = ROOT / "target/classes"
    if not shutil.which("jdeps") or not classes.is_dir():
        print("note: no jdeps or no target/classes; checking the sources only", file=sys.stderr)
        return set()
    out = subprocess.run(["jdeps", "-verbose:package", "-filter:none", "-e", r"epg\..*", str(classes)],
                         check=True, capture_output=True, text=True).stdout
    return {(a, b) for a, b in re.findall(r"^\s+epg\.(\w+)\s+->\s+epg\.(\w+)\s", out, flags=re.M)}


def cycles(edges):
    graph = {}
    for a, b in edges:
        if a != b:
            graph.setdefault(a, set()).add(b)
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    return found


def main():
    edges = source_edges() | bytecode_edges()
    bad = [f"upward import: epg.{a} -> epg.{b}" for a, b in sorted(edges) if layer(b) < layer(a)]
    bad += ["cycle: " + " -> ".join("epg." + p for p in c) for c in cycles(edges)]
    for line in bad:
        print(line)
    pkgs = sorted({p for e in edges for p in e})
    print(f"{len(pkgs)} packages, {len({e for e in edges if e[0] != e[1]})} edges: "
          + ("OK" if not bad else f"{len(bad)} problem(s)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
