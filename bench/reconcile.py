"""How many GetMutaties calls the reconciliation report (Controle) needs per 1,000 booked
invoices.

    python -m bench.reconcile --invoices 1000 --json var/bench-reconcile.json

e-Boekhouden allows 5,000 GetMutaties calls a month per administration, answers at most 500
mutations per call and (integrators report) lets an invoice-number or date filter search only
the 500 newest. The report therefore reads the newest 500 once and then windows of 500
mutation numbers down to our lowest number of the period (see ``ebh_sync.reconcile``). This
bench books ``--invoices`` invoices into fresh accounts of a real ebh_sandbox process (over
HTTP, through our SOAP client), runs the report's reading and comparison on them and prints
per scenario:

- ``calls``: GetMutaties calls of the report, ``estimated``: what it announced before the
  start (from our own numbers only), and ``calls_per_1000``: per 1,000 invoices checked;
- ``matched``: rows found matched (must equal ``checked``: the reading is complete);
- ``naive_calls``: one look-up per invoice number, the obvious alternative (which, past the
  newest 500 mutations, finds nothing at all).

Scenarios: ``ours`` (only our bookings, the whole year checked), ``shared`` (someone else
books as many mutations, interleaved), ``first_month`` (January checked after the year).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reconcile", description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=1000, help="our booked invoices")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.invoices < 12:
        parser.error("book at least 12 invoices (one a month)")
    return args


def _mutation(invoice_number: str, relation: str, date: datetime.date, net: Decimal):
    from eboekhouden.client import MutationData, MutationLine

    vat = (net * Decimal("0.21")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return MutationData(
        kind="FactuurVerstuurd", date=date, account="1300", relation_code=relation,
        invoice_number=invoice_number, description=f"Factuur {invoice_number}",
        payment_term_days=14,
        lines=(MutationLine(net, vat, net + vat, "HOOG_VERK_21", Decimal("21"), "8000"),),
    )


def book(client, session, *, invoices: int, others_each: int) -> list:
    """Our invoices spread over the year (each followed by ``others_each`` bookings of
    someone else); returns what we would have recorded, as ebh_sync.reconcile.Expected."""
    from ebh_sync.reconcile import Expected
    from eboekhouden.client import RelationData

    for code in ("K0001", "ANDER"):
        client.add_relatie(session, RelationData(code=code, name=f"Relatie {code}"))
    ours = []
    for index in range(invoices):
        date = datetime.date(YEAR, 1 + index * 12 // invoices, 15)
        net = Decimal(100 + index % 50)
        number = f"{YEAR}-{index + 1:05d}"
        mutation_nr = client.add_mutatie(session, _mutation(number, "K0001", date, net))
        ours.append(Expected(job_id=index, kind="FactuurVerstuurd", invoice_number=number,
                             relation_code="K0001", date=date, total=net * Decimal("1.21"),
                             number=mutation_nr))
        for other in range(others_each):
            client.add_mutatie(session, _mutation(f"X{index}-{other}", "ANDER", date, net))
    return ours


def measure(sandbox, client, name: str, invoices: int, others_each: int, months: int) -> dict:
    from ebh_sync.reconcile import compare, estimate_calls, read_mutations
    from eboekhouden.client import Credentials

    account = sandbox.add_account(f"bench-reconcile-{name}-{os.getpid()}")
    credentials = Credentials(account["username"], account["security_code_1"],
                              account["security_code_2"])
    with client.session(credentials) as session:
        booked = book(client, session, invoices=invoices, others_each=others_each)
        checked = [e for e in booked if e.date.month <= months]
        lowest = min(e.number for e in checked)
        estimated = estimate_calls(lowest=lowest, highest=max(e.number for e in booked))

        def fetch(number_from: int, number_to: int):
            return client.get_mutaties(
                session, invoice_number="", date_from=datetime.date(1980, 1, 1),
                date_to=datetime.date(2049, 12, 31), number_from=number_from,
                number_to=number_to)

        scan = read_mutations(fetch, lowest=lowest, max_calls=10**6)
    rows = compare(checked, scan)
    return {
        "scenario": name, "booked": invoices, "others": invoices * others_each,
        "checked": len(checked), "calls": scan.calls, "estimated": estimated,
        "calls_per_1000": round(1000 * scan.calls / len(checked), 1),
        "matched": sum(row["outcome"] == "matched" for row in rows),
        "naive_calls": len(checked),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from connections.clients import ConfiguredSoapClient
    from ebh_sandbox.testing import SandboxProcess

    rows = []
    with SandboxProcess() as sandbox:
        client = ConfiguredSoapClient(wsdl_url=sandbox.wsdl_url, endpoint_url=sandbox.endpoint)
        for name, others_each, months in (("ours", 0, 12), ("shared", 1, 12),
                                          ("first_month", 0, 1)):
            row = measure(sandbox, client, name, args.invoices, others_each, months)
            rows.append(row)
            print(json.dumps(row), flush=True)
    complete = all(row["matched"] == row["checked"] for row in rows)
    summary = {"invoices": args.invoices, "complete": complete, "runs": rows}
    print(json.dumps({"invoices": args.invoices, "complete": complete}))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
