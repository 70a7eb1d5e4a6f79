"""Document frequency of every line key, streamed, in bounded memory.

Two structures, both of fixed size:

- a **count-min sketch** (``depth`` rows of ``width`` 32-bit counters, conservative
  update) counts, for every key, the documents it occurs in, in its site and in the whole
  corpus; it also counts each site's documents. An estimate is never below the true
  count, and exceeds it by more than ``e * N / width`` with probability at most
  ``exp(-depth)``, where N is the number of (document, key) pairs counted so far
  (conservative update only makes the excess smaller). With the defaults (2**20 x 4,
  16 MiB) and ten million pairs that is an excess of at most 26 documents with
  probability 98 %: for a key that recurs in hundreds of a site's pages, noise.
- a **heavy-hitter table** of at most ``capacity`` entries. A key enters it when its
  estimate reaches ``admit`` (its second document); from then on the entry records exact
  occurrences, head/tail positions, a few sample lines and sites, and its most
  common neighbours. When
  the table is full, the quarter with the fewest documents is evicted (ties by hash, so
  runs are deterministic); an evicted key keeps its count in the sketch and comes back
  with it if it keeps recurring.

Memory is therefore ``4 * width * depth`` bytes plus ``capacity`` entries of bounded size
(``samples`` lines of at most ``max_length`` characters, ``site_samples`` site names),
whatever the corpus size. Nothing is sampled: every document is counted.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from .normalise import normalise

CORPUS = ""  # the scope of the whole corpus; a site's scope is its name


@dataclass(frozen=True, slots=True)
class CountConfig:
    width: int = 1 << 20
    depth: int = 4
    capacity: int = 50_000  # ~1.5 KB per entry at most: about 75 MB when full
    admit: int = 2  # documents before a key gets an exact entry
    samples: int = 3  # raw lines kept per entry, for the rule's examples
    site_samples: int = 8  # distinct sites kept per entry (enough to tell one site from many)
    head: int = 3  # the first / last this many non-blank lines are a document's head / tail
    tail: int = 3
    max_length: int = 200  # longer lines are not counted: they never become rules
    contexts: int = 3  # Misra-Gries slots for an entry's previous lines, and as many for its next lines

    def __post_init__(self) -> None:
        if self.width < 1 or not 1 <= self.depth <= 16 or self.capacity < 1 or self.admit < 1:
            raise ValueError("sketch width, depth (1..16), table capacity and admit must be positive")


class CountMinSketch:
    """Fixed-size counters; ``add`` increments and returns the new estimate."""

    def __init__(self, width: int, depth: int) -> None:
        self.width, self.depth = width, depth
        self.counters = array("I", bytes(4 * width * depth))

    @property
    def nbytes(self) -> int:
        return self.counters.itemsize * len(self.counters)

    def cells(self, item: str) -> tuple[int, ...]:
        # blake2b, not hash(): Python salts str hashes per process, and runs must repeat.
        digest = hashlib.blake2b(item.encode("utf-8", "surrogatepass"), digest_size=4 * self.depth).digest()
        w = self.width
        return tuple(r * w + int.from_bytes(digest[4 * r:4 * r + 4], "little") % w for r in range(self.depth))

    def add(self, cells: tuple[int, ...]) -> int:
        c = self.counters
        low = min(c[i] for i in cells)
        if low == 0xFFFFFFFF:
            return low
        # Conservative update: only the counters at the minimum move, which keeps every
        # estimate an upper bound while adding less noise to other keys.
        for i in cells:
            if c[i] == low:
                c[i] = low + 1
        return low + 1

    def estimate(self, cells: tuple[int, ...]) -> int:
        return min(self.counters[i] for i in cells)


@dataclass(slots=True)
class Entry:
    """What the table knows of one key in one scope (exact from its admission on)."""

    scope: str
    key: str
    order: int  # the hash, for deterministic ties
    base: int  # documents before admission (the sketch's estimate then)
    seen: int = 0
    head: int = 0
    tail: int = 0
    samples: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    prev: dict[int, int] = field(default_factory=dict)  # hashes of the line before it (0: none)
    next: dict[int, int] = field(default_factory=dict)

    @property
    def docs(self) -> int:
        return self.base + self.seen

    def context_share(self) -> float:
        """A lower bound on the share of occurrences with the same line before it, or the
        same line after it (the document's start or end does not count as a line)."""
        if not self.seen:
            return 0.0
        best = max((n for h, n in (*self.prev.items(), *self.next.items()) if h), default=0)
        return best / self.seen


class LineCounter:
    """Feed documents with ``add``; read ``entries``, ``docs`` and ``site_docs`` afterwards."""

    def __init__(self, config: CountConfig | None = None) -> None:
        self.config = config or CountConfig()
        self.sketch = CountMinSketch(self.config.width, self.config.depth)
        self.table: dict[tuple[str, str], Entry] = {}
        self.docs = 0
        self.pairs = 0  # (document, key) pairs counted per scope: the N of the error bound
        self.evictions = 0
        self.peak = 0  # the most entries the table ever held

    def site_docs(self, site: str) -> int:
        """Documents counted for a site (a sketch estimate: never below the truth)."""
        return self.docs if site == CORPUS else self.sketch.estimate(self.sketch.cells(f"\x01{site}"))

    def add(self, lines: Sequence[str], site: str | None = None) -> None:
        """Count one document, given as its lines; ``site`` None or "" when unknown."""
        cfg = self.config
        self.docs += 1
        scopes = [CORPUS]
        if site:
            self.sketch.add(self.sketch.cells(f"\x01{site}"))
            scopes.append(site)
        stripped = [s for s in (ln.strip() for ln in lines) if s]
        keys = [normalise(s) if len(s) <= cfg.max_length else "" for s in stripped]
        n = len(stripped)
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if not key or key in seen:
                continue  # document frequency: a key counts once per document
            seen.add(key)
            context = (_hash(keys[i - 1]) if i else 0, _hash(keys[i + 1]) if i + 1 < n else 0)
            for scope in scopes:
                self._count(scope, key, stripped[i], site or "", i < cfg.head, i >= n - cfg.tail, context)

    def _count(self, scope: str, key: str, raw: str, site: str, head: bool, tail: bool,
               context: tuple[int, int]) -> None:
        cfg = self.config
        self.pairs += 1
        item = f"{scope}\x00{key}"
        cells = self.sketch.cells(item)
        estimate = self.sketch.add(cells)
        entry = self.table.get((scope, key))
        if entry is None:
            if estimate < cfg.admit:
                return
            if len(self.table) >= cfg.capacity:
                self._evict()  # before inserting, so the table never holds more than capacity
            entry = self.table[(scope, key)] = Entry(scope, key, cells[0], base=estimate - 1)
            self.peak = max(self.peak, len(self.table))
        entry.seen += 1
        entry.head += head
        entry.tail += tail
        if len(entry.samples) < cfg.samples and raw not in entry.samples:
            entry.samples.append(raw)
        if site and len(entry.sites) < cfg.site_samples and site not in entry.sites:
            entry.sites.append(site)
        _misra_gries(entry.prev, context[0], cfg.contexts)
        _misra_gries(entry.next, context[1], cfg.contexts)

    def _evict(self) -> None:
        cfg = self.config
        keep = min(cfg.capacity * 3 // 4, cfg.capacity - 1)
        ranked = sorted(self.table.items(), key=lambda kv: (kv[1].docs, kv[1].order, kv[0]))
        for k, _ in ranked[: len(self.table) - keep]:
            del self.table[k]
            self.evictions += 1

    def entries(self) -> list[Entry]:
        """Every entry in the table, in a stable order (scope, key)."""
        return sorted(self.table.values(), key=lambda e: (e.scope, e.key))

    def doc_count(self, entry: Entry) -> int:
        """Documents the entry's key occurs in, in its scope: the entry's own count and the
        sketch's are both upper bounds on the truth, so the smaller one is the better."""
        return min(entry.docs, self.sketch.estimate(self.sketch.cells(f"{entry.scope}\x00{entry.key}")))


def _hash(key: str) -> int:
    # 0 stands for "no line" (start or end of the document); a key hashing to 0 is
    # counted as no line, once in 2**64.
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def _misra_gries(slots: dict[int, int], item: int, k: int) -> None:
    """Misra-Gries summary in ``k`` slots: any item seen in more than 1/(k+1) of the
    updates keeps a slot, with a count short by at most updates/(k+1)."""
    if item in slots:
        slots[item] += 1
    elif len(slots) < k:
        slots[item] = 1
    else:
        for other in list(slots):
            slots[other] -= 1
            if not slots[other]:
                del slots[other]
