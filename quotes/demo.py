"""Demo quotes for `make run`: a draft, one sent with a live link (printed), one accepted by
the customer. Safe to run again (does nothing the second time)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from invoicing.models import Customer
from invoicing.services import LineData
from quotes import services
from quotes.links import public_url, quote_new_link
from quotes.models import Quote


def _line(description, quantity, price, rate="21", unit="") -> LineData:
    return LineData(description=description, quantity=Decimal(quantity),
                    unit_price=Decimal(price), vat_rate=rate, unit=unit)


def _draft(organization, customer, lines, days_ago) -> Quote:
    issued = timezone.localdate() - datetime.timedelta(days=days_ago)
    quote = Quote(customer=customer, language=customer.language, issue_date=issued,
                  valid_until=issued + datetime.timedelta(days=30))
    return services.quote_save_draft(quote=quote, organization=organization, lines=lines)


def load(organization) -> str:
    customers = list(Customer.objects.for_organization(organization).order_by("id")[:4])
    if len(customers) < 4 or Quote.objects.for_organization(organization).exists():
        return "already there" if customers else ""
    bakery, _builder, german, private = customers
    with transaction.atomic():
        _draft(organization, private, [_line("Schilderwerk hal en trap", "10", "52.50",
                                             unit="uur")], 0)
        accepted = services.quote_finalize(quote=_draft(organization, bakery, [
            _line("Schilderwerk gevel achterzijde", "16", "52.50", unit="uur"),
            _line("Steigerhuur per week", "1", "245.00")], 12))
        services.quote_respond(quote=accepted, accept=True, name="Els de Vries",
                               remark="Graag na de zomervakantie.")
        sent = services.quote_finalize(quote=_draft(organization, german, [
            _line("Spray booth installation", "1", "3400", "icp_services")], 3))
        token = quote_new_link(quote=sent)
    return f"3 quotes; the sent one's link: {public_url(token)}"
