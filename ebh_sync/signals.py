"""Events of the sync other apps may hang work on (webhooks). Sent inside the transaction
that records the job's new state, so a receiver's rows commit or roll back with it."""

from django.dispatch import Signal

# A booking (or a work order's invoice) is in e-Boekhouden: booked by us, found there after an
# ambiguous failure, or marked as booked by the user (argument: job).
booking_booked = Signal()

# A booking failed for good (refused, or retries used up), waits for a person's decision, or
# was paused because e-Boekhouden refused the credentials (argument: job).
booking_failed = Signal()
