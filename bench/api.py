"""The public API under load: list 10,000 invoices page by page (queries per page must not
grow with the page or the data) and create 1,000 draft invoices through it, finalizing some.

    python -m bench.api --invoices 10000 --create 1000 --finalize 100 --json var/bench-api.json

Uses DATABASE_URL only to reach the server: the run creates, migrates and finally drops its
own database ``facturen_bench_api``. Requests go through rest_framework's APIClient with a real
bearer token (authentication, throttling in the configured cache, the request log: the whole
stack but the network). Timings are time.perf_counter per request."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench.database import bench_database, report

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/facturen")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# The benchmark measures the API, not its rate limit.
os.environ.setdefault("API_THROTTLE_RATE", "1000000/minute")

PAGE_SIZE = 100


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _client(org, user):
    from rest_framework.test import APIClient

    from api.services import token_create

    _token, plain = token_create(organization=org, user=user, name="Bench", scope="write")
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {plain}")


def list_all(client, count: int) -> dict:
    """Every page of the list; queries and milliseconds per page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url, queries, timings, seen = f"/api/v1/sales-invoices/?page_size={PAGE_SIZE}", [], [], 0
    while url:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        seen += len(body["results"])
        queries.append(len(captured))
        url = body["next"]
    assert seen == count, (seen, count)
    return {"pages": len(queries), "page_size": PAGE_SIZE, "invoices_listed": seen,
            "queries_per_page_min": min(queries), "queries_per_page_max": max(queries),
            "page_ms_p50": statistics.median(timings), "page_ms_p95": _percentile(timings, .95)}


def _body(customer_id: int) -> dict:
    return {"customer": customer_id, "issue_date": "2026-11-02", "payment_term_days": 14,
            "lines": [{"description": "Schilderwerk", "quantity": "8", "unit": "uur",
                       "unit_price": "52.50", "vat_rate": "21"},
                      {"description": "Verf", "quantity": "2", "unit_price": "89.95",
                       "vat_rate": "9"}]}


def create_many(client, customer_id: int, count: int, finalize: int) -> dict:
    created, timings = [], []
    started_all = time.perf_counter()
    for _ in range(count):
        started = time.perf_counter()
        response = client.post("/api/v1/sales-invoices/", _body(customer_id), format="json")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content[:300]
        created.append(response.json()["id"])
    total_s = time.perf_counter() - started_all
    finalize_ms, numbers = [], []
    for pk in created[:finalize]:
        started = time.perf_counter()
        response = client.post(f"/api/v1/sales-invoices/{pk}/finalize/", {}, format="json")
        finalize_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        numbers.append(response.json()["number"])
    assert len(set(numbers)) == len(numbers)
    return {"created": len(created), "create_total_s": total_s,
            "create_ms_p50": statistics.median(timings),
            "create_ms_p95": _percentile(timings, .95), "finalized": len(numbers),
            "finalize_ms_p50": statistics.median(finalize_ms) if finalize_ms else None,
            "finalized_numbers": [numbers[0], numbers[-1]] if numbers else []}


def measure(invoices: int, create: int, finalize: int) -> dict:
    from bench.invoices import _bulk_invoices, _organization

    user, org, customers = _organization("Bench API B.V.")
    started = time.perf_counter()
    _bulk_invoices(org, customers, invoices)
    figures = {"invoices": invoices, "build_s": time.perf_counter() - started}
    client = _client(org, user)
    client.get("/api/v1/sales-invoices/")  # warm: first request's imports and caches
    figures.update(list_all(client, invoices))
    figures.update(create_many(client, customers[0].pk, create, finalize))
    from api.models import ApiRequest
    figures["requests_logged_kept"] = ApiRequest.objects.filter(organization=org).count()
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--create", type=int, default=1_000)
    parser.add_argument("--finalize", type=int, default=100)
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    args = parser.parse_args(argv)
    with bench_database("facturen_bench_api"):
        figures = measure(args.invoices, args.create, args.finalize)
    report(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
