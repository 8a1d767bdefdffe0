"""Builders for recurring invoices, going through the real services."""

import datetime

from recurring import services
from recurring.models import Mode, RecurringTemplate
from tests.invoicing.factories import line, make_customer


def make_template(organization, customer=None, lines=None, **fields) -> RecurringTemplate:
    customer = customer or make_customer(organization)
    defaults = {"name": "Onderhoud", "frequency": "monthly",
                "start_date": datetime.date(2026, 1, 31), "payment_term_days": 14,
                "language": customer.language, "mode": Mode.REVIEW}
    template = RecurringTemplate(customer=customer, **{**defaults, **fields})
    return services.template_save(template=template, organization=organization,
                                  lines=lines or [line("Onderhoud {maand} {jaar}")])
