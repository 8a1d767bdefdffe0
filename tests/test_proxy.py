"""The client's address behind the trusted proxies (lock-outs count per client)."""

from django.test import RequestFactory

from config.proxy import client_ip


def _request(forwarded: str = "", remote: str = "172.18.0.5"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("1.2.3.4")) == "172.18.0.5"


def test_behind_one_proxy_the_client_is_the_entry_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
    # Whatever the client wrote itself stands to the left and is not believed.
    assert client_ip(_request("6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("203.0.113.9")) == "172.18.0.5"
    assert client_ip(_request("")) == "172.18.0.5"


def test_axes_uses_it(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "config.proxy.client_ip"
