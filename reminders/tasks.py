from celery import shared_task

from reminders.services import send_due_reminders


@shared_task
def send_due_reminders_task() -> int:
    """Daily (beat): queue every reminder that is due."""
    return send_due_reminders()
