"""Offset spans: the first and last offset a batch delivered, per partition."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from service.stream.records import Partition, StreamRecord

Spans = dict[Partition, tuple[int, int]]


def offset_spans(records: Iterable[StreamRecord]) -> Spans:
    spans: Spans = {}
    for record in records:
        first, last = spans.get(record.stream, (record.offset, record.offset))
        spans[record.stream] = (min(first, record.offset), max(last, record.offset))
    return spans


def spans_text(spans: Mapping[Partition, tuple[int, int]]) -> str:
    """``customers[0]:40-47 customers[3]:12-12``, partitions in order, for a batch's log line."""
    return " ".join(
        f"{p.topic}[{p.partition}]:{first}-{last}" for p, (first, last) in sorted(spans.items())
    )
