"""Robustness figures for docs/robustness.md: one run of ``clean`` over every kind of
awkward input the issue names, at full size, counting crashes, hangs and bytes lost.

    python3 bench/robustness.py                 # 200 MB document, 50 MB line (needs ~3 GB RAM)
    python3 bench/robustness.py --scale 0.05    # the same at 5% size, in seconds

Each input is cleaned by the CLI (``clean IN -o OUT -j 1``) in a subprocess with a time
limit; an input "is lost" if it was cleaned but ``clean restore`` does not rebuild its
bytes exactly. Exit status 1 if anything crashed, hung or lost bytes.
"""

from __future__ import annotations

import argparse
import codecs
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = b"\n".join(p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt")))


def inputs(scale: float) -> dict[str, bytes]:
    mb = 1 << 20
    text = SEED.decode("utf-8")
    one_line = text.replace("\n", " ")
    big = int(200 * mb * scale)
    line = int(50 * mb * scale)
    return {
        "document-200MB.txt": (SEED * (big // len(SEED) + 1))[:big],
        "line-50MB-no-newline.txt": (one_line.encode() * (line // len(one_line) + 1))[:line],
        "run-of-a-50MB.txt": b"a" * line,
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 4096,
        "nul-bytes.txt": b"Story.\x00\x00\nLeave a Reply\n",
        "nul-after-8k.txt": SEED[:9000] + b"\x00 late NUL\n",
        "control-chars.txt": "".join(chr(c) for c in range(1, 32) if c not in (10, 13)).encode() * 100 + SEED,
        "rtl.txt": "مرحبا بالعالم \u202eRTL\u202c עברית\n\nRead More\n".encode() * 1000,
        "emoji.txt": "👩‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 story\n\nLeave a Reply\n".encode() * 1000,
        "combining.txt": ("e" + "\u0301" * 500 + " Z\u0335\u0336\n\nRead More\n").encode() * 100,
        "mixed-line-endings.txt": SEED.replace(b"\n\n", b"\r\n\r").replace(b". ", b".\r"),
        "utf8-bom.txt": codecs.BOM_UTF8 + SEED,
        "utf16.txt": SEED.decode().encode("utf-16"),
        "utf16-be-no-bom.txt": SEED.decode().encode("utf-16-be"),
        "cp1252.txt": text.encode("cp1252", "replace"),
        "latin1.txt": text.encode("latin-1", "replace"),
        "damaged-utf8.txt": SEED[:5000] + b"\xff\xfe" + SEED[5000:10000],
        "lone-surrogates.jsonl": b'{"text": "Story \\ud800.\\n\\nLeave a Reply"}\n{"text": "ok"}\n',
        "records.jsonl": b"".join(json.dumps({"id": i, "text": t}).encode() + b"\n"
                                  for i, t in enumerate(text.split("\n\n"))),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="size factor for the large inputs (default 1)")
    ap.add_argument("--limit", type=float, default=600, help="seconds before an input counts as a hang")
    args = ap.parse_args()
    crashes = hangs = lost = tried = failed_cleanly = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in inputs(args.scale).items():
            tried += 1
            src = Path(tmp) / "in" / name
            out = Path(tmp) / "out" / name
            src.parent.mkdir(exist_ok=True)
            src.write_bytes(data)
            t = time.perf_counter()
            try:
                proc = subprocess.run([sys.executable, "-m", "cleaner", str(src), "-o", str(out), "-q", "-j", "1"],
                                      capture_output=True, text=True, timeout=args.limit)
            except subprocess.TimeoutExpired:
                hangs += 1
                print(f"{name:28} HANG after {args.limit:.0f}s")
                continue
            dt = time.perf_counter() - t
            if proc.returncode not in (0, 3) or "Traceback" in proc.stderr:
                crashes += 1
                print(f"{name:28} CRASH rc={proc.returncode}\n{proc.stderr[-2000:]}")
                continue
            outcome = "cleaned"
            if proc.returncode == 3:
                failed_cleanly += 1
                summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
                outcome = "failed cleanly: " + "; ".join(f["reason"][:70] for f in summary["failures"])[:150]
            if src.suffix == ".txt" and (out / name).exists():
                back = Path(tmp) / "back"
                r = subprocess.run([sys.executable, "-m", "cleaner", "restore", str(out / name),
                                    str(out / (src.stem + ".report.json")), "-o", str(back)],
                                   capture_output=True, text=True)
                if r.returncode != 0 or back.read_bytes() != data:
                    lost += 1
                    outcome += " BYTES LOST"
                else:
                    enc = json.loads((out / (src.stem + ".report.json")).read_text(encoding="utf-8"))["input"]["encoding"]
                    outcome += f" ({enc}), restored byte for byte"
                back.unlink(missing_ok=True)
            elif src.suffix == ".jsonl" and (out / name).exists() and proc.returncode == 3:
                outcome += " (bad record passed through)"
            print(f"{name:28} {len(data) / 1e6:9.2f} MB {dt:7.2f}s  {outcome}")
            for p in sorted((Path(tmp) / "out").rglob("*"), reverse=True):
                p.unlink() if p.is_file() else p.rmdir()
            src.unlink()
    print(f"\ninputs tried {tried}, cleaned {tried - failed_cleanly - crashes - hangs}, failed cleanly {failed_cleanly}, "
          f"crashes {crashes}, hangs {hangs}, inputs with bytes lost {lost}")
    return 1 if crashes or hangs or lost else 0


if __name__ == "__main__":
    sys.exit(main())
