"""How many calls "Relaties ophalen" needs for 100, 1,000 and 5,000 relations, per transport.

    python -m bench.imports --transport soap --sizes 100,1000,5000 --json var/bench-imports.json
    python -m bench.imports --transport rest

Over SOAP, GetRelaties answers at most ``--cap`` relations per call (100, as e-Boekhouden
does) and has no paging, so the import walks keywords (see ``ebh_sync.imports``). Over REST
(an API token), GET /v1/relation pages through the whole list, 2,000 records a call. This
bench fills fresh accounts of a real ebh_sandbox process (over HTTP, through the product's
client of the chosen transport) with generated Dutch relations in three code styles, then
fetches them all as the import does and prints per administration:

- ``calls``: the calls of the fetch as the sandbox counted them (sessions not included), and
  ``calls_per_100`` relations;
- ``found``: relations returned (must equal ``relations``: the fetch is complete);
- ``walk_s``: wall time of the fetch on loopback, and ``at_150ms_s``, the same number of
  calls at 150 ms each (the order of e-Boekhouden's real answer time: the calls are
  sequential).

Code styles: ``numeric`` (10001, 10002 …, e-Boekhouden's own suggestion), ``prefixed``
(DEB00001 …) and ``name`` (VRIE01: four letters of the name and a counter)."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STYLES = ("numeric", "prefixed", "name")
# Opening and closing a session is no part of fetching (both transports count them by name).
SESSION_CALLS = frozenset({"OpenSession", "CloseSession", "POST /v1/session",
                           "DELETE /v1/session"})
TRADES = ["Bakkerij", "Schildersbedrijf", "Installatiebedrijf", "Kapsalon", "Hoveniersbedrijf",
          "Garage", "Loodgietersbedrijf", "Café", "Timmerbedrijf", "Adviesbureau", "Slagerij",
          "Fietsenmaker", "Dakdekkersbedrijf", "Tandartspraktijk", "Bouwbedrijf"]
SURNAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "van Leeuwen",
            "Brouwer", "de Wit", "Dijkstra", "Willems", "van der Meer", "Kok", "Verhoeven",
            "Koster", "Prins", "Huisman", "Postma", "Kuipers", "van den Berg", "Schouten"]
CITIES = ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg",
          "Almere", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Zwolle", "Leiden",
          "Amersfoort", "Maastricht", "Delft", "Alkmaar", "Deventer"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.imports", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000",
                        help="relations per administration, comma-separated")
    parser.add_argument("--styles", default=",".join(STYLES),
                        help=f"code styles, comma-separated: {', '.join(STYLES)}")
    parser.add_argument("--cap", type=int, default=100, help="GetRelaties rows per call")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--transport", default="soap", choices=["soap", "rest"],
                        help="the keyword walk over SOAP or the paged relation list over REST")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.styles = [style.strip() for style in args.styles.split(",") if style.strip()]
    if not args.sizes or min(args.sizes) < 1 or args.cap < 1:
        parser.error("sizes and cap must be positive")
    if unknown := set(args.styles) - set(STYLES):
        parser.error(f"unknown code style: {', '.join(sorted(unknown))}")
    return args


def relations(style: str, count: int, rng: random.Random) -> list[Any]:
    """``count`` generated relations with unique codes in ``style``."""
    from eboekhouden.client import RelationData

    made, per_stem = [], {}
    for index in range(count):
        surname = rng.choice(SURNAMES)
        if style == "numeric":
            code = str(10001 + index)
        elif style == "prefixed":
            code = f"DEB{index + 1:05d}"
        else:
            stem = "".join(c for c in surname.split()[-1].upper() if c.isalpha())[:4]
            per_stem[stem] = per_stem.get(stem, 0) + 1
            code = f"{stem}{per_stem[stem]:02d}"
        slug = surname.replace(" ", "").lower()
        made.append(RelationData(
            code=code, name=f"{rng.choice(TRADES)} {surname}",
            address=f"Dorpsstraat {rng.randint(1, 250)}",
            postcode=f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                     f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}",
            city=rng.choice(CITIES), country="NL", email=f"info@{slug}{index}.nl",
        ))
    return made


def credentials_for(account: dict, transport: str):
    """The account's API token (REST) or username and security codes (SOAP)."""
    from eboekhouden.client import ApiToken, Credentials

    if transport == "rest":
        return ApiToken(account["api_token"])
    return Credentials(account["username"], account["security_code_1"],
                       account["security_code_2"])


def fetch(client, session, transport: str, cap: int) -> list:
    """Every relation, as ``ebh_sync.imports`` fetches them for this transport."""
    from ebh_sync.imports import fetch_all_relations

    if transport == "rest":
        return client.find_relaties(session)
    found, _calls = fetch_all_relations(
        lambda **flt: client.find_relaties(session, **flt), cap=cap, max_calls=10**6)
    return found


def data_calls(sandbox, guid: str) -> int:
    """Calls the sandbox counted for this administration, sessions left out."""
    stats = sandbox.stats()["administrations"].get(guid, {}).get("operations", {})
    return sum(n for name, n in stats.items() if name not in SESSION_CALLS)


def measure(sandbox, client, args: argparse.Namespace, style: str, count: int,
            rng: random.Random) -> dict:
    account = sandbox.add_account(f"bench-{style}-{count}-{rng.randrange(10**9)}")
    guid = account["administrations"][0]
    with client.session(credentials_for(account, args.transport)) as session:
        for relation in relations(style, count, rng):
            client.add_relatie(session, relation)
        before = data_calls(sandbox, guid)
        started = time.perf_counter()
        found = fetch(client, session, args.transport, args.cap)
        walk_s = time.perf_counter() - started
    calls = data_calls(sandbox, guid) - before
    return {
        "transport": args.transport, "style": style, "relations": count,
        "found": len({r.id for r in found}),
        "calls": calls, "calls_per_100": round(100 * calls / count, 1),
        "walk_s": round(walk_s, 2), "at_150ms_s": round(calls * 0.15, 1),
    }


def make_client(sandbox, transport: str):
    from connections.clients import ConfiguredRestClient, ConfiguredSoapClient

    if transport == "rest":
        return ConfiguredRestClient(base_url=sandbox.rest_url)
    return ConfiguredSoapClient(wsdl_url=sandbox.wsdl_url, endpoint_url=sandbox.endpoint)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from ebh_sandbox.testing import SandboxProcess

    rng = random.Random(args.seed)
    rows = []
    with SandboxProcess() as sandbox:
        sandbox.set_settings(getrelaties_row_cap=args.cap)
        client = make_client(sandbox, args.transport)
        for size in args.sizes:
            for style in args.styles:
                row = measure(sandbox, client, args, style, size, rng)
                rows.append(row)
                print(json.dumps(row), flush=True)
    complete = all(row["found"] == row["relations"] for row in rows)
    summary = {"transport": args.transport, "cap": args.cap, "complete": complete, "runs": rows}
    print(json.dumps({"transport": args.transport, "cap": args.cap, "complete": complete}))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
