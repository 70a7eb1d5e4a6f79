#!/usr/bin/env python3
"""The library's speed at two revisions of this repository, measured in the same run.

Each revision is checked out into a temporary worktree (``git worktree add``) and its
own code and its own rule packs clean the bench corpus (the scrapinghub extractor
outputs, as ``bench/speed.py`` uses them) in a child process. Rounds alternate between
the revisions and each keeps its best, so a busy neighbour on this shared machine slows
both alike. The table gives MB/s per core and the ratio of the second revision to the
first.

    python bench/revisions.py 8c7a8e0 HEAD            # 7 rounds
    python bench/revisions.py v0.3.0 HEAD --rounds 11 --passes 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import corpus

ROOT = Path(__file__).resolve().parent.parent

# The child: the worktree's package and its rules (cleaner.packs is the rules/ folder,
# which an installed copy of the project would otherwise supply), one timed loop.
CHILD = r"""
import importlib.util, json, sys, time
root, corpus_dir, passes = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, root)
spec = importlib.util.spec_from_file_location("cleaner.packs", f"{root}/rules/__init__.py",
                                              submodule_search_locations=[f"{root}/rules"])
packs = importlib.util.module_from_spec(spec); spec.loader.exec_module(packs)
sys.modules["cleaner.packs"] = packs
sys.path.insert(1, f"{root}/bench")
import corpus
from cleaner import Cleaner
texts = corpus.load_texts(corpus.Path(corpus_dir))
cl = Cleaner()
for t in texts:
    cl.clean(t)  # warm: every rule a text arms is compiled
t0 = time.process_time()
for _ in range(passes):
    for t in texts:
        cl.clean(t)
seconds = time.process_time() - t0
print(json.dumps({"seconds": seconds, "bytes": passes * sum(len(t.encode("utf-8", "surrogatepass")) for t in texts)}))
"""


def measure(tree: Path, corpus_dir: Path, passes: int) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(corpus_dir), str(passes)],
                         check=True, capture_output=True, text=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return res["seconds"], res["bytes"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before", help="a revision (commit, tag, branch)")
    ap.add_argument("after", help="another revision, HEAD for the working one")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--passes", type=int, default=2, help="passes over the corpus per round")
    ap.add_argument("--corpus", type=Path, default=corpus.DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        trees = {}
        for name in (args.before, args.after):
            tree = Path(tmp) / name.replace("/", "_")
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), name],
                           check=True, capture_output=True)
            trees[name] = tree
        try:
            best: dict[str, float] = {}
            size = 0
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    seconds, size = measure(tree, args.corpus, args.passes)
                    best[name] = min(best.get(name, seconds), seconds)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                               capture_output=True)
    mbs = {name: size / 1e6 / s for name, s in best.items()}
    print(f"library, {size / 1e6:.1f} MB a round, best of {args.rounds} rounds (CPU seconds)\n")
    print("| revision | MB/s per core | vs first |")
    print("|---|---|---|")
    for name in trees:
        print(f"| {name} | {mbs[name]:.2f} | {mbs[name] / mbs[args.before]:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
