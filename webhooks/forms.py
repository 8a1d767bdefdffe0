from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.models import Endpoint, Event
from webhooks.services import EndpointData


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https",
        help_text=_("Where we POST the events, e.g. https://example.com/hooks/facturen."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_endpoint(cls, endpoint: Endpoint, data=None) -> "EndpointForm":
        return cls(data, initial={"url": endpoint.url, "description": endpoint.description,
                                  "events": endpoint.events, "active": endpoint.active})

    def endpoint_data(self) -> EndpointData:
        return EndpointData(**self.cleaned_data)
