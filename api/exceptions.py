"""Refusals of the services answer 400 with their (translated) messages, like the web UI
shows them; everything else is DRF's own handling."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.views import exception_handler

from api.validation import refused
from invoicing.services import InvoicingError
from workorders.models import WorkOrderError


def handle(exc, context):
    if isinstance(exc, InvoicingError | WorkOrderError | DjangoValidationError):
        exc = refused(exc)
    return exception_handler(exc, context)
