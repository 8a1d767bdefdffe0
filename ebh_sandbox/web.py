"""The read-only web view, after e-Boekhouden's "Boekhouden > Overzichten > Mutaties".

Per administration: mutations with their lines, relations, invoices and the call log. The
"Via" column says which transport made a booking or invoice (SOAP or REST); REST calls appear
in the call log under their route (``POST /v1/mutation``). Plain
HTML with inline CSS, every value escaped, nothing loaded from elsewhere. Security codes and
administration GUIDs (which are security code 2) are never shown; pages use internal ids.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any
from urllib.parse import parse_qs

from . import readouts
from .schema import OPERATIONS
from .sessions import consume_autologin_token
from .store import Store

StartResponse = Callable[..., Any]
REFRESH_SECONDS = 5
CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
header{background:#0b5394;color:#fff;padding:10px 20px}header a{color:#fff}
main{padding:16px 20px}h2{margin:24px 0 8px;font-size:17px}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:8px}
th,td{border:1px solid #d5dbe1;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#e8edf2}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.lines{margin:4px 0 0;font-size:12px}.err{color:#b00020;font-weight:600}
.muted{color:#6b7785}nav a{margin-right:14px}
"""
HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]


def handle(store: Store, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    path = environ.get("PATH_INFO") or "/"
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return _page(start_response, "405 Method Not Allowed", "Niet toegestaan",
                     "<p>Deze weergave is alleen-lezen.</p>")
    if path == "/":
        return _page(start_response, "200 OK", "Administraties", _index(store), refresh=True)
    match = re.fullmatch(r"/administratie/(\d+)", path)
    if match:
        return _administration(store, int(match[1]), start_response)
    if path.lower() == "/bh/inloggen.asp":
        return _auto_login(store, environ, start_response)
    return _page(start_response, "404 Not Found", "Niet gevonden",
                 "<p>Deze pagina bestaat niet.</p>")


def _page(start_response: StartResponse, status: str, title: str, content: str,
          *, refresh: bool = False, headers: Sequence[tuple[str, str]] = ()) -> list[bytes]:
    meta = f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">' if refresh else ""
    html = (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8">{meta}'
        f"<title>{escape(title)} - e-Boekhouden sandbox</title><style>{CSS}</style></head>"
        f'<body><header><a href="/">e-Boekhouden sandbox</a> &middot; {escape(title)}</header>'
        f"<main>{content}</main></body></html>"
    )
    body = html.encode()
    start_response(status, [("Content-Type", "text/html; charset=utf-8"),
                            ("Content-Length", str(len(body))), *HEADERS, *headers])
    return [body]


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """``rows`` hold ready HTML (callers escape with :func:`_cell`)."""
    head = "".join(f"<th>{escape(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    if not body:
        body = f'<tr><td colspan="{len(columns)}" class="muted">Geen gegevens</td></tr>'
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(value: Any, css: str = "") -> str:
    text = "" if value is None else str(value)
    return f'<td class="{css}">{escape(text)}</td>' if css else f"<td>{escape(text)}</td>"


def _index(store: Store) -> str:
    rows = [
        (f'<td><a href="/administratie/{admin["id"]}">{escape(admin["bedrijf"])}</a></td>',
         _cell(admin["plaats"]), _cell(admin["username"]), _cell(admin["mutations"], "num"),
         _cell(admin["relations"], "num"))
        for admin in readouts.administrations(store)
    ]
    table = _table(("Administratie", "Plaats", "Gebruiker", "Mutaties", "Relaties"), rows)
    calls = _calls_table(readouts.calls(store, None, limit=50))
    return (f"<h2>Administraties</h2>{table}"
            f"<h2>Aanroepen zonder administratie</h2>{calls}")


def _administration(store: Store, admin_id: int, start_response: StartResponse) -> list[bytes]:
    admin = readouts.administration(store, admin_id)
    if admin is None:
        return _page(start_response, "404 Not Found", "Niet gevonden",
                     "<p>Deze administratie bestaat niet.</p>")
    content = (
        f'<p class="muted">{escape(admin["username"])} &middot; {escape(admin["plaats"])} '
        f'&middot; boekjaar vanaf {escape(admin["start_boekjaar"])}</p>'
        '<nav><a href="#mutaties">Mutaties</a><a href="#relaties">Relaties</a>'
        '<a href="#facturen">Facturen</a><a href="#aanroepen">Aanroepen</a></nav>'
        f'<h2 id="mutaties">Mutaties</h2>{_mutations_table(store, admin_id)}'
        f'<h2 id="relaties">Relaties</h2>{_relations_table(store, admin_id)}'
        f'<h2 id="facturen">Facturen</h2>{_invoices_table(store, admin_id)}'
        f'<h2 id="aanroepen">Aanroepen</h2>{_calls_table(readouts.calls(store, admin_id))}'
    )
    return _page(start_response, "200 OK", admin["bedrijf"], content, refresh=True)


def _mutations_table(store: Store, admin_id: int) -> str:
    rows = []
    for mut in reversed(readouts.mutations(store, admin_id, limit=200)):
        lines = _table(
            ("Excl.", "BTW", "Incl.", "BTW-code", "%", "Tegenrekening", "Kostenplaats"),
            [(_cell(line["excl"], "num"), _cell(line["btw"], "num"), _cell(line["incl"], "num"),
              _cell(line["btw_code"]), _cell(line["btw_pct"], "num"),
              _cell(line["tegenrekening"]), _cell(line["kostenplaats_id"] or ""))
             for line in mut["lines"]],
            "lines",
        )
        rows.append((
            _cell(mut["nr"], "num"), _cell(mut["datum"]), _cell(mut["soort"]),
            _cell(mut["rekening"]), _cell(mut["relatie_code"]), _cell(mut["factuurnummer"]),
            f"<td>{escape(mut['omschrijving'] or '')}{lines}</td>", _cell(mut["totaal"], "num"),
            _cell(mut["transport"]),
        ))
    return _table(("Nr", "Datum", "Soort", "Rekening", "Relatie", "Factuur", "Omschrijving",
                   "Totaal", "Via"), rows)


def _relations_table(store: Store, admin_id: int) -> str:
    rows = [
        (_cell(rel["id"], "num"), _cell(rel["code"]), _cell(rel.get("Bedrijf")),
         _cell(rel.get("BP")), _cell(rel.get("Plaats")), _cell(rel.get("Email")),
         _cell(rel["add_datum"]))
        for rel in readouts.relations(store, admin_id)
    ]
    return _table(("ID", "Code", "Bedrijf", "B/P", "Plaats", "E-mail", "Toegevoegd"), rows)


def _invoices_table(store: Store, admin_id: int) -> str:
    rows = [
        (f'<td id="factuur-{escape(inv["factuurnummer"])}">{escape(inv["factuurnummer"])}</td>',
         _cell(inv["datum"]), _cell(inv["relatiecode"]), _cell(inv["sjabloon"]),
         _cell(inv["totaal_excl"], "num"), _cell(inv["totaal_btw"], "num"),
         _cell(inv["totaal_incl"], "num"), _cell(inv["mutatie_nr"] or "niet geboekt"),
         _cell(inv["transport"]))
        for inv in reversed(readouts.invoices(store, admin_id))
    ]
    return _table(("Factuur", "Datum", "Relatie", "Sjabloon", "Excl.", "BTW", "Incl.",
                   "Mutatie", "Via"), rows)


def _calls_table(calls: list[dict[str, Any]]) -> str:
    rows = []
    for call in calls:
        when = dt.datetime.fromtimestamp(call["ts"]).strftime("%Y-%m-%d %H:%M:%S")
        code = call["error_code"] or ""
        rows.append((_cell(when), _cell(call["operation"]), _cell(code, "err" if code else ""),
                     _cell(call["fault"] or ""), _cell(f"{call['duration_ms']:.1f}", "num")))
    return _table(("Tijd", "Operatie", "Foutcode", "Fout ingespoten", "ms"), rows)


def _auto_login(store: Store, environ: dict[str, Any], start_response: StartResponse) -> list:
    query = parse_qs(environ.get("QUERY_STRING") or "")
    token, guid = (query.get("t") or [""])[0], (query.get("g") or [""])[0]
    with store.transaction() as conn:
        admin_id = consume_autologin_token(conn, token, guid)
    if admin_id is None:
        return _page(start_response, "403 Forbidden", "Inloggen mislukt",
                     "<p>Deze inloglink is ongeldig of al gebruikt.</p>")
    return _page(start_response, "302 Found", "Doorsturen",
                 f'<p><a href="/administratie/{admin_id}">Verder</a></p>',
                 headers=[("Location", f"/administratie/{admin_id}")])


def service_page(environ: dict[str, Any], start_response: StartResponse, base: str) -> list:
    """What GET /soap.asmx shows: the operations and the WSDL link, as ASMX's help page."""
    items = "".join(f"<li>{escape(op.name)}</li>" for op in OPERATIONS)
    content = (f'<p>Service description: <a href="/soap.asmx?wsdl">{escape(base)}'
               f"/soap.asmx?wsdl</a></p><ul>{items}</ul>")
    return _page(start_response, "200 OK", "soapApp", content)
