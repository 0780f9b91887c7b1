"""Which tables and indexes a SQLite database's commits dirtied, read from its WAL.

Each commit appends one WAL frame per page it changed, so the frames in the WAL since it last
restarted say, page by page, where the writes went; ``dbstat`` says which B-tree (table or
index) owns each page, and how deep each B-tree is. ``python -m bench.growth --pages`` prints
both for batches into a new Bank 2 and for batches into a full one.
"""

from __future__ import annotations

import sqlite3
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_WAL_HEADER = struct.Struct(">IIIIII")  # magic, version, page size, checkpoint seq., salts
_FRAME_HEADER = struct.Struct(">IIII")  # page number, size after commit, salts
_FRAME_HEADER_SIZE = 24  # the four fields above, then the frame's two checksums
FREE = "(free-page)"  # a page on the freelist when the pages were named


class DbstatUnavailableError(Exception):
    """This SQLite was built without the ``dbstat`` table: pages cannot be named."""


@dataclass(frozen=True, slots=True)
class BTree:
    pages: int
    depth: int  # levels from the root to the leaves


@dataclass(frozen=True, slots=True)
class WalGeneration:
    """The WAL's committed frames since it last restarted: ``sequence`` counts the checkpoints
    that restarted it, ``salts`` change at every restart, ``pages`` holds the page of each
    frame, in the order the commits appended them."""

    sequence: int
    salts: tuple[int, int]
    pages: tuple[int, ...]


def wal_generation(wal: Path) -> WalGeneration:
    """The committed frames of the WAL's current generation; frames left from an earlier one
    (their salts differ from the header's) and those of a transaction not committed (spilled
    from SQLite's cache, or rolled back) are not counted."""
    data = wal.read_bytes() if wal.exists() else b""
    if len(data) < _WAL_HEADER.size + 8:
        return WalGeneration(0, (0, 0), ())
    _, _, page_size, sequence, salt1, salt2 = _WAL_HEADER.unpack_from(data)
    pages = []
    committed = 0  # frames up to the last commit's: a transaction's frames count once it commits
    offset = _WAL_HEADER.size + 8  # the header's two checksums
    while offset + _FRAME_HEADER_SIZE + page_size <= len(data):
        page, size_after_commit, frame_salt1, frame_salt2 = _FRAME_HEADER.unpack_from(data, offset)
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break
        pages.append(page)
        if size_after_commit:  # only a transaction's last frame carries the database's size
            committed = len(pages)
        offset += _FRAME_HEADER_SIZE + page_size
    return WalGeneration(sequence, (salt1, salt2), tuple(pages[:committed]))


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + "-wal")


class FrameTally:
    """The pages of the WAL frames committed from now on, added up as they come.

    Look (``observe``) after every transaction: a checkpoint restarts the WAL at the next
    transaction's first write, so each look finds the frames since the previous one either at
    the end of the same generation or as the whole of a new one. ``partial`` says a look came
    too late to be sure (more than one restart, or a WAL deleted and made again).
    """

    def __init__(self, database: Path) -> None:
        self._wal = wal_of(database)
        self._last = wal_generation(self._wal)
        self.pages: list[int] = []
        self.partial = False

    def observe(self) -> None:
        now, last = wal_generation(self._wal), self._last
        if now.salts == last.salts:
            self.pages.extend(now.pages[len(last.pages) :])
        else:
            self.pages.extend(now.pages)
            self.partial |= now.sequence != last.sequence + 1
        self._last = now


def b_trees(database: Path) -> tuple[dict[int, str], dict[str, BTree]]:
    """Each page's owner, and each table's and index's size and depth, as a reader sees the
    database now (committed WAL frames included)."""
    connection = sqlite3.connect(database.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT name, pageno, path FROM dbstat").fetchall()
    except sqlite3.OperationalError as error:
        raise DbstatUnavailableError(str(error)) from None
    finally:
        connection.close()
    owner: dict[int, str] = {}
    pages: Counter[str] = Counter()
    depth: dict[str, int] = {}
    for name, page, path in rows:
        owner[page] = name
        pages[name] += 1
        # "/" is the root, "/000/" its first child...; an overflow page's path has a "+".
        if "+" not in path:
            depth[name] = max(depth.get(name, 0), path.count("/"))
    return owner, {name: BTree(count, depth.get(name, 0)) for name, count in pages.items()}


def frames_by_tree(database: Path, tally: FrameTally) -> tuple[Counter[str], dict[str, BTree]]:
    """The tally's frames by the table or index that owns their page now, and the B-trees."""
    owner, trees = b_trees(database)
    return Counter(owner.get(page, FREE) for page in tally.pages), trees
