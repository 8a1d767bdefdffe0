"""Demo recurring invoice for `make run`: a monthly maintenance contract whose invoice of this
month waits for review as a draft. Safe to run again (does nothing the second time)."""

from decimal import Decimal

from django.utils import timezone

from invoicing.models import Customer
from invoicing.services import LineData
from recurring import services
from recurring.models import Mode, RecurringTemplate
from recurring.periods import Frequency

NAME = "Onderhoudscontract"


def load(organization) -> str:
    if RecurringTemplate.objects.for_organization(organization).filter(name=NAME).exists():
        return "already there"
    customer = (Customer.objects.for_organization(organization).filter(archived=False)
                .order_by("pk").first())
    if customer is None:
        return ""
    template = RecurringTemplate(
        name=NAME, customer=customer, frequency=Frequency.MONTHLY,
        start_date=timezone.localdate().replace(day=1), payment_term_days=14,
        language=customer.language, mode=Mode.REVIEW, note="Onderhoud {maand} {jaar}",
    )
    lines = [LineData(description="Onderhoud website {maand} {jaar}", quantity=Decimal(1),
                      unit_price=Decimal("95.00"), vat_rate="21", unit="maand")]
    template = services.template_save(template=template, organization=organization, lines=lines)
    made = services.generate_for_template(template_id=template.pk)
    return f"1 monthly recurring invoice, {made} draft waiting for review"
