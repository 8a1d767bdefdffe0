"""What the API shows (read serializers) and what it takes (input serializers: types and the
schema only; the web UI's forms validate, the services act).

Amounts are strings with two decimals, unit prices and quantities with their stored places,
dates ISO 8601."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import LANGUAGE_CHOICES
from api.validation import choice
from ebh_sync.models import SyncJob
from invoicing.models import (
    Customer,
    PartyKind,
    Product,
    PurchaseInvoice,
    SalesInvoice,
    Supplier,
)
from invoicing.vat import PurchaseVatRate, VatRate
from quotes.models import Quote
from workorders.models import LineKind, WorkOrder


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


def number(places: int, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=places, **kwargs)


def amount_input(**kwargs) -> serializers.DecimalField:
    """A number as a JSON string ("1234.56") or number; the form checks its size and places."""
    return serializers.DecimalField(max_digits=None, decimal_places=None,
                                    coerce_to_string=True, **kwargs)


# --------------------------------------------------------------------------- booking


class BookingSerializer(serializers.ModelSerializer):
    """The document's booking in e-Boekhouden.nl (null: no connection when it was made)."""

    class Meta:
        model = SyncJob
        fields = ["state", "mutation_number", "last_error_code", "last_error", "attempts",
                  "next_attempt_at", "booked_at", "updated_at"]
        read_only_fields = fields


def booking_of(document) -> dict | None:
    try:
        job = document.sync_job
    except SyncJob.DoesNotExist:
        return None
    return BookingSerializer(job).data


# --------------------------------------------------------------------------- parties


PARTY_FIELDS = ["id", "code", "kind", "name", "contact_person", "address", "postcode", "city",
                "country", "email", "phone", "kvk_number", "vat_id", "iban",
                "payment_term_days", "archived", "created_at"]


class CountryField(serializers.CharField):
    def to_representation(self, value) -> str:
        return getattr(value, "code", value) or ""


class CustomerSerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Customer
        fields = [*PARTY_FIELDS, "language", "reverse_charge", "send_reminders"]
        read_only_fields = fields


class SupplierSerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Supplier
        fields = PARTY_FIELDS
        read_only_fields = fields


class PartyInput(serializers.Serializer):
    kind = choice(PartyKind.choices, required=False)
    name = serializers.CharField(allow_blank=True)
    contact_person = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False, allow_blank=True,
                                    help_text="ISO 3166 code, e.g. NL")
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    kvk_number = serializers.CharField(required=False, allow_blank=True)
    vat_id = serializers.CharField(required=False, allow_blank=True)
    iban = serializers.CharField(required=False, allow_blank=True)
    payment_term_days = serializers.IntegerField(required=False)


class CustomerInput(PartyInput):
    language = choice(LANGUAGE_CHOICES, required=False)
    reverse_charge = serializers.BooleanField(required=False)
    send_reminders = serializers.BooleanField(required=False)


class SupplierInput(PartyInput):
    pass


class ArchiveInput(serializers.Serializer):
    archived = serializers.BooleanField(default=True)


# --------------------------------------------------------------------------- products


class ProductSerializer(serializers.ModelSerializer):
    unit_price = number(4, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "description", "unit", "unit_price", "vat_rate", "ledger_account",
                  "archived"]
        read_only_fields = fields


class ProductInput(serializers.Serializer):
    description = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(required=False, allow_blank=True)
    unit_price = amount_input()
    vat_rate = choice(VatRate.choices)
    ledger_account = serializers.CharField(required=False, allow_blank=True)


# --------------------------------------------------------------------------- sales invoices


class InvoiceLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True)
    quantity = number(3, read_only=True)
    unit = serializers.CharField(read_only=True)
    unit_price = number(4, read_only=True)
    discount_percent = number(2, read_only=True)
    vat_rate = serializers.CharField(read_only=True)
    net_amount = money()
    vat_amount = money()
    gross_amount = money()


class VatTotalSerializer(serializers.Serializer):
    vat_rate = serializers.CharField(read_only=True)
    percentage = number(2, read_only=True)
    net_amount = money()
    vat_amount = money()
    gross_amount = money()


class SalesInvoiceSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    exchange_rate = number(6, read_only=True)
    net_total = money()
    vat_total = money()
    gross_total = money()
    net_total_eur = money()
    vat_total_eur = money()
    gross_total_eur = money()
    amount_paid = money()
    amount_credited = money()
    amount_open = money()
    booking = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = SalesInvoice
        fields = ["id", "kind", "status", "number", "customer", "customer_name",
                  "credited_invoice", "issue_date", "delivery_date", "payment_term_days",
                  "due_date", "language", "currency", "exchange_rate", "reference", "note",
                  "payment_reference", "net_total", "vat_total", "gross_total", "net_total_eur",
                  "vat_total_eur", "gross_total_eur", "amount_paid", "amount_credited",
                  "amount_open", "finalized_at", "created_at", "booking", "pdf_url"]
        read_only_fields = fields

    @extend_schema_field(BookingSerializer(allow_null=True))
    def get_booking(self, invoice) -> dict | None:
        return booking_of(invoice)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf_url(self, invoice) -> str | None:
        if not invoice.pdf:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:salesinvoice-pdf", args=[invoice.pk]))


class SalesInvoiceDetailSerializer(SalesInvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    vat_totals = VatTotalSerializer(many=True, read_only=True)
    legal_texts = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(SalesInvoiceSerializer.Meta):
        fields = [*SalesInvoiceSerializer.Meta.fields, "legal_texts", "lines", "vat_totals"]
        read_only_fields = fields


class InvoiceLineInput(serializers.Serializer):
    product = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(allow_blank=True)
    quantity = amount_input()
    unit = serializers.CharField(required=False, allow_blank=True)
    unit_price = amount_input()
    discount_percent = amount_input(required=False, allow_null=True)
    vat_rate = choice(VatRate.choices)
    cost_centre = serializers.IntegerField(required=False)


class SalesInvoiceInput(serializers.Serializer):
    customer = serializers.IntegerField()
    issue_date = serializers.DateField()
    delivery_date = serializers.DateField(required=False, allow_null=True)
    payment_term_days = serializers.IntegerField(required=False)
    language = choice(LANGUAGE_CHOICES, required=False)
    currency = serializers.CharField(required=False, help_text="ISO 4217, default EUR")
    exchange_rate = amount_input(required=False, allow_null=True,
                                 help_text="Euros per 1 unit; empty: the ECB's rate")
    reference = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    lines = InvoiceLineInput(many=True)


class QuoteInput(serializers.Serializer):
    customer = serializers.IntegerField()
    issue_date = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True,
                                        help_text="Default: 30 days after the quote date")
    language = choice(LANGUAGE_CHOICES, required=False)
    reference = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    lines = InvoiceLineInput(many=True)


class QuoteAnswerInput(serializers.Serializer):
    answer = choice([("accept", "accept"), ("decline", "decline")])
    name = serializers.CharField(required=False, allow_blank=True,
                                 help_text="Who answered for the customer")
    remark = serializers.CharField(required=False, allow_blank=True)


class FinalizeInput(serializers.Serializer):
    send_email = serializers.BooleanField(default=False)
    message = serializers.CharField(required=False, allow_blank=True)


class EmailInput(serializers.Serializer):
    to = serializers.CharField(required=False,
                               help_text="Default: the address on the invoice")
    message = serializers.CharField(required=False, allow_blank=True,
                                    help_text="Default: the standard message")


class CreditInput(serializers.Serializer):
    lines = serializers.DictField(
        child=amount_input(), required=False,
        help_text="Original line id -> quantity to credit; left out: everything still open")


class PaymentInput(serializers.Serializer):
    amount = amount_input()
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    invoice = serializers.IntegerField(source="invoice_id", read_only=True)
    amount = money()
    date = serializers.DateField(read_only=True)
    note = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)


# --------------------------------------------------------------------------- purchases


class PurchaseLineSerializer(serializers.Serializer):
    description = serializers.CharField(read_only=True)
    vat_rate = serializers.CharField(read_only=True)
    ledger_account = serializers.CharField(read_only=True)
    net_amount = money()
    vat_amount = money()


class PurchaseInvoiceSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    net_total = money()
    vat_total = money()
    gross_total = money()
    has_attachment = serializers.SerializerMethodField()
    booking = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseInvoice
        fields = ["id", "status", "supplier", "supplier_name", "supplier_invoice_number",
                  "invoice_date", "due_date", "description", "net_total", "vat_total",
                  "gross_total", "paid_at", "registered_at", "has_attachment", "booking"]
        read_only_fields = fields

    def get_has_attachment(self, invoice) -> bool:
        return bool(invoice.attachment)

    @extend_schema_field(BookingSerializer(allow_null=True))
    def get_booking(self, invoice) -> dict | None:
        return booking_of(invoice)


class PurchaseInvoiceDetailSerializer(PurchaseInvoiceSerializer):
    lines = PurchaseLineSerializer(many=True, read_only=True)

    class Meta(PurchaseInvoiceSerializer.Meta):
        fields = [*PurchaseInvoiceSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class PurchaseLineInput(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True)
    ledger_account = serializers.CharField(required=False, allow_blank=True)
    vat_rate = choice(PurchaseVatRate.choices)
    net_amount = amount_input()
    cost_centre = serializers.IntegerField(required=False)


class PurchaseInvoiceInput(serializers.Serializer):
    supplier = serializers.IntegerField()
    supplier_invoice_number = serializers.CharField(allow_blank=True)
    invoice_date = serializers.DateField()
    due_date = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True)
    printed_vat = serializers.DictField(
        child=amount_input(), required=False,
        help_text="VAT per rate as printed on the supplier's invoice, e.g. {\"21\": \"21.00\"}")
    lines = PurchaseLineInput(many=True)
    attachment = serializers.FileField(
        required=False, help_text="The supplier's PDF or image (multipart/form-data; then "
                                  "send `lines` and `printed_vat` as JSON text)")


# --------------------------------------------------------------------------- quotes


class QuoteSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    net_total = money()
    vat_total = money()
    gross_total = money()
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "status", "number", "customer", "customer_name", "issue_date",
                  "valid_until", "language", "currency", "reference", "note", "net_total",
                  "vat_total", "gross_total", "sent_at", "responded_at", "converted_invoice",
                  "created_at", "lines"]
        read_only_fields = fields


# --------------------------------------------------------------------------- work orders


class WorkOrderLineSerializer(serializers.Serializer):
    kind = choice(LineKind.choices, read_only=True)
    description = serializers.CharField(read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True, allow_null=True)
    quantity = number(2, read_only=True)
    unit = serializers.CharField(read_only=True)
    unit_price = number(4, read_only=True)
    vat_rate = serializers.CharField(read_only=True)


class WorkOrderSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    lines = WorkOrderLineSerializer(many=True, read_only=True)
    booking = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = ["id", "number", "state", "customer", "customer_name", "work_street",
                  "work_postcode", "work_city", "planned_date", "planned_start", "planned_end",
                  "assigned_to", "description", "notes", "signed_off_by", "signed_off_at",
                  "invoice", "created_at", "lines", "booking"]
        read_only_fields = fields

    @extend_schema_field(BookingSerializer(allow_null=True))
    def get_booking(self, work_order) -> dict | None:
        return booking_of(work_order)


class WorkOrderLineInput(serializers.Serializer):
    kind = choice(LineKind.choices)
    product = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(allow_blank=True)
    quantity = amount_input()
    unit = serializers.CharField(required=False, allow_blank=True)
    unit_price = amount_input()
    vat_rate = choice(VatRate.choices, required=False)


class WorkOrderInput(serializers.Serializer):
    customer = serializers.IntegerField()
    planned_date = serializers.DateField()
    planned_start = serializers.TimeField()
    planned_end = serializers.TimeField(required=False, allow_null=True)
    assigned_to = serializers.IntegerField(required=False, allow_null=True)
    work_street = serializers.CharField(required=False, allow_blank=True)
    work_postcode = serializers.CharField(required=False, allow_blank=True)
    work_city = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = WorkOrderLineInput(many=True, required=False)


