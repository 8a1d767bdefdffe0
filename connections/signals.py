"""Signals the sync (ebh_sync) listens to; connections never imports ebh_sync.

Both are sent inside the database transaction of the change, with ``connection`` as the only
argument, so a receiver's own writes commit or roll back together with it (publish Celery
tasks from a receiver with ``delay_on_commit``).
"""

from django.dispatch import Signal

# The connection can sync (again): security code 1 was verified and stored (after "Actie
# nodig", or a proactive change), or the administration and ledger accounts were saved.
# Resume the paused syncs of this connection (idempotent: it may be sent when none are).
credentials_restored = Signal()

# The connection was ended and its credentials deleted: stop its pending syncs (they stay
# visible as not booked).
disconnected = Signal()

# The administration and ledger accounts were saved and the connection can sync: the sync
# imports the relations and articles of that administration (on connect).
configured = Signal()
