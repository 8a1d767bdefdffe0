"""The endpoints: each checks the token's organization, lets the web UI's form validate,
calls the one service the web UI calls, and answers with a serializer."""

import datetime
import json

from django.db.models import Q
from django.http import FileResponse, Http404
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
from api.validation import formset_data, formset_errors, form_value, refused, valid
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
from invoicing.services import InvoicingError
from invoicing.views import line_editor_context
from quotes.models import Quote
from workorders import services as workorder_services
from workorders.forms import LineFormSet as WorkOrderLineFormSet
from workorders.forms import WorkOrderForm

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
