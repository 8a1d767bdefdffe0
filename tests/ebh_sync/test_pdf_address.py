"""The PDF address e-Boekhouden reports for an invoice becomes a link on our pages: only an
http(s) address is kept, so an odd answer can never run script in the user's browser."""

import pytest

from eboekhouden.soap import _web_address


@pytest.mark.parametrize("url, kept", [
    ("https://secure.e-boekhouden.nl/bh/factuur.pdf?id=1", True),
    ("http://127.0.0.1:8765/_pdf/F0001", True),
    ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("", False),
])
def test_only_web_addresses_are_kept(url, kept):
    assert _web_address(url) == (url if kept else "")
