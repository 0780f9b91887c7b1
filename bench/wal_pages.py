"""Which tables and indexes a SQLite database's commits dirtied, read from its WAL.

Each commit appends one WAL frame per page it changed, so the frames in the WAL since it last
restarted say, page by page, where the writes went; ``dbstat`` says which B-tree (table or
index) owns each page, and how deep each B-tree is. ``python -m bench.growth --pages`` prints
both for the first batches into an empty Bank 2 and for batches into a full one.
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
UNKNOWN = "(freed or not yet in dbstat)"


class DbstatUnavailableError(Exception):
    """This SQLite was built without the ``dbstat`` table: pages cannot be named."""


@dataclass(frozen=True, slots=True)
class BTree:
    pages: int
    depth: int  # levels from the root to the leaves


@dataclass(frozen=True, slots=True)
class WalGeneration:
    """The WAL's frames since it last restarted: ``sequence`` counts the checkpoints that
    restarted it, ``pages`` the page of each frame, in the order the commits appended them."""

    sequence: int
    pages: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class WalFrames:
    """Frames counted by the table or index that owns their page; ``partial``: a checkpoint
    restarted the WAL in the span counted, so the frames before it are missing."""

    by_tree: Counter[str]
    partial: bool

    @property
    def total(self) -> int:
        return sum(self.by_tree.values())


def wal_generation(wal: Path) -> WalGeneration:
    """The committed frames of the WAL's current generation; frames left from an earlier one
    (their salts differ from the header's) and those of a transaction not committed (spilled
    from SQLite's cache, or rolled back) are not counted."""
    data = wal.read_bytes() if wal.exists() else b""
    if len(data) < _WAL_HEADER.size + 8:
        return WalGeneration(0, ())
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
    return WalGeneration(sequence, tuple(pages[:committed]))


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


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + "-wal")


def frames_by_tree(
    database: Path, since: WalGeneration | None = None
) -> tuple[WalFrames, dict[str, BTree]]:
    """The frames appended to the WAL after ``since`` (all of the current generation without
    it), by the table or index that owns their page, and the B-trees now."""
    now = wal_generation(wal_of(database))
    pages = now.pages
    partial = False
    if since is not None:
        partial = now.sequence != since.sequence
        if not partial:
            pages = pages[len(since.pages) :]
    owner, trees = b_trees(database)
    return WalFrames(Counter(owner.get(page, UNKNOWN) for page in pages), partial), trees
