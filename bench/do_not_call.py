"""``python -m bench.do_not_call``: the telesales view's cost with a do-not-call list loaded.

    python -m bench.do_not_call        # 1M contacts, 3.5M listed numbers, SQLite and PostgreSQL
    python -m bench.do_not_call --contacts 2000 --list-size 5000 --engines sqlite  # seconds

For each engine: fills ``contact_state`` with ``--contacts`` current contacts (bulk: one
transaction on SQLite, COPY on PostgreSQL), realistic E.164 mobiles and landlines in every DDD,
one contact in ``--listed-every`` with a phone on the list; writes a CSV export of
``--list-size`` distinct numbers as Procon-SP's would look (``telefone;data_inclusao``, half the
lines dated); loads it with the real command (``python -m adapters.bank2 do-not-call load``, in
its own process, whose wall time and peak RSS are reported), then a newer export that drops 1 %
of the numbers and adds as many, then the same file again. Then it times what telesales run on
the view (count, a full scan fetched to the client, a page of 1,000 by customer id, one contact
by id) against the same queries on ``contact_state`` without suppression, and prints each
query's plan. Figures: docs/capacity.md ("Do-not-call lists").
"""

# The queries are built from the benchmark's own constants (customer ids it generated).
# ruff: noqa: S608

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from bench.databases import scratch_database

# Every Brazilian area code (DDD) in use.
DDDS = (
    *range(11, 20),
    21,
    22,
    24,
    27,
    28,
    *range(31, 36),
    37,
    38,
    *range(41, 50),
    51,
    53,
    54,
    55,
    *range(61, 70),
    71,
    73,
    74,
    75,
    77,
    79,
    *range(81, 90),
    *range(91, 100),
)
_SPREAD = 7_919  # coprime with 10**8: k -> (k * _SPREAD + _OFFSET) mod 10**8 is one-to-one
_OFFSET = 104_729
LIST_NAME = "procon-sp"
FIRST_EXPORT = "2025-06-01"
SECOND_EXPORT = "2025-07-01"
_ROOT = Path(__file__).resolve().parent.parent


def phone_digits(i: int) -> str:
    """The ``i``-th number of an endless supply of distinct valid Brazilian numbers, national
    digits: every tenth a landline, the others mobiles, spread over every DDD."""
    ddd = DDDS[i % len(DDDS)]
    k = i // len(DDDS)
    spread = (k * _SPREAD + _OFFSET) % 10**8
    if i % 10 == 9:
        return f"{ddd}{2 + k % 4}{spread % 10**7:07d}"
    return f"{ddd}9{spread:08d}"


def e164(i: int) -> str:
    return "+55" + phone_digits(i)


@dataclass(frozen=True)
class Sizes:
    contacts: int
    list_size: int
    listed_every: int

    def contact_phone(self, j: int) -> str:
        """One contact in ``listed_every`` has a phone the list holds; the others not."""
        if j % self.listed_every == 0:
            return e164((j // self.listed_every * 3) % self.list_size)
        return e164(self.list_size + j)

    @property
    def dropped(self) -> int:
        """How many numbers the second export drops (and adds): 1 % of the list."""
        return max(1, self.list_size // 100)


def write_export(path: Path, numbers: Iterator[int]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as file:
        file.write("telefone;data_inclusao\n")
        for i in numbers:
            digits = phone_digits(i)
            if i % 2:
                file.write(
                    f"({digits[:2]}) {digits[2:-4]}-{digits[-4:]};2024-{1 + i % 12:02d}-15\n"
                )
            else:
                file.write(f"{digits};\n")


def fill_contacts(engine: str, bank: SqlBank2, sizes: Sizes) -> float:
    started = time.perf_counter()
    rows = (
        (f"c{j:07d}", "v1", f"Cliente {j}", sizes.contact_phone(j), "Sudeste")
        for j in range(sizes.contacts)
    )
    connection: Any = bank.acquire()
    try:
        if engine == "postgresql":
            with connection.cursor() as cursor:
                copy_sql = (
                    "COPY contact_state (customer_id, version, name, phone, region, updated_at)"
                    " FROM STDIN"
                )
                with cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row((*row, "2025-01-01T00:00:00Z"))
            connection.commit()
            _autocommit(connection, "VACUUM ANALYZE contact_state")
        else:
            cursor = connection.cursor()
            cursor.execute("BEGIN")
            cursor.executemany(
                "INSERT INTO contact_state"
                " (customer_id, version, name, phone, region, updated_at)"
                " VALUES (?, ?, ?, ?, ?, '2025-01-01T00:00:00.000000Z')",
                rows,
            )
            cursor.execute("COMMIT")
            cursor.execute("ANALYZE")
    finally:
        bank.release(broken=False)
    return time.perf_counter() - started


def _autocommit(connection: Any, sql: str) -> None:
    connection.autocommit = True
    try:
        connection.execute(sql)
    finally:
        connection.autocommit = False


@dataclass(frozen=True)
class LoadRun:
    seconds: float
    peak_rss_mb: float
    summary: dict[str, Any]


def run_load(url: str, exported_on: str, path: Path) -> LoadRun:
    """The real command in its own process: its wall time and peak resident memory.

    The peak is the process's own ``VmHWM``, read from /proc while it runs (it only grows), not
    the rusage of wait4: Linux carries the parent's high-water mark across fork and exec into
    the child's ``ru_maxrss``, which would report this benchmark's own memory."""
    arguments = [sys.executable, "-m", "adapters.bank2", "do-not-call", "load", "--json"]
    arguments += ["--list", LIST_NAME, "--exported-on", exported_on, str(path), "--url", url]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(arguments, cwd=_ROOT, stdout=out, stderr=err)  # noqa: S603
        peak_kb = 0
        while process.poll() is None:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"the load failed: {err.read().decode(errors='replace').strip()}")
        summary = json.loads(out.read())
    return LoadRun(seconds, peak_kb / 1024, summary)


def _high_water_kb(pid: int) -> int:
    """The process's peak resident set so far (``VmHWM``, kB); 0 once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@dataclass(frozen=True)
class Query:
    label: str
    view: str
    baseline: str
    fetch_all: bool = False


def queries(sizes: Sizes) -> list[Query]:
    middle = f"c{sizes.contacts // 2:07d}"
    # The last listed contact: its number is far from the 1 % the newer export drops.
    listed = f"c{(sizes.contacts - 1) // sizes.listed_every * sizes.listed_every:07d}"
    unlisted = f"c{sizes.contacts // 2 + 1:07d}"
    contacts = "contact_state WHERE removed_at IS NULL"
    columns = "customer_id, name, phone, region"
    return [
        Query(
            "COUNT(*)",
            "SELECT COUNT(*) FROM telesales_contacts",
            f"SELECT COUNT(*) FROM {contacts}",
        ),
        Query(
            "full scan, every row fetched",
            f"SELECT {columns} FROM telesales_contacts",
            f"SELECT {columns} FROM {contacts}",
            fetch_all=True,
        ),
        Query(
            "page of 1,000 by customer_id",
            f"SELECT {columns} FROM telesales_contacts WHERE customer_id > '{middle}'"
            " ORDER BY customer_id LIMIT 1000",
            f"SELECT {columns} FROM {contacts} AND customer_id > '{middle}'"
            " ORDER BY customer_id LIMIT 1000",
        ),
        Query(
            "one contact by id (not listed)",
            f"SELECT {columns} FROM telesales_contacts WHERE customer_id = '{unlisted}'",
            f"SELECT {columns} FROM {contacts} AND customer_id = '{unlisted}'",
        ),
        Query(
            "one contact by id (listed: no row)",
            f"SELECT {columns} FROM telesales_contacts WHERE customer_id = '{listed}'",
            f"SELECT {columns} FROM {contacts} AND customer_id = '{listed}'",
        ),
    ]


def timed(connection: Any, sql: str, *, fetch_all: bool, repeat: int) -> tuple[float, int]:
    """Median milliseconds of ``repeat`` runs, and the rows the last one returned."""
    durations = []
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        cursor = connection.cursor()
        cursor.execute(sql)
        count = 0
        if fetch_all:
            while batch := cursor.fetchmany(10_000):
                count += len(batch)
        else:
            count = len(cursor.fetchall())
        cursor.close()
        durations.append((time.perf_counter() - started) * 1000)
        connection.rollback()
    return statistics.median(durations), count


def plan(engine: str, connection: Any, sql: str) -> list[str]:
    cursor = connection.cursor()
    if engine == "postgresql":
        cursor.execute(f"EXPLAIN {sql}")
        lines = [str(row[0]) for row in cursor.fetchall()]
    else:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        lines = [str(row[3]) for row in cursor.fetchall()]
    cursor.close()
    connection.rollback()
    return lines


def measure_queries(
    engine: str, bank: SqlBank2, sizes: Sizes, repeat: int, show: Callable[[str], None]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    connection: Any = bank.acquire()
    try:
        for query in queries(sizes):
            runs = max(1, repeat // 2) if query.fetch_all else repeat
            view_ms, view_rows = timed(
                connection, query.view, fetch_all=query.fetch_all, repeat=runs
            )
            base_ms, base_rows = timed(
                connection, query.baseline, fetch_all=query.fetch_all, repeat=runs
            )
            results[query.label] = {
                "view_ms": round(view_ms, 3),
                "view_rows": view_rows,
                "baseline_ms": round(base_ms, 3),
                "baseline_rows": base_rows,
            }
            show(
                f"  {query.label:<36} view {view_ms:>10.3f} ms ({view_rows:,} rows)"
                f"   without suppression {base_ms:>10.3f} ms ({base_rows:,} rows)"
            )
        for query in queries(sizes):
            if query.fetch_all:
                continue
            show(f"  plan, {query.label}:")
            for line in plan(engine, connection, query.view):
                show(f"      {line}")
    finally:
        bank.release(broken=False)
    return results


def bench_engine(
    engine: str, sizes: Sizes, repeat: int, show: Callable[[str], None]
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bank2-dnc-") as folder_name:
        folder = Path(folder_name)
        first, second = folder / "first.csv", folder / "second.csv"
        started = time.perf_counter()
        write_export(first, iter(range(sizes.list_size)))
        kept = range(sizes.dropped, sizes.list_size + sizes.dropped)
        write_export(second, iter(kept))
        show(
            f"{engine}: exports written ({first.stat().st_size / 1e6:.0f} MB each,"
            f" {time.perf_counter() - started:.1f} s)"
        )
        with scratch_database(engine, folder, "dnc") as url:
            bank = open_bank2(url)
            try:
                fill_s = fill_contacts(engine, bank, sizes)
                show(f"{engine}: {sizes.contacts:,} contacts in {fill_s:.1f} s")
                loads = {}
                for label, date, path in (
                    ("first load", FIRST_EXPORT, first),
                    ("newer export (1 % dropped, 1 % added)", SECOND_EXPORT, second),
                    ("same file again", SECOND_EXPORT, second),
                ):
                    run = run_load(url, date, path)
                    loads[label] = {
                        "seconds": round(run.seconds, 2),
                        "peak_rss_mb": round(run.peak_rss_mb, 1),
                        "summary": run.summary,
                    }
                    figures = {
                        key: run.summary[key]
                        for key in (
                            "outcome",
                            "phones_loaded",
                            "phones_added",
                            "phones_dropped",
                            "contacts_suppressed",
                            "contacts_restored",
                        )
                    }
                    show(
                        f"{engine}: {label}: {run.seconds:.1f} s, peak RSS"
                        f" {run.peak_rss_mb:.0f} MB, {figures}"
                    )
                if engine == "postgresql":
                    connection: Any = bank.acquire()
                    try:
                        _autocommit(connection, "VACUUM ANALYZE suppressed_phones")
                    finally:
                        bank.release(broken=False)
                show(
                    f"{engine}: queries (median of {repeat}; full scans of {max(1, repeat // 2)}):"
                )
                results = measure_queries(engine, bank, sizes, repeat, show)
            finally:
                bank.close()
    return {"loads": loads, "queries": results, "fill_seconds": round(fill_s, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.do_not_call",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--list-size", type=int, default=3_500_000)
    parser.add_argument("--listed-every", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7, help="runs per query (median)")
    args = parser.parse_args(argv)
    sizes = Sizes(args.contacts, args.list_size, args.listed_every)

    def show(line: str) -> None:
        print(line, flush=True)

    show(
        f"do-not-call benchmark: {sizes.contacts:,} contacts (1 in {sizes.listed_every} listed),"
        f" a list of {sizes.list_size:,} numbers; Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs"
    )
    report = {
        engine: bench_engine(engine, sizes, args.repeat, show) for engine in args.engines.split(",")
    }
    print(json.dumps({"sizes": vars(sizes), "engines": report}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
