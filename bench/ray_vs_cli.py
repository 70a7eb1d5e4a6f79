#!/usr/bin/env python3
"""The Ray adapter against the CLI on one machine, and learning on 1 and 2 workers.

    python bench/ray_vs_cli.py              # 20 MB of JSON Lines, best of 3 runs of each case
    python bench/ray_vs_cli.py --mb 50 --json /tmp/ray_vs_cli.json

In one run, on the same JSON Lines file (the scrapinghub extractor outputs cycled to
``--mb`` decimal megabytes, ``bench/corpus.py``):

- cleaning: ``clean in.jsonl -o out/ -j 2`` against
  ``clean_dataset(ray.data.read_json(...)).write_json(...)`` on a local Ray cluster of two
  CPUs (started before the clock, as a user's cluster would be; the first, warm-up run
  starts its worker processes). Throughput is input MB per wall-clock second; CPU
  seconds are user + system time of every process involved: the ``clean`` child and the
  workers it reaps, or the driver, the Ray services and its workers (read from /proc).
- learning: ``clean learn -j 1`` and ``-j 2`` and ``learn_dataset`` on the same file,
  timed, with the SHA-256 of each pack: the three must be identical.

Needs ``pip install -e '.[ray]'`` and the corpus in ../shared/corpora (see bench/corpus.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import corpus  # noqa: E402

MB = corpus.MB


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tree_cpu() -> float:
    """User + system seconds of this process and its live descendants (the Ray cluster)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in corpus._descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def cli_clean(src: Path, out: Path) -> tuple[float, float]:
    cpu = children_cpu()
    run = corpus.check(corpus.run_clean([str(src), "-o", str(out), "-j", "2", "-q"]), "clean -j 2")
    return run.seconds, children_cpu() - cpu


def ray_clean(ray: Any, src: Path, out: Path) -> tuple[float, float]:
    from cleaner.integrations.ray import clean_dataset

    cpu, started = tree_cpu(), time.perf_counter()
    clean_dataset(ray.data.read_json(str(src))).write_json(str(out))
    return time.perf_counter() - started, tree_cpu() - cpu


def cli_learn(src: Path, pack: Path, jobs: int, min_share: float) -> tuple[float, float]:
    cpu = children_cpu()
    run = corpus.run_clean(["learn", str(src), "-o", str(pack), "-j", str(jobs), "--min-share", str(min_share), "-q"])
    if run.returncode not in (0, 1):  # 1: nothing recurred enough, no pack written
        raise RuntimeError(f"clean learn -j {jobs} exited {run.returncode}\n{run.stderr[-2000:]}")
    return run.seconds, children_cpu() - cpu


def ray_learn(ray: Any, src: Path, pack: Path, min_share: float) -> tuple[float, float]:
    from cleaner.integrations.ray import learn_dataset
    from cleaner.learn import LearnOptions

    cpu, started = tree_cpu(), time.perf_counter()
    result = learn_dataset(ray.data.read_json(str(src)), LearnOptions(min_share=min_share))
    if result.pack.text:
        pack.write_text(result.pack.text, encoding="utf-8")
    return time.perf_counter() - started, tree_cpu() - cpu


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else "(no pack)"


def best_of(cases: dict[str, Callable[[int], tuple[float, float]]], repeat: int) -> dict[str, dict[str, Any]]:
    """Each case ``repeat`` times, interleaved (so a burst of load elsewhere hits them all
    alike); the least wall time and the least CPU time of each."""
    best: dict[str, dict[str, Any]] = {name: {"wall_s": float("inf"), "cpu_s": float("inf")} for name in cases}
    for i in range(repeat):
        for name, run in cases.items():
            wall, cpu = run(i)
            best[name]["wall_s"] = min(best[name]["wall_s"], wall)
            best[name]["cpu_s"] = min(best[name]["cpu_s"], cpu)
    return best


def rules(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("[[rule]]") if path.exists() else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="size of the JSON Lines input (decimal MB)")
    ap.add_argument("--corpus", type=Path, default=corpus.DEFAULT_CORPUS)
    ap.add_argument("--min-share", type=float, default=0.02,
                    help="clean learn --min-share: the records carry no site, so every line is counted "
                         "corpus-wide, where 0.2 of all documents is more than any line reaches")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each case; the best is shown")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    try:
        import ray
    except ImportError:
        sys.exit("needs ray: pip install -e '.[ray]'")

    with tempfile.TemporaryDirectory(prefix="cleaner-ray-bench-") as tmp:
        work = Path(tmp)
        src = work / "in.jsonl"
        size = corpus.write_jsonl(corpus.repeat_to(corpus.load_texts(args.corpus), int(args.mb * MB)), src)
        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        startup = time.perf_counter() - started
        small = work / "small.jsonl"
        small.write_bytes(b"".join(src.open("rb").readlines()[:200]))
        ray_clean(ray, small, work / "warm")  # starts the workers; not timed

        cleaning: dict[str, Callable[[int], tuple[float, float]]] = {
            "clean -j 2": lambda i: cli_clean(src, work / f"cli-{i}"),
            "ray clean_dataset (2 CPUs)": lambda i: ray_clean(ray, src, work / f"ray-{i}"),
        }
        learning: dict[str, Callable[[int], tuple[float, float]]] = {
            "clean learn -j 1": lambda i: cli_learn(src, work / "learn-j1.toml", 1, args.min_share),
            "clean learn -j 2": lambda i: cli_learn(src, work / "learn-j2.toml", 2, args.min_share),
            "ray learn_dataset (2 CPUs)": lambda i: ray_learn(ray, src, work / "learn-ray.toml", args.min_share),
        }
        rows = best_of({**cleaning, **learning}, args.repeat)
        for name in cleaning:
            rows[name]["mb_s"] = size / MB / rows[name]["wall_s"]
            rows[name]["cpu_s_per_mb"] = rows[name]["cpu_s"] / (size / MB)
        learned: dict[str, dict[str, Any]] = {name: rows.pop(name) for name in learning}
        for name, pack in zip(learning, ("learn-j1.toml", "learn-j2.toml", "learn-ray.toml"), strict=True):
            learned[name].update(sha256=digest(work / pack), rules=rules(work / pack))
        ray.shutdown()

    print(f"input: {size / MB:.1f} MB of JSON Lines; best of {args.repeat} runs each; "
          f"Ray cluster start-up {startup:.1f} s (not counted)")
    print(f"{'cleaning':28} {'wall s':>7} {'MB/s':>6} {'CPU s':>7} {'CPU s/MB':>9}")
    for name, r in rows.items():
        print(f"{name:28} {r['wall_s']:7.2f} {r['mb_s']:6.2f} {r['cpu_s']:7.2f} {r['cpu_s_per_mb']:9.3f}")
    cli, rayr = rows["clean -j 2"], rows["ray clean_dataset (2 CPUs)"]
    print(f"{'ray / cli':28} {rayr['wall_s'] / cli['wall_s']:7.2f} {'':6} {rayr['cpu_s'] / cli['cpu_s']:7.2f}")
    print(f"\n{'learning (--min-share ' + str(args.min_share) + ')':28} {'wall s':>7} {'CPU s':>7} {'rules':>6}"
          "  pack sha256")
    for name, r in learned.items():
        print(f"{name:28} {r['wall_s']:7.2f} {r['cpu_s']:7.2f} {r['rules']:6d}  {r['sha256']}")
    same = len({r["sha256"] for r in learned.values()}) == 1
    print(f"packs identical: {'yes' if same else 'NO'}")
    if args.json:
        args.json.write_text(json.dumps({"mb": size / MB, "min_share": args.min_share, "ray_startup_s": startup, "cleaning": rows,
                                         "learning": learned, "identical": same, "repeat": args.repeat}, indent=2) + "\n")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
