"""Query strings of the REST lists: paging (``limit``, ``offset``) and filters.

Filters follow the document's "Filters" section: ``field=value`` (equal), ``field[not_eq]``,
``field[like]`` / ``field[not_like]`` (wildcards ``%`` and ``?``) for strings; numbers and dates
also ``[gt] [gte] [lt] [lte] [range]=a,b`` (inclusive). Strings compare regardless of case, as
everywhere in the sandbox. Stricter than the document says: one value per parameter, a
parameter the endpoint does not know is refused (ERR_002) rather than ignored, and so is an
operator that does not fit the field's type.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from .rest_errors import RestError

PAGING = ("limit", "offset")
STRING_OPS = ("eq", "not_eq", "like", "not_like")
ORDERED_OPS = ("eq", "not_eq", "gt", "gte", "lt", "lte", "range")
KEY = re.compile(r"([A-Za-z]+)(?:\[([a-z_]+)\])?")


def page(query: dict[str, list[str]]) -> tuple[int, int]:
    """``(limit, offset)``: limit 1..2000, default 100 (PAGE_001); offset >= 0 (PAGE_002)."""
    limit = _integer(_single(query, "limit"), 100)
    if limit is None or not 1 <= limit <= 2000:
        raise RestError.validation("PAGE_001", "limit")
    offset = _integer(_single(query, "offset"), 0)
    if offset is None or offset < 0:
        raise RestError.validation("PAGE_002", "offset")
    return limit, offset


def _single(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise RestError.validation("ERR_002", name, f"{name} given more than once")
    return values[0]


def _integer(value: str | None, default: int) -> int | None:
    if value is None:
        return default
    return int(value) if re.fullmatch(r"-?\d{1,9}", value.strip()) else None


Predicate = Callable[[dict[str, Any]], bool]


def filters(query: dict[str, list[str]], fields: dict[str, str],
            extra: Iterable[str] = ()) -> list[Predicate]:
    """Predicates for the filter parameters; ``fields`` maps a name to string/int/date."""
    predicates, seen = [], set()
    for key, values in query.items():
        if key in PAGING or key in extra:
            continue
        match = KEY.fullmatch(key)
        name, op = (match[1], match[2] or "eq") if match else (key, "")
        if not match or name not in fields:
            raise RestError.validation("ERR_002", key, f"unknown parameter {key}")
        if name in seen or len(values) > 1:
            raise RestError.validation("ERR_002", key, "one filter per parameter")
        seen.add(name)
        predicates.append(_predicate(name, op, values[0], fields[name], key))
    return predicates


def _predicate(name: str, op: str, raw: str, kind: str, key: str) -> Predicate:
    allowed = STRING_OPS if kind == "string" else ORDERED_OPS
    if op not in allowed:
        raise RestError.validation("ERR_002", key, f"{op} does not apply to {name}")
    if kind == "string":
        return _string_predicate(name, op, raw)
    parse = _parser(kind, key)
    if op == "range":
        low, _, high = raw.partition(",")
        lo, hi = parse(low), parse(high)
        return lambda item: item.get(name) is not None and lo <= _value(item, name, kind) <= hi
    wanted = parse(raw)
    compare = {
        "eq": lambda v: v == wanted, "not_eq": lambda v: v != wanted,
        "gt": lambda v: v > wanted, "gte": lambda v: v >= wanted,
        "lt": lambda v: v < wanted, "lte": lambda v: v <= wanted,
    }[op]
    return lambda item: item.get(name) is not None and compare(_value(item, name, kind))


def _value(item: dict[str, Any], name: str, kind: str) -> Any:
    value = item[name]
    return dt.date.fromisoformat(value) if kind == "date" and isinstance(value, str) else value


def _parser(kind: str, key: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return dt.date.fromisoformat(text.strip()) if kind == "date" else int(text)
        except ValueError:
            raise RestError.validation("ERR_002", key, f"not a valid {kind}: {text}") from None
    return parse


def _string_predicate(name: str, op: str, raw: str) -> Predicate:
    wanted = raw.casefold()
    if op in ("eq", "not_eq"):
        equal = op == "eq"
        return lambda item: ((item.get(name) or "").casefold() == wanted) == equal
    pattern = re.compile(
        "".join(".*" if c == "%" else "." if c == "?" else re.escape(c) for c in wanted),
        re.DOTALL,
    )
    like = op == "like"
    return lambda item: bool(pattern.fullmatch((item.get(name) or "").casefold())) == like


def paged(items: list[dict[str, Any]], query: dict[str, list[str]], fields: dict[str, str],
          extra: Iterable[str] = ()) -> dict[str, Any]:
    """Filter, then page: ``{"items": [...], "count": all matches}``."""
    limit, offset = page(query)
    predicates = filters(query, fields, extra)
    matching = [item for item in items if all(p(item) for p in predicates)]
    return {"items": matching[offset: offset + limit], "count": len(matching)}
