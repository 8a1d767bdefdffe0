"""The e-Boekhouden client the product uses, built from the settings.

``settings.EBH_CLIENT_CLASS`` names the class (tests put a fake there); the default is
:class:`ConfiguredSoapClient`, the SOAP transport configured from the EBH_* settings.
:class:`ConfiguredRestClient` is the REST transport (API tokens) configured the same way."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from connections.models import Connection
from eboekhouden.client import EbhClient
from eboekhouden.rest import RestClient, RestConfig
from eboekhouden.soap import SoapClient, SoapConfig


def soap_config(*, wsdl_url: str = "", endpoint_url: str = "") -> SoapConfig:
    """The SOAP addresses and timeouts of the settings (an address given here wins)."""
    return SoapConfig(
        wsdl_url=wsdl_url or settings.EBH_WSDL_URL,
        endpoint_url=endpoint_url or settings.EBH_ENDPOINT_URL,
        connect_timeout=float(settings.EBH_CONNECT_TIMEOUT),
        read_timeout=float(settings.EBH_READ_TIMEOUT),
        wsdl_timeout=float(settings.EBH_WSDL_TIMEOUT),
        source=settings.EBH_SOURCE,
    )


def rest_config(*, base_url: str = "") -> RestConfig:
    """The REST address, timeouts and throttling bounds of the settings (an address given
    here wins)."""
    return RestConfig(
        base_url=base_url or settings.EBH_REST_URL,
        connect_timeout=float(settings.EBH_CONNECT_TIMEOUT),
        read_timeout=float(settings.EBH_READ_TIMEOUT),
        source=settings.EBH_SOURCE,
        throttle_retries=int(settings.EBH_REST_THROTTLE_RETRIES),
        max_throttle_wait=float(settings.EBH_REST_MAX_THROTTLE_WAIT),
    )


class ConfiguredSoapClient(SoapClient):
    """The SOAP client with the settings' addresses and timeouts, read when it is made."""

    def __init__(self, *, wsdl_url: str = "", endpoint_url: str = "") -> None:
        super().__init__(soap_config(wsdl_url=wsdl_url, endpoint_url=endpoint_url))


class ConfiguredRestClient(RestClient):
    """The REST client with the settings' address, timeouts and throttling bounds."""

    def __init__(self, *, base_url: str = "") -> None:
        super().__init__(rest_config(base_url=base_url))


def get_client() -> EbhClient:
    """The configured client (settings.EBH_CLIENT_CLASS), built fresh for each use."""
    return import_string(settings.EBH_CLIENT_CLASS)()


def get_rest_client() -> EbhClient:
    """The configured REST client (settings.EBH_REST_CLIENT_CLASS), built fresh."""
    return import_string(settings.EBH_REST_CLIENT_CLASS)()


def client_for(connection: Connection) -> EbhClient:
    """The client of the connection's transport: REST for an API token, else SOAP (the
    settings' EBH_CLIENT_CLASS, which tests may point at a fake)."""
    return get_rest_client() if connection.uses_rest else get_client()
