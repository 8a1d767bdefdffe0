"""The upload of a supplier's e-invoice, and the purchase form it fills in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicing.forms import PurchaseForm, SupplierForm


class EInvoiceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Supplier's e-invoice"),
        help_text=_("The UBL file (XML), or a PDF with the UBL file embedded; at most 10 MB."),
    )


class EInvoicePurchaseForm(PurchaseForm):
    """The purchase form, prefilled from the e-invoice: its file is the attachment already,
    and instead of choosing a supplier the user may confirm the proposed new one."""

    create_supplier = forms.BooleanField(label=_("Create the new supplier below"),
                                         required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["attachment"]
        self.fields["supplier"].required = False

    def header_fields(self):
        return [field for field in super().header_fields() if field.name != "create_supplier"]

    def clean(self):
        cleaned = super().clean()
        chosen, create = cleaned.get("supplier"), cleaned.get("create_supplier")
        if "supplier" not in self.errors and bool(chosen) == bool(create):
            self.add_error("supplier", _(
                "Choose one of your suppliers, or confirm the new supplier below, not both."
            ) if create else _("Choose a supplier, or confirm the new supplier."))
        return cleaned

    def creates_supplier(self) -> bool:
        return bool(self.is_bound and self.cleaned_data.get("create_supplier"))


class NewSupplierForm(SupplierForm):
    """The seller as read from the e-invoice, for the user to check before it is created."""

    class Meta(SupplierForm.Meta):
        fields = ["name", "address", "postcode", "city", "country", "email", "phone",
                  "kvk_number", "vat_id", "iban"]
