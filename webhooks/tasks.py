"""Celery tasks of the webhooks. They take ids; the secret is decrypted inside the task and
never travels through the broker."""

from celery import shared_task

from webhooks import engine
from webhooks.models import Delivery


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_task(self, delivery_id: int) -> str:
    delivery = engine.deliver(delivery_id)
    if delivery is None:
        return "not due"
    if delivery.state == Delivery.State.PENDING and not self.request.is_eager:
        # Come back at the stored next attempt; if this message is lost, the sweeper sends.
        deliver_task.apply_async((delivery_id,), eta=delivery.next_attempt_at)
    return delivery.state


@shared_task(ignore_result=True)
def sweep_deliveries_task() -> int:
    """Beat: requeue deliveries of dead workers, publish those whose task was lost, and
    forget old finished ones."""
    engine.recover_orphans()
    ids = engine.overdue_ids()
    for delivery_id in ids:
        deliver_task.delay(delivery_id)
    engine.prune()
    return len(ids)
