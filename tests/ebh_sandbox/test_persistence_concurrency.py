"""State survives restarts and hard kills; concurrent clients lose and duplicate nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import zeep

from ebh_sandbox.testing import BINDING, SandboxProcess
from tests.ebh_sandbox.builders import WIDE, Api, error_code, invoice, mutation, relation


@pytest.mark.slow
def test_everything_survives_a_restart(sandbox: SandboxProcess, api: Api) -> None:
    api.add_relation("K001")
    api.book(Factuurnummer="F1")
    api.ok("AddFactuur", oFact=invoice())
    sandbox.restart()
    assert [r["code"] for r in sandbox.relations(api.guid)] == ["K001"]
    assert api.book(Factuurnummer="F2") == 2  # numbering continues
    assert error_code(api("AddMutatie", oMut=mutation(Factuurnummer="F1"))) == "CMUT019"
    assert api.ok("AddFactuur", oFact=invoice()).Factuurnummer == "F00002"
    assert api.ok("GetFacturen", cFilter=WIDE).Facturen.cFactuurList[0].Factuurnummer \
        == "F00001"


@pytest.mark.slow
def test_committed_bookings_survive_a_hard_kill(sandbox: SandboxProcess, api: Api) -> None:
    api.add_relation("K001")
    for number in range(1, 6):
        api.book(Factuurnummer=f"K{number}")
    sandbox.kill()
    sandbox.start()
    assert sandbox.bookings_per_invoice(api.guid) == {f"K{n}": 1 for n in range(1, 6)}


def run_parallel(workers: int, job: Callable[[int], Any]) -> list[Any]:
    """Start ``workers`` jobs at the same moment and collect their results."""
    barrier = threading.Barrier(workers)

    def start(index: int) -> Any:
        barrier.wait()
        return job(index)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(start, range(workers)))


def own_session(sb: SandboxProcess, account: dict[str, Any]) -> Api:
    """Each worker gets its own zeep client (and HTTP session), like separate processes."""
    client = zeep.Client(sb.wsdl_url)
    return Api(client.create_service(BINDING, sb.endpoint), account)


@pytest.mark.slow
def test_eight_clients_booking_distinct_invoices(sb: SandboxProcess, account: dict) -> None:
    sessions = [own_session(sb, account) for _ in range(8)]
    sessions[0].add_relation("K001")
    per_client = 25

    def book_all(index: int) -> list[int]:
        api = sessions[index]
        return [api.book(Factuurnummer=f"C{index}-{n}") for n in range(per_client)]

    numbers = [nr for batch in run_parallel(8, book_all) for nr in batch]
    assert sorted(numbers) == list(range(1, 8 * per_client + 1))  # none lost, none twice
    counts = sb.bookings_per_invoice(account["security_code_2"])
    assert len(counts) == 8 * per_client and set(counts.values()) == {1}
    api = sessions[0]
    listed = api.ok("GetMutaties", cFilter={"MutatieNr": 0, **WIDE}).Mutaties.cMutatieList
    assert len(listed) == 8 * per_client


def test_concurrent_duplicates_book_once(sb: SandboxProcess, account: dict) -> None:
    sessions = [own_session(sb, account) for _ in range(8)]
    sessions[0].add_relation("K001")

    def same_invoice(index: int) -> str | None:
        return error_code(sessions[index]("AddMutatie", oMut=mutation(Factuurnummer="SAME")))

    def same_relation(index: int) -> str | None:
        return error_code(sessions[index]("AddRelatie", oRel=relation("K-SAME")))

    for job, duplicate_code in ((same_invoice, "CMUT019"), (same_relation, "CREL001")):
        codes = run_parallel(8, job)
        assert codes.count(None) == 1
        assert codes.count(duplicate_code) == 7
    assert sb.bookings_per_invoice(account["security_code_2"]) == {"SAME": 1}


def test_calls_are_served_in_parallel(sb: SandboxProcess, account: dict) -> None:
    sessions = [own_session(sb, account) for _ in range(8)]
    sb.set_faults(latency_ms=1000)
    results = run_parallel(8, lambda i: sessions[i]("GetKostenplaatsen", cFilter={}))
    assert all(error_code(r) is None for r in results)
    assert sb.stats()["peak_in_flight"] > 1  # a serial server never holds two calls at once
