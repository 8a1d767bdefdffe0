"""Relaties ophalen's keyword walk finds every relation of any administration, whatever the
cap, code style and words that crowd the answers. GetRelaties as in ``ebh_sandbox``: a
case-insensitive substring in code, name, city and e-mail, the first ``cap`` rows by id;
codes are unique regardless of case, and the ``Code`` filter matches one exactly (here
regardless of case too, as a SQL Server collation does)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ebh_sync.imports import fetch_all_relations
from eboekhouden.client import RelationData, RelationRecord
from tests.fuzz.strategies import FUZZ

# One style per administration, as e-Boekhouden users keep them, of the characters the walk
# refines with (a code of other characters, crowded out on every prefix, is out of reach:
# see ebh_sync.imports).
CODE_STYLES = ["0123456789", "ABK0123-", "abcxyz12", "K0L1", "AB&1/+", "DEB0_.-@"]
WORDS = ["bakkerij", "info@", "utrecht", "de", "van", "kok", "ab", "a", "1", "10", "deb"]


@st.composite
def administrations(draw):
    style = draw(st.sampled_from(CODE_STYLES))
    codes = draw(st.lists(st.text(alphabet=style, min_size=1, max_size=5), min_size=10,
                          max_size=90, unique_by=str.casefold))
    words = st.sampled_from(WORDS)
    return [
        RelationRecord(n, RelationData(
            code=code, name=" ".join(draw(st.lists(words, min_size=1, max_size=3))),
            city=draw(words), email=draw(words) + code.lower()))
        for n, code in enumerate(codes, start=1)
    ]


@settings(FUZZ, max_examples=300)
@given(rows=administrations(), cap=st.integers(min_value=2, max_value=12))
def test_fuzz_the_walk_finds_every_relation(rows, cap):
    def search(keyword="", code=""):
        if code:
            return [r for r in rows if r.data.code.casefold() == code.casefold()]
        needle = keyword.casefold()
        return [r for r in rows if any(needle in value.casefold() for value in (
            r.data.code, r.data.name, r.data.city, r.data.email))][:cap]

    found, _calls = fetch_all_relations(search, cap=cap, max_calls=1_000_000)
    assert sorted(r.id for r in found) == [r.id for r in rows]
