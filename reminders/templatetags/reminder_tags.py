"""``{% invoice_reminders invoice %}``: the reminder card of an invoice page (what was sent,
what comes next, send by hand, pause, dispute notes) without invoicing importing this app."""

from django import template

from reminders import selectors, services
from reminders.forms import DisputeForm

register = template.Library()


def _own(context, invoice) -> bool:
    organization = getattr(context.get("request"), "organization", None)
    return (getattr(invoice, "pk", None) is not None and organization is not None
            and invoice.organization_id == organization.pk)


@register.inclusion_tag("reminders/_invoice_block.html", takes_context=True)
def invoice_reminders(context, invoice) -> dict:
    if not _own(context, invoice) or invoice.is_draft or invoice.is_credit_note:
        return {"block": None}
    schedule = services.schedule_get(organization=invoice.organization)
    block = selectors.invoice_block(invoice, services.steps_of(schedule), schedule.active)
    return {"block": block, "invoice": invoice, "dispute_form": DisputeForm(),
            "remindable": not selectors.invoice_reason(invoice)}
