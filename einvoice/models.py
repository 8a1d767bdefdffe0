"""A supplier's e-invoice file between its upload and the registration of its purchase."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import OrganizationOwnedModel
from invoicing.models import PurchaseInvoice


class ReceivedEInvoice(OrganizationOwnedModel):
    """The uploaded file, kept (only once it was read as a sound UBL invoice for this
    organization) while the user checks the purchase invoice it proposes; registering copies
    it to the purchase as its attachment and links the purchase here."""

    file = models.FileField(_("file"), upload_to="einvoices/%Y/", editable=False)
    file_name = models.CharField(_("file name"), max_length=200, editable=False)
    file_type = models.CharField(max_length=40, editable=False)  # application/xml or /pdf
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+", editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    purchase = models.OneToOneField(
        PurchaseInvoice, verbose_name=_("purchase invoice"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="einvoice", editable=False,
    )

    class Meta:
        verbose_name = _("received e-invoice")
        verbose_name_plural = _("received e-invoices")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["organization", "purchase", "uploaded_at"])]

    def __str__(self) -> str:
        return self.file_name
