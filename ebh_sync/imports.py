"""Import relations (debtors and creditors) and articles from e-Boekhouden.

Getting past the GetRelaties cap
--------------------------------
GetRelaties answers at most ``EBH_GETRELATIES_CAP`` rows per call (a client reports 100; the
manual is silent) and offers no paging: ``ID`` and ``Code`` match exactly, ``Trefwoord`` is a
case-insensitive substring search in code, name, city, contact, e-mail and BP. So
:func:`fetch_all_relations` walks keywords: the unfiltered call first; a keyword whose answer
is full (``len == cap``: maybe cut off) is refined by appending each character of an
alphabet (letters, digits, common punctuation, plus every character seen in a code so far).
Every relation has a code, and each prefix of that code is a keyword it matches, so some
prefix answers below the cap and holds it; when even the whole code is crowded out, the exact
``Code`` filter (upper and lower case) fetches it. Keywords stop at the code length (15).

Most full answers come from names, cities and e-mail addresses ("info@", "bakkerij"), not from
codes, so the walk skips what is proven: an answer below the cap holds every relation with
that keyword, so a longer keyword containing it can only answer relations already found; it
is neither called nor refined. The exact ``Code`` calls come last, once the codes found show
which characters codes are made of, and only for a full keyword made of those. What this
gives up: a code with a character outside the alphabet, or with one in no code found,
crowded out on every prefix (and, where the ``Code`` filter minds case, a mixed-case code
crowded out on every prefix). Real codes are letters, digits and punctuation in one style per
administration; ``tests/fuzz/test_fuzz_relation_walk.py`` checks the walk on such styles.
``python -m bench.imports`` prints the calls per administration size and code style.

The number of calls is bounded (``EBH_RELATION_IMPORT_MAX_CALLS``); past it the import fails
visibly rather than silently importing part. GetArtikelen has no documented cap: one call.

Matching and local edits
------------------------
A relation is matched to a local customer or supplier by its e-Boekhouden id (RelationLink),
then by its code, then by a KvK number or VAT id that exactly one unlinked party has. The
values imported last are kept on the link; per field, an e-Boekhouden change is applied only
when the local value is still the imported one (or empty). A field changed on both sides is a
:class:`~ebh_sync.models.RelationConflict` the user resolves. Articles follow the same rule,
matched by article code; a product changed on both sides keeps the local values (noted).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections import deque
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.identifiers import normalize_postcode, normalize_vat_id
from connections.crypto import CredentialDecryptError
from connections.models import Connection
from connections.services import (
    administration_key,
    connection_mark_action_needed,
    connection_session,
)
from ebh_sync.models import ArticleLink, ImportRun, RelationConflict, RelationLink
from eboekhouden.client import (
    Article,
    AuthenticationError,
    EbhError,
    RelationData,
    RelationRecord,
)
from invoicing import numbering
from invoicing.models import Customer, Product, Supplier
from invoicing.vat import sales_rate_for_ebh_code

logger = logging.getLogger(__name__)

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_./&+@"
CODE_MAX = 15
MAX_NOTES = 200
PARTY_FIELDS = ("name", "kind", "contact_person", "address", "postcode", "city", "country",
                "email", "phone", "kvk_number", "vat_id", "iban")
# A relation's Land is free text there: country names in Dutch and English, and the
# neighbours' own names, as django-countries knows them ...
COUNTRY_NAME_LANGUAGES = ("nl", "en", "de", "fr")
# ... and the everyday names that are no country's name in any of those languages.
COUNTRY_ALIASES = {"holland": "NL", "the netherlands": "NL", "engeland": "GB", "england": "GB",
                   "groot-brittannie": "GB", "great britain": "GB", "uk": "GB", "usa": "US",
                   "verenigde staten": "US", "united states": "US"}
SUPPLIER_CODE = re.compile(r"C\d+")


class ImportTooLarge(Exception):
    pass


# --- fetching --------------------------------------------------------------------------------


def fetch_all_relations(
    search: Callable[..., list[RelationRecord]], *, cap: int, max_calls: int,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[list[RelationRecord], int]:
    """Every relation, past the per-call cap (see the module docstring); and the calls made.
    ``on_progress(calls, found)`` is told every 25 calls."""
    found: dict[int, RelationRecord] = {}
    codes: set[str] = set()  # casefolded codes found so far
    code_chars: set[str] = set()
    complete: set[str] = set()  # keywords whose answer held every relation with them
    calls = 0
    queue, queued = deque([""]), {""}

    def call(**flt) -> list[RelationRecord]:
        nonlocal calls
        calls += 1
        if calls > max_calls:
            raise ImportTooLarge
        rows = search(**flt)
        for row in rows:
            found[row.id] = row
            codes.add(row.data.code.casefold())
            code_chars.update(row.data.code.casefold())
        if on_progress and calls % 25 == 0:
            on_progress(calls, len(found))
        return rows

    def known(keyword: str) -> bool:
        """True when a part of ``keyword`` had a complete answer: every relation with the
        keyword has that part too, so it is found already, and so is every longer keyword."""
        return any(keyword[start:end] in complete for start in range(len(keyword))
                   for end in range(start + 1, len(keyword) + 1))

    def extra_chars() -> set[str]:
        return code_chars - set(ALPHABET) - {" "}

    def refine(keyword: str) -> None:
        if len(keyword) >= CODE_MAX:
            return
        for char in ALPHABET + "".join(sorted(extra_chars())):
            child = keyword + char
            if child not in queued and not known(child):
                queued.add(child)
                queue.append(child)

    full: list[str] = []  # keywords whose answer was cut off
    tried: set[str] = set()
    refined_with: set[str] = set()  # the characters beyond ALPHABET every full one was refined with
    while queue:
        while queue:
            keyword = queue.popleft()
            if known(keyword):
                continue
            if len(call(keyword=keyword)) < cap:
                complete.add(keyword)  # not cut off: every relation with the keyword anywhere
                continue
            full.append(keyword)
            refine(keyword)
        # A whole code crowded out on every prefix: only the exact Code filter reaches it.
        # Asked last, when the codes found tell which characters codes are made of.
        for keyword in full:
            if (keyword and keyword not in tried and keyword not in codes
                    and set(keyword) <= code_chars and not known(keyword)):
                tried.add(keyword)
                for code in dict.fromkeys((keyword.upper(), keyword)):
                    call(code=code)
        if extra_chars() != refined_with:  # codes found since brought a character beyond it
            refined_with = extra_chars()
            for keyword in full:
                refine(keyword)
    return sorted(found.values(), key=lambda r: r.id), calls


# --- mapping ---------------------------------------------------------------------------------


def _fold(name: str) -> str:
    """"België", "belgie " and "BELGIË" alike: without accents, case and extra spaces."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


@functools.cache
def country_codes_by_name() -> dict[str, str]:
    names = {}
    for language in COUNTRY_NAME_LANGUAGES:
        with translation.override(language):
            names.update({_fold(str(name)): code for code, name in countries})
    return names | COUNTRY_ALIASES


def country_code(value: str) -> str:
    """The ISO code for a Land as e-Boekhouden holds it (a code or a name), or "" if unknown."""
    value = value.strip()
    code = countries.alpha2(value) if 2 <= len(value) <= 3 else ""
    return code or country_codes_by_name().get(_fold(value), "")


def _raw_party_values(data: RelationData) -> dict[str, str]:
    return {
        "name": data.name, "kind": "company" if data.business else "private",
        "contact_person": data.contact_person, "address": data.address,
        "postcode": data.postcode, "city": data.city, "country": country_code(data.country),
        "email": data.email, "phone": data.phone,
        "kvk_number": data.kvk_number.replace(" ", ""),
        "vat_id": data.vat_id.replace(" ", "").upper(),
        "iban": data.iban.replace(" ", "").upper(),
    }


def clean_values(model, raw: dict[str, object]) -> tuple[dict, list]:
    """The values that pass the model's field validation, and the names of those that do not
    (left out of the import: the local value stays)."""
    values, left_out = {}, []
    for name, value in raw.items():
        try:
            values[name] = model._meta.get_field(name).clean(value, None)
        except ValidationError:
            left_out.append(name)
    return values, left_out


def party_values(data: RelationData) -> tuple[dict, list[str]]:
    """The fields to import and the names of those left out. An unknown country is left out
    (a new relation gets the default) rather than guessed; the run's notes name it."""
    raw = _raw_party_values(data)
    country = raw.pop("country")
    values, left_out = clean_values(Customer, raw)
    if country:
        values["country"] = country
    elif data.country.strip():
        left_out.append("country")
    for name, normalize in (("postcode", normalize_postcode), ("vat_id", normalize_vat_id)):
        try:
            values[name] = normalize(values.get(name, ""), values.get("country", ""))
        except ValidationError:
            values.pop(name, None)
            left_out.append(name)
    return values, left_out


def product_values(article: Article) -> tuple[dict | None, str]:
    """Our product fields for an article, or None and why it cannot be imported."""
    if not article.description:
        return None, _("no description")
    rate = sales_rate_for_ebh_code(article.vat_code, article.vat_percentage)
    if rate is None:
        return None, _("unknown VAT code %(code)s") % {"code": article.vat_code or "-"}
    try:
        price = article.sales_price.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None, _("unreadable price")
    raw = {"description": article.description, "unit": article.unit, "unit_price": price,
           "vat_rate": rate, "ledger_account": article.contra_account}
    values, left_out = clean_values(Product, raw)
    if "description" in left_out or "unit_price" in left_out:
        return None, _("description or price does not fit")
    values["unit_price"] = str(values["unit_price"])
    return values, ""


def merge(local: dict, remote: dict, imported: dict) -> tuple[dict, dict]:
    """(updates to apply locally, conflicting e-Boekhouden values), per field: take a change
    of e-Boekhouden only where the local value is still the imported one or empty."""
    updates, conflicts = {}, {}
    for name, value in remote.items():
        mine = local.get(name)
        if mine == value or (name in imported and imported[name] == value):
            continue
        if name not in imported and value in ("", None):
            continue  # first match: an empty field there never empties one here
        if (name in imported and mine == imported[name]) or mine in ("", None):
            updates[name] = value
        else:
            conflicts[name] = value
    return updates, conflicts


def local_values(obj, names) -> dict:
    return {name: str(getattr(obj, name)) if name == "unit_price" else getattr(obj, name)
            for name in names}


# --- one run ---------------------------------------------------------------------------------


class Run:
    """The state of one import run while its rows are written."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.connection: Connection = run.connection
        self.organization = run.organization
        self.admin_key = administration_key(self.connection.administration_guid())

    def note(self, code: str, reason: str) -> None:
        if len(self.run.notes) < MAX_NOTES:
            self.run.notes.append(f"{code or '-'}: {reason}")

    def skip(self, code: str, reason: str) -> None:
        self.run.skipped += 1
        self.note(code, reason)

    def progress(self, force: bool = False) -> None:
        self.run.processed += 1
        if force or self.run.processed % 25 == 0:
            ImportRun.objects.filter(pk=self.run.pk).update(processed=self.run.processed)


class RelationImport(Run):
    def __init__(self, run: ImportRun) -> None:
        super().__init__(run)
        self.links = {
            link.relation_id: link for link in RelationLink.objects.filter(
                connection=self.connection, administration=self.admin_key)
        }
        self.parties = [*Customer.objects.for_organization(self.organization),
                        *Supplier.objects.for_organization(self.organization)]

    def linked_parties(self) -> set:
        linked_codes = {link.code for link in self.links.values()}
        return {(type(p), p.pk) for p in self.parties if p.code in linked_codes} | {
            (type(link.customer or link.supplier), link.customer_id or link.supplier_id)
            for link in self.links.values() if link.customer_id or link.supplier_id
        }

    def match(self, record: RelationRecord, values: dict):
        link = self.links.get(record.id) or next(
            (ln for ln in self.links.values() if ln.code == record.data.code), None)
        if link is not None and (link.customer or link.supplier):
            return link, link.customer or link.supplier
        by_code = [p for p in self.parties if p.code == record.data.code]
        if by_code:
            return link, by_code[0]
        linked = self.linked_parties()
        for name in ("kvk_number", "vat_id"):
            value = values.get(name)
            same = [p for p in self.parties
                    if value and getattr(p, name) == value and (type(p), p.pk) not in linked]
            if len(same) == 1:
                return link, same[0]
        return link, None

    def process(self, record: RelationRecord) -> None:
        data = record.data
        if not data.code or len(data.code) > CODE_MAX:
            return self.skip(data.code, _("the relation code is empty or longer than 15"))
        if not data.name:
            return self.skip(data.code, _("the relation has no name"))
        values, left_out = party_values(data)
        if "country" in left_out:
            self.note(data.code, _("the country “%(name)s” is not known: choose it here")
                      % {"name": data.country.strip()})
        if left_out:
            self.note(data.code, _("not imported: %(fields)s") % {"fields": ", ".join(left_out)})
        try:
            with transaction.atomic():
                self.apply(record, values)
        except ValidationError as exc:
            self.skip(data.code, "; ".join(exc.messages))

    def apply(self, record: RelationRecord, values: dict) -> None:
        link, party = self.match(record, values)
        if party is None:
            party = self.create(record.data.code, values)
            self.save_link(link, record, party, values)
            self.run.created += 1
            return
        if party.code != record.data.code:
            self.adopt_code(party, record.data.code)
        imported = link.imported_values if link and self.is_link_of(link, party) else {}
        updates, conflicts = merge(local_values(party, values), values, imported)
        if updates:
            for name, value in updates.items():
                setattr(party, name, value)
            party.full_clean()
            party.save()
        kept = {name: imported[name] for name in conflicts if name in imported}
        link = self.save_link(link, record, party, {**imported, **values, **kept},
                              drop=[name for name in conflicts if name not in imported])
        self.record_conflict(link, conflicts)
        if conflicts:
            self.run.conflicts += 1
        elif updates:
            self.run.updated += 1
        else:
            self.run.unchanged += 1

    @staticmethod
    def is_link_of(link: RelationLink, party) -> bool:
        if isinstance(party, Customer):
            return link.customer_id == party.pk
        return link.supplier_id == party.pk

    def create(self, code: str, values: dict):
        model = Supplier if SUPPLIER_CODE.fullmatch(code) else Customer
        party = model(organization=self.organization, code=code, **values)
        party.full_clean()
        party.save()
        self.reserve(party)
        self.parties.append(party)
        return party

    def reserve(self, party) -> None:
        series = "customer" if isinstance(party, Customer) else "supplier"
        numbering.reserve_relation_code(organization=self.organization, series=series,
                                        prefix=party.CODE_PREFIX, code=party.code)

    def adopt_code(self, party, code: str) -> None:
        """Matched by KvK or VAT id: book this party under e-Boekhouden's code from now on
        (its old code was never sent there), unless another local party holds that code."""
        if type(party).objects.for_organization(self.organization).filter(code=code).exists():
            return
        party.code = code
        party.save(update_fields=["code"])
        self.reserve(party)

    def save_link(self, link, record, party, imported: dict, drop=()) -> RelationLink:
        # A code belongs to one relation: a link that still holds it is stale.
        RelationLink.objects.filter(
            connection=self.connection, administration=self.admin_key, code=record.data.code
        ).exclude(pk=link.pk if link else None).delete()
        if link is None:
            link = RelationLink(organization=self.organization, connection=self.connection,
                                administration=self.admin_key)
        link.code, link.relation_id = record.data.code, record.id
        link.customer = party if isinstance(party, Customer) else None
        link.supplier = party if isinstance(party, Supplier) else None
        link.imported_values = {k: v for k, v in imported.items() if k not in drop}
        link.save()
        self.links[record.id] = link
        return link

    def record_conflict(self, link: RelationLink, conflicts: dict) -> None:
        open_conflicts = RelationConflict.objects.filter(link=link, resolved_at__isnull=True)
        if not conflicts:
            open_conflicts.delete()  # both sides agree again
            return
        updated = open_conflicts.update(remote_values=conflicts, run=self.run)
        if not updated:
            RelationConflict.objects.create(organization=self.organization, link=link,
                                            run=self.run, remote_values=conflicts)


class ArticleImport(Run):
    def __init__(self, run: ImportRun) -> None:
        super().__init__(run)
        self.links = {
            link.code: link for link in ArticleLink.objects.filter(
                connection=self.connection, administration=self.admin_key
            ).select_related("product")
        }

    def process(self, article: Article) -> None:
        if not article.code or len(article.code) > 20:
            return self.skip(article.code, _("the article code is empty or longer than 20"))
        values, reason = product_values(article)
        if values is None:
            return self.skip(article.code, reason)
        link = self.links.get(article.code)
        if link is None and not article.active:
            return self.skip(article.code, _("the article is not active"))
        with transaction.atomic():
            self.apply(article, link, values)

    def apply(self, article: Article, link: ArticleLink | None, values: dict) -> None:
        if link is None:
            product = Product(organization=self.organization, **values)
            product.full_clean()
            product.save()
            self.links[article.code] = ArticleLink.objects.create(
                organization=self.organization, connection=self.connection,
                administration=self.admin_key, code=article.code, article_id=article.id,
                product=product, imported_values=values)
            self.run.created += 1
            return
        product = link.product
        updates, conflicts = merge(local_values(product, values), values, link.imported_values)
        for name, value in updates.items():
            setattr(product, name, value)
        if updates:
            product.full_clean()
            product.save()
        if conflicts:
            self.note(article.code, _("changed here and in e-Boekhouden.nl: kept the values "
                                      "here (%(fields)s)") % {"fields": ", ".join(conflicts)})
        kept = {name: link.imported_values[name] for name in conflicts
                if name in link.imported_values}
        link.imported_values, link.article_id = {**values, **kept}, article.id
        link.save(update_fields=["imported_values", "article_id"])
        if updates:
            self.run.updated += 1
        else:
            self.run.unchanged += 1


# --- the task's entry point ------------------------------------------------------------------


def _claim(run_id: int) -> ImportRun | None:
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.QUEUED).update(
        state=ImportRun.State.RUNNING)
    if not claimed:
        return None
    return ImportRun.objects.select_related("connection", "organization").get(pk=run_id)


def _fetch(run: ImportRun) -> list:
    with connection_session(connection=run.connection) as (client, session):
        if run.kind == ImportRun.Kind.ARTICLES:
            run.calls = 1
            return client.get_artikelen(session)

        if run.connection.uses_rest:
            return _fetch_relation_list(run, client, session)

        def fetched(calls: int, found: int) -> None:  # the progress page shows the walk
            ImportRun.objects.filter(pk=run.pk).update(calls=calls, total=found)

        rows, run.calls = fetch_all_relations(
            lambda **flt: client.find_relaties(session, **flt),
            cap=settings.EBH_GETRELATIES_CAP, max_calls=settings.EBH_RELATION_IMPORT_MAX_CALLS,
            on_progress=fetched,
        )
        return rows


def _fetch_relation_list(run: ImportRun, client, session) -> list:
    """REST: the whole relation list once, in pages of up to 2,000 (no keyword walk)."""
    rows = client.find_relaties(session)
    page = client.config.page_size
    run.calls = max(1, -(-len(rows) // page))
    return rows


def _fail(run: ImportRun, message: str) -> None:
    run.state, run.error = ImportRun.State.FAILED, message[:500]


def run_import(run_id: int) -> ImportRun | None:
    """Fetch everything in one session, then write it row by row (each in its own
    transaction, so one bad row never undoes the others). None if the run was taken."""
    run = _claim(run_id)
    if run is None:
        return None
    try:
        rows = _fetch(run)
    except AuthenticationError as exc:
        connection_mark_action_needed(connection=run.connection, reason=f"{exc.code}")
        _fail(run, exc.user_message)
    except EbhError as exc:
        _fail(run, exc.user_message)
    except CredentialDecryptError:
        _fail(run, _("The stored credentials cannot be read. Connect again."))
    except ImportTooLarge:
        _fail(run, _("e-Boekhouden.nl holds too many relations to import in one go."))
    else:
        run.total = len(rows)
        ImportRun.objects.filter(pk=run.pk).update(total=run.total, calls=run.calls)
        worker = (ArticleImport if run.kind == ImportRun.Kind.ARTICLES else RelationImport)(run)
        for row in rows:
            worker.process(row)
            worker.progress()
        run.state = ImportRun.State.DONE
    run.finished_at = timezone.now()
    run.save()
    return run
