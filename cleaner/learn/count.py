"""The map step of learning: exact document frequencies of every line key, per scope.

A scope is a site (the documents of one host) or ``CORPUS`` (every document). For each
(key, scope) the counter keeps a ``LineCounts``: the documents the key occurs in, how
often it was among a document's first or last lines, a few sample lines and sites, and,
for prose lines, the lines next to it. Every part of it is *mergeable*: counts are
added, samples and sites are the smallest few of the union, neighbour counts are added.
So the counts of a corpus are the same however it is split into shards and in whatever
order the shards are merged, and the pack learned from them is byte-identical on one
worker or a thousand.

Memory is bounded by ``CountConfig.max_cells``: when the table holds that many entries
(plus neighbour counts) it is written, sorted, to a run file in a spill folder and
emptied; the shard's counts are then the merge of its runs (``cleaner.learn.merge``), read
back one record per run at a time. Nothing is estimated or sampled, so a limit costs disk
and time, never exactness. Site totals (one integer per site) stay in memory.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..lines import is_prose
from .normalise import normalise

CORPUS = ""  # the scope of the whole corpus; a site's scope is its name
PROSE_WORDS = 14  # the engine's default prose limit (``max_words`` of line rules)


@dataclass(frozen=True, slots=True)
class CountConfig:
    head: int = 3  # the first / last this many non-blank lines are a document's head / tail
    tail: int = 3
    max_length: int = 200  # longer lines are not counted: they never become rules
    samples: int = 3  # raw lines kept per key and scope, for the rule's examples
    site_samples: int = 8  # distinct sites kept per key (enough to tell one site from many)
    # Entries (and neighbour counts) held in memory before a run is spilled to disk: about
    # 370 bytes each (measured with tracemalloc), so the default holds about 400 MB.
    max_cells: int = 1_000_000

    def __post_init__(self) -> None:
        if min(self.head, self.tail, self.samples, self.site_samples) < 0 or self.max_length < 1:
            raise ValueError("head, tail, samples and site_samples must be >= 0 and max_length positive")
        if self.max_cells < 1:
            raise ValueError("max_cells must be at least 1")

    def signature(self) -> dict[str, int]:
        """What counts must share to be merged (the spill limit is not part of it)."""
        return {"head": self.head, "tail": self.tail, "max_length": self.max_length,
                "samples": self.samples, "site_samples": self.site_samples}


Pairs = tuple[tuple[int, int], ...]  # (hash of a neighbouring line's key, occurrences), sorted


@dataclass(frozen=True, slots=True)
class LineCounts:
    """What a shard (or a merge of shards) knows of one key in one scope; exact."""

    key: str
    scope: str
    docs: int
    head: int = 0
    tail: int = 0
    samples: tuple[str, ...] = ()  # the smallest distinct raw lines, sorted
    sites: tuple[str, ...] = ()  # the smallest distinct sites, sorted
    prev: Pairs = ()  # prose lines only: the line before it (the document's start is no line)
    next: Pairs = ()

    @property
    def sort_key(self) -> tuple[str, str]:
        return self.key, self.scope

    def context_share(self) -> float:
        """The share of occurrences with the same line before it, or the same line after it."""
        best = max((n for _, n in (*self.prev, *self.next)), default=0)
        return best / self.docs if self.docs else 0.0

    def merged(self, other: LineCounts, config: CountConfig) -> LineCounts:
        """The counts of both: commutative and associative, so merge order cannot matter."""
        return LineCounts(self.key, self.scope, self.docs + other.docs, self.head + other.head,
                          self.tail + other.tail,
                          tuple(sorted({*self.samples, *other.samples})[: config.samples]),
                          tuple(sorted({*self.sites, *other.sites})[: config.site_samples]),
                          _add_pairs(self.prev, other.prev), _add_pairs(self.next, other.next))


@dataclass(frozen=True, slots=True)
class Totals:
    """Documents counted in all and per site; added when shards merge."""

    docs: int = 0
    sites: tuple[tuple[str, int], ...] = ()  # sorted by site

    def __add__(self, other: Totals) -> Totals:
        sites = dict(self.sites)
        for s, n in other.sites:
            sites[s] = sites.get(s, 0) + n
        return Totals(self.docs + other.docs, tuple(sorted(sites.items())))


def _add_pairs(a: Pairs, b: Pairs) -> Pairs:
    if not b:
        return a
    if not a:
        return b
    out = dict(a)
    for h, n in b:
        out[h] = out.get(h, 0) + n
    return tuple(sorted(out.items()))


def _hash(key: str) -> int:
    # blake2b, not hash(): Python salts str hashes per process, and shards must agree.
    # 63 bits: every JSON reader holds it as an integer; 0 stands for "no line".
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def _keep_smallest(values: list[str], value: str, k: int) -> None:
    """Keep ``values`` the k smallest distinct strings seen (unsorted while counting)."""
    if value in values or k == 0:
        return
    if len(values) < k:
        values.append(value)
        return
    largest = max(values)
    if value < largest:
        values[values.index(largest)] = value


class _Entry:
    """The mutable form of LineCounts, while one shard counts."""

    __slots__ = ("docs", "head", "tail", "samples", "sites", "prev", "next")

    def __init__(self) -> None:
        self.docs = self.head = self.tail = 0
        self.samples: list[str] = []
        self.sites: list[str] = []
        self.prev: dict[int, int] = {}
        self.next: dict[int, int] = {}

    def frozen(self, key: str, scope: str) -> LineCounts:
        return LineCounts(key, scope, self.docs, self.head, self.tail, tuple(sorted(self.samples)),
                          tuple(sorted(self.sites)), tuple(sorted(self.prev.items())),
                          tuple(sorted(self.next.items())))


class ShardCounter:
    """Feed documents with ``add``; then ``totals`` and ``records()`` (sorted by key, scope).

    With ``spill_dir`` None, spilled runs go to a temporary folder removed by ``close``.
    """

    def __init__(self, config: CountConfig | None = None, spill_dir: Path | None = None) -> None:
        self.config = config or CountConfig()
        self.table: dict[tuple[str, str], _Entry] = {}
        self.cells = 0
        self.docs = 0
        self.sites: dict[str, int] = {}
        self.runs: list[Path] = []
        self._spill_dir = spill_dir
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def totals(self) -> Totals:
        return Totals(self.docs, tuple(sorted(self.sites.items())))

    def add(self, lines: Sequence[str], site: str | None = None) -> None:
        """Count one document, given as its lines; ``site`` None or "" when unknown."""
        cfg = self.config
        self.docs += 1
        scopes = [CORPUS]
        if site:
            self.sites[site] = self.sites.get(site, 0) + 1
            scopes.append(site)
        stripped = [s for s in (ln.strip() for ln in lines) if s]
        keys = [normalise(s) if len(s) <= cfg.max_length else "" for s in stripped]
        n = len(stripped)
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if not key or key in seen:
                continue  # document frequency: a key counts once per document
            seen.add(key)
            raw = stripped[i]
            prose = is_prose(raw, PROSE_WORDS)
            before = _hash(keys[i - 1]) if prose and i and keys[i - 1] else 0
            after = _hash(keys[i + 1]) if prose and i + 1 < n and keys[i + 1] else 0
            for scope in scopes:
                entry = self.table.get((key, scope))
                if entry is None:
                    entry = self.table[(key, scope)] = _Entry()
                    self.cells += 1
                entry.docs += 1
                entry.head += i < cfg.head
                entry.tail += i >= n - cfg.tail
                _keep_smallest(entry.samples, raw, cfg.samples)
                if site:
                    _keep_smallest(entry.sites, site, cfg.site_samples)
                for slots, h in ((entry.prev, before), (entry.next, after)):
                    if h:
                        if h not in slots:
                            self.cells += 1
                        slots[h] = slots.get(h, 0) + 1
        if self.cells >= cfg.max_cells:
            self.spill()

    def _sorted(self) -> Iterator[LineCounts]:
        for (key, scope) in sorted(self.table):
            yield self.table[(key, scope)].frozen(key, scope)

    def spill(self) -> None:
        """Write the table, sorted, as a run file and empty it."""
        from .counts_file import write_counts

        if not self.table:
            return
        if self._spill_dir is None:
            self._tmp = self._tmp or tempfile.TemporaryDirectory(prefix="cleaner-learn-")
            folder = Path(self._tmp.name)
        else:
            folder = self._spill_dir
        path = folder / f"run-{len(self.runs):05d}.counts"
        write_counts(path, Totals(), self.config, self._sorted())
        self.runs.append(path)
        self.table.clear()
        self.cells = 0

    def records(self) -> Iterator[LineCounts]:
        """Every (key, scope) counted, sorted: the table merged with the spilled runs."""
        if not self.runs:
            yield from self._sorted()
            return
        from .counts_file import read_counts
        from .merge import merge_records

        streams = [read_counts(p).records() for p in self.runs]
        yield from merge_records([*streams, self._sorted()], self.config)

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
