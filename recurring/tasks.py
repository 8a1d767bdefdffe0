from celery import shared_task

from recurring import services


@shared_task
def generate_due_invoices_task() -> int:
    """Beat, hourly: every due period of every active template, once. It takes no ids: it
    reads the due template ids itself, in batches, and locks one template at a time (see
    services), so two runs at once or a run after downtime never invoice a period twice."""
    return services.generate_due()
