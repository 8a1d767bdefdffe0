from celery import shared_task

from recurring import services


@shared_task
def generate_due_invoices_task() -> int:
    """Beat, hourly: every due period of every active template, once (see services)."""
    return services.generate_due()


@shared_task
def generate_template_task(template_id: int) -> int:
    return services.generate_for_template(template_id=template_id)
