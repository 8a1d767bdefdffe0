"""The health endpoints the compose healthchecks and monitoring use."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command

from config.celery import HEARTBEAT_KEY, heartbeat


@pytest.mark.django_db
def test_live_checks_database_and_cache(client):
    response = client.get("/health/live/?format=json")
    assert response.status_code == 200
    assert set(response.json()) == {"Database(alias='default')", "Cache(alias='default')"}
    assert set(response.json().values()) == {"OK"}


@pytest.mark.django_db
def test_the_heartbeat_check_follows_beat_and_the_workers(client, settings):
    cache.delete(HEARTBEAT_KEY)
    assert client.get("/health/beat/?format=json").status_code == 500  # never ran
    heartbeat()  # what a worker does each minute when beat schedules it
    assert client.get("/health/beat/?format=json").status_code == 200
    cache.set(HEARTBEAT_KEY, time.time() - settings.HEALTH_HEARTBEAT_MAX_AGE - 60, None)
    stale = client.get("/health/beat/?format=json")
    assert stale.status_code == 500 and "stopped" in str(stale.json())


def test_the_heartbeat_is_on_beats_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["health-heartbeat"]
    assert (entry["task"], entry["schedule"]) == (heartbeat.name, 60.0)


@pytest.fixture
def production_host(settings):
    """The documented production settings: one allowed host, https behind the proxy."""
    settings.ALLOWED_HOSTS = ["facturen.example.nl"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True  # TRUSTED_PROXY_COUNT=1 in the compose file


@pytest.mark.django_db(transaction=True)
def test_the_web_healthcheck_command_passes_under_production_settings(
        live_server, production_host, capsys):
    address = live_server.url.removeprefix("http://")
    with pytest.raises(SystemExit) as exited:
        call_command("health_check", "health_live", address)
        raise SystemExit(0)  # the command returns normally when the check passed
    assert exited.value.code == 0, capsys.readouterr()


@pytest.mark.django_db
def test_the_old_healthcheck_got_400_and_the_proxy_headers_get_through(client,
                                                                      production_host):
    """The old healthcheck asked for http://127.0.0.1:8000/login/: not an allowed host."""
    assert client.get("/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    response = client.get("/health/live/", HTTP_HOST="127.0.0.1:8000",
                          HTTP_X_FORWARDED_HOST="facturen.example.nl",
                          HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
