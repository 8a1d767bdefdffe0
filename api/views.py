"""The endpoints: each checks the token's organization, lets the web UI's form validate,
calls the one service the web UI calls, and answers with a serializer."""

from __future__ import annotations

import datetime
import json

from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from accounts.inputs import content_disposition, parse_id
from api import serializers as s
from api.models import ApiToken
from api.services import request_record
from api.validation import form_value, formset_data, formset_errors, refused, valid
from einvoice.attachments import UBL_MIMETYPE
from einvoice.writer import invoice_ubl, ubl_filename, ubl_problem
from invoicing import services
from invoicing.extensions import cost_centre_choices, ledger_choices
from invoicing.forms import (
    CreditForm,
    CustomerForm,
    EmailForm,
    FinalizeForm,
    InvoiceForm,
    LineFormSet,
    PaymentForm,
    ProductForm,
    PurchaseForm,
    PurchaseLineFormSet,
    SupplierForm,
    printed_vat_field_name,
)
from invoicing.models import Customer, Product, PurchaseInvoice, SalesInvoice, Supplier
from invoicing.views import line_editor_context
from quotes import services as quote_services
from quotes.forms import AnswerForm as QuoteAnswerForm
from quotes.forms import QuoteForm
from quotes.forms import SendForm as QuoteSendForm
from quotes.models import Quote
from workorders import services as workorder_services
from workorders.forms import LineFormSet as WorkOrderLineFormSet
from workorders.forms import WorkOrderForm
from workorders.models import WorkOrder

ID = r"[0-9]{1,18}"  # larger numbers are no id of ours (and no 64-bit integer): 404


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _text(request, name: str = "q") -> str:
    return request.query_params.get(name, "").replace("\x00", "").strip()[:100]


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if isinstance(data, dict | list) else data


class UblRenderer(PdfRenderer):
    """Lets a client ask for ``Accept: application/xml``; the answer itself is the file, and
    an error (listed first: JSON) is JSON."""

    media_type = "application/xml"
    format = "xml"


def _file(fieldfile, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(fieldfile.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition("attachment", filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class OrganizationViewSet(viewsets.GenericViewSet):
    """Rows of the token's organization only: another's answer 404 (never 403)."""

    model = None
    lookup_value_regex = ID

    @property
    def organization(self):
        return self.request.auth.organization

    def base_queryset(self):
        return self.model.objects.for_organization(self.organization)

    def get_queryset(self):
        return self.base_queryset()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(request.auth, ApiToken):
            request_record(token=request.auth, method=request.method,
                           path=request.get_full_path(), status_code=response.status_code)
        return response

    def input(self, serializer_class, data=None, partial: bool = False) -> dict:
        serializer = serializer_class(data=self.request.data if data is None else data,
                                      partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, instance, code=status.HTTP_200_OK, serializer_class=None) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(instance, context=self.get_serializer_context()).data,
                        status=code)


def bound(form_class, attrs: dict, *, instance=None, files=None, **kwargs):
    """The web form bound to what it holds now (its initial values, or the row's) with the
    request's values over it: a PATCH changes only what it names."""
    extra = {"instance": instance} if _is_model_form(form_class) else {}
    probe = form_class(**extra, **kwargs)
    data = {name: form_value(probe[name].initial) for name in probe.fields}
    data.update({name: form_value(value) for name, value in attrs.items()})
    data = {name: value for name, value in data.items() if value is not None}
    return form_class(data=data, files=files, **extra, **kwargs)


def _is_model_form(form_class) -> bool:
    return getattr(getattr(form_class, "_meta", None), "model", None) is not None


# --------------------------------------------------------------------------- parties


class PartyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    form_class = None
    input_class = None

    def get_queryset(self):
        parties = self.base_queryset().filter(
            archived=self.request.query_params.get("archived") == "1")
        query = _text(self.request)
        if query and self.action == "list":
            parties = parties.filter(Q(name__icontains=query) | Q(code__iexact=query)
                                     | Q(email__icontains=query) | Q(city__icontains=query))
        return parties.order_by("name", "id") if self.action == "list" else self.base_queryset()

    def create(self, request):
        form = valid(bound(self.form_class, self.input(self.input_class)))
        party = services.party_save(party=form.save(commit=False), organization=self.organization)
        return self.answer(party, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        party = self.get_object()
        attrs = self.input(self.input_class, partial=True)
        form = valid(bound(self.form_class, attrs, instance=party))
        party = services.party_save(party=form.save(commit=False), organization=self.organization)
        return self.answer(party)

    @extend_schema(request=s.ArchiveInput, summary="Archive (or restore): never deleted")
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        party = self.get_object()
        archived = self.input(s.ArchiveInput)["archived"]
        return self.answer(services.party_set_archived(party=party, archived=archived))


PARTY_FILTERS = [OpenApiParameter("q", str, description="Name, code, email or city"),
                 OpenApiParameter("archived", str, enum=["0", "1"])]


@extend_schema(tags=["customers"])
class CustomerViewSet(PartyViewSet):
    model, form_class, input_class = Customer, CustomerForm, s.CustomerInput
    serializer_class = s.CustomerSerializer

    @extend_schema(parameters=PARTY_FILTERS)
    def list(self, request):
        return super().list(request)

    @extend_schema(request=s.CustomerInput, responses={201: s.CustomerSerializer})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=s.CustomerInput(partial=True))
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)


@extend_schema(tags=["suppliers"])
class SupplierViewSet(PartyViewSet):
    model, form_class, input_class = Supplier, SupplierForm, s.SupplierInput
    serializer_class = s.SupplierSerializer

    @extend_schema(parameters=PARTY_FILTERS)
    def list(self, request):
        return super().list(request)

    @extend_schema(request=s.SupplierInput, responses={201: s.SupplierSerializer})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=s.SupplierInput(partial=True))
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)


# --------------------------------------------------------------------------- products


@extend_schema(tags=["products"])
class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    model = Product
    serializer_class = s.ProductSerializer

    def get_queryset(self):
        products = self.base_queryset()
        if self.action == "list":
            products = products.filter(
                archived=self.request.query_params.get("archived") == "1")
            if query := _text(self.request):
                products = products.filter(description__icontains=query)
        return products.order_by("description", "id")

    @extend_schema(parameters=PARTY_FILTERS)
    def list(self, request):
        return super().list(request)

    @extend_schema(request=s.ProductInput, responses={201: s.ProductSerializer})
    def create(self, request):
        return self._save(ProductForm, {}, status.HTTP_201_CREATED)

    @extend_schema(request=s.ProductInput(partial=True))
    def partial_update(self, request, pk=None):
        return self._save(ProductForm, {"instance": self.get_object()}, status.HTTP_200_OK,
                          partial=True)

    def _save(self, form_class, extra, code, partial=False):
        # The product editor of the web UI saves its form the same way (no workflow).
        form = valid(bound(form_class, self.input(s.ProductInput, partial=partial), **extra))
        product = form.save(commit=False)
        if product.pk is None:
            product.organization = self.organization
        product.save()
        return self.answer(product, code)


# --------------------------------------------------------------------------- sales invoices

INVOICE_FILTERS = [
    OpenApiParameter("status", str, enum=["draft", "finalized", "open", "overdue",
                                          "partly_paid", "paid", "partly_credited", "credited",
                                          "not_emailed"]),
    OpenApiParameter("kind", str, enum=["invoice", "credit_note"]),
    OpenApiParameter("customer", int),
    OpenApiParameter("from", datetime.date, description="Invoice date on or after"),
    OpenApiParameter("to", datetime.date, description="Invoice date on or before"),
    OpenApiParameter("q", str, description="Number, customer name or reference"),
]


def _stored_line_rows(invoice: SalesInvoice) -> list[dict]:
    return [{"product": ln.product_id, "description": ln.description, "quantity": ln.quantity,
             "unit": ln.unit, "unit_price": ln.unit_price,
             "discount_percent": ln.discount_percent, "vat_rate": ln.vat_rate,
             "cost_centre": ln.cost_centre or None} for ln in invoice.lines.all()]


@extend_schema(tags=["sales invoices"])
class SalesInvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          OrganizationViewSet):
    model = SalesInvoice

    def get_serializer_class(self):
        return s.SalesInvoiceSerializer if self.action == "list" else \
            s.SalesInvoiceDetailSerializer

    def get_queryset(self):
        invoices = self.base_queryset().select_related("customer", "sync_job")
        if self.action != "list":
            return invoices.prefetch_related("lines", "vat_totals")
        return self._filtered(invoices).order_by("-issue_date", "-id")

    def _filtered(self, invoices):
        params = self.request.query_params
        invoices = invoices.with_display_status(params.get("status", ""))
        if params.get("kind") in ("invoice", "credit_note"):
            invoices = invoices.filter(kind=params["kind"])
        if (customer := parse_id(params.get("customer"))) is not None:
            invoices = invoices.filter(customer_id=customer)
        if date_from := _date(params.get("from")):
            invoices = invoices.filter(issue_date__gte=date_from)
        if date_to := _date(params.get("to")):
            invoices = invoices.filter(issue_date__lte=date_to)
        if query := _text(self.request):
            invoices = invoices.filter(Q(number__icontains=query) | Q(reference__icontains=query)
                                       | Q(customer__name__icontains=query))
        return invoices

    @extend_schema(parameters=INVOICE_FILTERS)
    def list(self, request):
        return super().list(request)

    @extend_schema(request=s.SalesInvoiceInput,
                   responses={201: s.SalesInvoiceDetailSerializer},
                   summary="Create a draft invoice with its lines")
    def create(self, request):
        attrs = self.input(s.SalesInvoiceInput)
        invoice = self._save_draft(attrs, None, attrs["lines"])
        return self.answer(self._fresh(invoice), status.HTTP_201_CREATED)

    @extend_schema(request=s.SalesInvoiceInput(partial=True),
                   summary="Change a draft (lines, when given, replace all its lines)")
    def partial_update(self, request, pk=None):
        invoice = self.get_object()
        attrs = self.input(s.SalesInvoiceInput, partial=True)
        rows = attrs.get("lines")
        self._save_draft(attrs, invoice, _stored_line_rows(invoice) if rows is None else rows)
        return self.answer(self._fresh(invoice))

    @extend_schema(summary="Delete a draft", responses={204: None})
    def destroy(self, request, pk=None):
        services.invoice_delete_draft(invoice=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save_draft(self, attrs: dict, invoice, rows: list[dict]) -> SalesInvoice:
        organization = self.organization
        header = {k: v for k, v in attrs.items() if k != "lines"}
        form = bound(InvoiceForm, header, instance=invoice, organization=organization)
        formset = LineFormSet(formset_data("lines", [
            {k: form_value(v) for k, v in row.items()} for row in rows]), prefix="lines",
            form_kwargs=line_editor_context(organization)["form_kwargs"])
        lines_ok = formset.is_valid()
        valid(form, lines=None if lines_ok else formset_errors(formset))
        try:
            return services.invoice_save_draft(invoice=form.save(commit=False),
                                               organization=organization,
                                               lines=formset.line_data())
        except ValueError as error:  # an unknown VAT rate, as the web editor reads it
            raise refused(error) from error

    def _fresh(self, invoice) -> SalesInvoice:
        return self.get_queryset().get(pk=invoice.pk)

    @extend_schema(request=s.FinalizeInput, responses={200: s.SalesInvoiceDetailSerializer},
                   summary="Finalize: number, freeze, PDF; booked like any other invoice")
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        invoice = self.get_object()
        attrs = self.input(s.FinalizeInput)
        form = valid(bound(FinalizeForm, attrs))
        message = form.cleaned_data["message"] or services.default_email_message(invoice)
        invoice = services.invoice_finalize(invoice=invoice, user=request.user, message=message,
                                            send_email=form.cleaned_data["send_email"])
        return self.answer(self._fresh(invoice))

    @extend_schema(request=s.EmailInput, summary="Email the finalized invoice with its PDF",
                   responses={202: OpenApiResponse(description="Queued: {id, to, status}")})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        invoice = self.get_object()
        attrs = self.input(s.EmailInput)
        defaults = {"to": invoice.buyer.get("email") or invoice.customer.email,
                    "message": services.default_email_message(invoice)}
        form = valid(EmailForm(data={**defaults, **{k: v for k, v in attrs.items() if v}}))
        log = services.email_queue(invoice=invoice, user=request.user, **form.cleaned_data)
        return Response({"id": log.pk, "to": log.to, "status": log.status},
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.CreditInput, responses={201: s.SalesInvoiceDetailSerializer},
                   summary="Make a draft credit note (all or some of the lines)")
    @action(detail=True, methods=["post"])
    def credit(self, request, pk=None):
        invoice = self.get_object()
        chosen = self.input(s.CreditInput).get("lines")
        quantities = None
        if chosen is not None:
            form = CreditForm(data={f"line_{k}": v for k, v in chosen.items()},
                              lines=list(invoice.lines.all()),
                              open_quantities=services.creditable_quantities(invoice))
            quantities = valid(form).quantities()
        credit_note = services.credit_note_create(invoice=invoice, user=request.user,
                                                  quantities=quantities)
        return self.answer(self._fresh(credit_note), status.HTTP_201_CREATED)

    @extend_schema(request=s.PaymentInput, responses={201: s.PaymentSerializer},
                   summary="Register a (partial) payment")
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        invoice = self.get_object()
        form = valid(bound(PaymentForm, self.input(s.PaymentInput)))
        payment = services.payment_register(invoice=invoice, user=request.user,
                                            **form.cleaned_data)
        return Response(s.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The finalized invoice's PDF",
                   responses={(200, "application/pdf"): OpenApiResponse(description="PDF")})
    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer, JSONRenderer])
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        if not invoice.pdf:
            raise Http404
        return _file(invoice.pdf, "application/pdf", f"{invoice.number}.pdf")

    @extend_schema(summary="Download the e-invoice (UBL 2.1, Peppol BIS Billing 3.0)",
                   responses={(200, "application/xml"): OpenApiResponse(description="UBL"),
                              409: OpenApiResponse(description="No e-invoice possible")})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, UblRenderer])
    def ubl(self, request, pk=None):
        invoice = self.get_object()
        if invoice.is_draft:
            raise Http404
        problem = ubl_problem(invoice)
        if problem:
            return Response({"detail": problem}, status=status.HTTP_409_CONFLICT)
        response = HttpResponse(invoice_ubl(invoice), content_type=UBL_MIMETYPE)
        response["Content-Disposition"] = content_disposition("attachment", ubl_filename(invoice))
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(summary="The booking in e-Boekhouden.nl",
                   responses={200: s.BookingSerializer(allow_null=True)})
    @action(detail=True, methods=["get"])
    def booking(self, request, pk=None):
        return Response(s.booking_of(self.get_object()))


# --------------------------------------------------------------------------- purchases


def _plain(data) -> dict:
    """JSON as it is; a multipart form's fields with ``lines`` and ``printed_vat`` as JSON
    text (beside the uploaded file)."""
    if isinstance(data, dict) and not hasattr(data, "getlist"):
        return data
    plain = {key: data.get(key) for key in data}
    for name in ("lines", "printed_vat"):
        if isinstance(plain.get(name), str):
            try:
                plain[name] = json.loads(plain[name])
            except ValueError:
                raise serializers.ValidationError(
                    {name: [_("Send this field as JSON text.")]}) from None
    return plain


@extend_schema(tags=["purchase invoices"])
class PurchaseInvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             OrganizationViewSet):
    model = PurchaseInvoice

    def get_serializer_class(self):
        return s.PurchaseInvoiceSerializer if self.action == "list" else \
            s.PurchaseInvoiceDetailSerializer

    def get_queryset(self):
        invoices = self.base_queryset().select_related("supplier", "sync_job")
        if self.action != "list":
            return invoices.prefetch_related("lines")
        params = self.request.query_params
        if params.get("status"):
            invoices = invoices.filter(status=params["status"][:20])
        if (supplier := parse_id(params.get("supplier"))) is not None:
            invoices = invoices.filter(supplier_id=supplier)
        if date_from := _date(params.get("from")):
            invoices = invoices.filter(invoice_date__gte=date_from)
        if date_to := _date(params.get("to")):
            invoices = invoices.filter(invoice_date__lte=date_to)
        return invoices.order_by("-invoice_date", "-id")

    @extend_schema(parameters=[
        OpenApiParameter("status", str, enum=["draft", "received", "paid", "corrected",
                                              "reversal"]),
        OpenApiParameter("supplier", int), OpenApiParameter("from", datetime.date),
        OpenApiParameter("to", datetime.date)])
    def list(self, request):
        return super().list(request)

    @extend_schema(request={"application/json": s.PurchaseInvoiceInput,
                            "multipart/form-data": s.PurchaseInvoiceInput},
                   responses={201: s.PurchaseInvoiceDetailSerializer},
                   summary="Register a received invoice (booked like one entered on the page)")
    def create(self, request):
        attrs = self.input(s.PurchaseInvoiceInput, _plain(request.data))
        organization = self.organization
        header = {k: v for k, v in attrs.items()
                  if k not in ("lines", "printed_vat", "attachment")}
        header.update({printed_vat_field_name(rate): value
                       for rate, value in attrs.get("printed_vat", {}).items()})
        files = {"attachment": attrs["attachment"]} if attrs.get("attachment") else None
        form = bound(PurchaseForm, header, files=files, organization=organization)
        formset = PurchaseLineFormSet(formset_data("lines", [
            {k: form_value(v) for k, v in row.items()} for row in attrs["lines"]]),
            prefix="lines", form_kwargs={
                "ledger_choices": ledger_choices(organization, "purchase"),
                "cost_centre_choices": cost_centre_choices(organization)})
        lines_ok = formset.is_valid()
        valid(form, lines=None if lines_ok else formset_errors(formset))
        invoice = services.purchase_invoice_register(
            organization=organization, data=form.purchase_data(formset.line_data()),
            attachment=form.cleaned_data.get("attachment"), user=request.user)
        return self.answer(self.get_queryset().get(pk=invoice.pk), status.HTTP_201_CREATED)

    @extend_schema(summary="The supplier's file as registered",
                   responses={(200, "application/octet-stream"): OpenApiResponse(
                       description="PDF or image")})
    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer, JSONRenderer])
    def attachment(self, request, pk=None):
        invoice = self.get_object()
        if not invoice.attachment:
            raise Http404
        return _file(invoice.attachment, invoice.attachment_type or "application/octet-stream",
                     invoice.attachment_name or "attachment")

    @extend_schema(summary="The booking in e-Boekhouden.nl",
                   responses={200: s.BookingSerializer(allow_null=True)})
    @action(detail=True, methods=["get"])
    def booking(self, request, pk=None):
        return Response(s.booking_of(self.get_object()))


# --------------------------------------------------------------------------- quotes


@extend_schema(tags=["quotes"])
class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    model = Quote
    serializer_class = s.QuoteSerializer

    def get_queryset(self):
        quotes = self.base_queryset().select_related("customer").prefetch_related("lines")
        params = self.request.query_params
        if self.action == "list" and params.get("status"):
            quotes = quotes.filter(status=params["status"][:20])
        if self.action == "list" and (customer := parse_id(params.get("customer"))):
            quotes = quotes.filter(customer_id=customer)
        return quotes.order_by("-issue_date", "-id")

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("customer", int)])
    def list(self, request):
        return super().list(request)

    @extend_schema(request=s.QuoteInput, responses={201: s.QuoteSerializer},
                   summary="Create a draft quote with its lines")
    def create(self, request):
        attrs = self.input(s.QuoteInput)
        organization = self.organization
        header = {k: v for k, v in attrs.items() if k != "lines"}
        form = bound(QuoteForm, header, organization=organization)
        # Quote lines carry no cost centre: nothing of a quote is booked.
        formset = LineFormSet(formset_data("lines", [
            {k: form_value(v) for k, v in row.items() if k != "cost_centre"}
            for row in attrs["lines"]]), prefix="lines",
            form_kwargs={"organization": organization})
        lines_ok = formset.is_valid()
        valid(form, lines=None if lines_ok else formset_errors(formset))
        try:
            quote = quote_services.quote_save_draft(
                quote=form.save(commit=False), organization=organization,
                lines=formset.line_data())
        except ValueError as error:  # an unknown VAT rate, as the web editor reads it
            raise refused(error) from error
        return self.answer(self.get_queryset().get(pk=quote.pk), status.HTTP_201_CREATED)

    @extend_schema(request=s.EmailInput, responses={200: s.QuoteSerializer},
                   summary="Number the quote (when a draft) and email it with its PDF and "
                           "the customer's answer link")
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        quote = self.get_object()
        attrs = self.input(s.EmailInput)
        defaults = {"to": quote.customer.email,
                    "message": quote_services.default_email_message(quote)}
        form = valid(QuoteSendForm(data={**defaults, **{k: v for k, v in attrs.items() if v}}))
        quote = quote_services.quote_send(quote=quote, user=request.user, **form.cleaned_data)
        return self.answer(self.get_queryset().get(pk=quote.pk))

    @extend_schema(request=s.QuoteAnswerInput, responses={200: s.QuoteSerializer},
                   summary="Register the customer's answer (they said so by phone or mail)")
    @action(detail=True, methods=["post"], url_path="answer")
    def respond(self, request, pk=None):
        quote = self.get_object()
        form = valid(bound(QuoteAnswerForm, self.input(s.QuoteAnswerInput)))
        quote_services.quote_respond(quote=quote, accept=form.accepts, user=request.user,
                                     name=form.cleaned_data["name"],
                                     remark=form.cleaned_data["remark"])
        return self.answer(self.get_queryset().get(pk=quote.pk))

    @extend_schema(request=None, responses={201: s.SalesInvoiceDetailSerializer},
                   summary="Make a draft invoice of an accepted quote (once)")
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        invoice = quote_services.quote_convert(quote=self.get_object(), user=request.user)
        invoice = SalesInvoice.objects.select_related("customer", "sync_job").prefetch_related(
            "lines", "vat_totals").get(pk=invoice.pk)
        return self.answer(invoice, status.HTTP_201_CREATED, s.SalesInvoiceDetailSerializer)


# --------------------------------------------------------------------------- work orders


@extend_schema(tags=["work orders"])
class WorkOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    model = WorkOrder
    serializer_class = s.WorkOrderSerializer

    def get_queryset(self):
        orders = self.base_queryset().select_related("customer", "sync_job").prefetch_related(
            "lines")
        params = self.request.query_params
        if self.action == "list" and params.get("state"):
            orders = orders.filter(state=params["state"][:20])
        if self.action == "list" and (customer := parse_id(params.get("customer"))):
            orders = orders.filter(customer_id=customer)
        return orders.order_by("-planned_date", "-id")

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=["open", "done", "checked",
                                                                     "invoiced"]),
                               OpenApiParameter("customer", int)])
    def list(self, request):
        return super().list(request)

    @extend_schema(request=s.WorkOrderInput, responses={201: s.WorkOrderSerializer},
                   summary="Plan a work order")
    def create(self, request):
        attrs = self.input(s.WorkOrderInput)
        organization = self.organization
        header = {k: v for k, v in attrs.items() if k != "lines"}
        form = bound(WorkOrderForm, header, organization=organization)
        formset = WorkOrderLineFormSet(formset_data("lines", [
            {k: form_value(v) for k, v in row.items()} for row in attrs.get("lines", [])]),
            prefix="lines", form_kwargs={"organization": organization})
        lines_ok = formset.is_valid()
        valid(form, lines=None if lines_ok else formset_errors(formset))
        work_order = workorder_services.work_order_save(
            work_order=form.save(commit=False), organization=organization,
            lines=formset.line_data())
        return self.answer(self.get_queryset().get(pk=work_order.pk), status.HTTP_201_CREATED)
