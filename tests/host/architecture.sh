#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The house's rules (docs/ARCHITECTURE.md), checked on the sources: no include runs up a layer
# (the build refuses those too, this says which), no circle of files anywhere (which the build
# does not see: a .c depends on the .c files whose headers it includes), no file over 1,500 lines
# in src/. TAP lines on stdout.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 - "$repo" <<'PY'
import os, re, sys

repo = sys.argv[1]
# Bottom up; an entry point may use every layer.
layers = ["src/shared", "src/base", "src/sandbox", "src/storage", "src/registry", "src/systemd", "src/network", "src/runtime"]
entries = ["src/helper", "src/cli", "generators"]
rank = {l: i for i, l in enumerate(layers)}
for e in entries:
    rank[e] = len(layers)

files = {}
for top in layers + entries:
    for name in sorted(os.listdir(os.path.join(repo, top))):
        if name.endswith((".c", ".h")):
            files[f"{top}/{name}"] = top

# A header's name is unique across the house, so an include names one file.
headers = {}
for f in files:
    if f.endswith(".h"):
        headers.setdefault(os.path.basename(f), []).append(f)
failed = 0

def check(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed |= not ok

dupes = [h for h, l in headers.items() if len(l) > 1]
check(not dupes, f"every header name is one file's ({', '.join(dupes) or 'none twice'})")

include = re.compile(r'^#include "([^"]+)"', re.M)
deps, up = {}, []
for f, layer in files.items():
    text = open(os.path.join(repo, f), encoding="utf-8").read()
    deps[f] = set()
    for h in include.findall(text):
        if h not in headers or h == "config.h":
            continue
        target = headers[h][0]
        if rank[files[target]] > rank[layer]:
            up.append(f"{f} -> {target}")
        # A .c depends on the unit the header stands for: its .c, or the header itself.
        unit = target[:-2] + ".c" if os.path.exists(os.path.join(repo, target[:-2] + ".c")) else target
        if unit != f and unit != f[:-2] + ".c":
            deps[f].add(unit)
check(not up, "no include runs up a layer" + (": " + ", ".join(up) if up else ""))

# src/registry is a branch of its own above storage: only berth-pull (src/helper) links it, for
# it alone brings libcurl, so no other layer and no other entry point includes it.
side = sorted(f"{f} -> {headers[h][0]}" for f, layer in files.items() if layer not in ("src/registry", "src/helper")
              for h in include.findall(open(os.path.join(repo, f), encoding="utf-8").read())
              if h in headers and files[headers[h][0]] == "src/registry")
check(not side, "only src/helper includes src/registry" + (": " + ", ".join(side) if side else ""))

# Units: a .c with its header. Tarjan's strongly connected components over them.
def unit_of(f):
    c = f[:-2] + ".c"
    return c if os.path.exists(os.path.join(repo, c)) else f
graph = {}
for f, d in deps.items():
    graph.setdefault(unit_of(f), set()).update(unit_of(x) for x in d)
index, low, stack, on, circles, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in graph.get(v, ()):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            circles.append(sorted(comp))
for v in list(graph):
    if v not in index:
        visit(v)
check(not circles, "no circle of files" + "".join(f"; circle: {' '.join(c)}" for c in circles))

big = []
for f in files:
    if f.startswith("src/") and f.endswith(".c"):
        n = sum(1 for _ in open(os.path.join(repo, f), encoding="utf-8"))
        if n > 1500:
            big.append(f"{f} ({n})")
check(not big, "no file in src/ over 1,500 lines" + (": " + ", ".join(big) if big else ""))
sys.exit(failed)
PY
