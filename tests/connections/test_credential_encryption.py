"""Credentials at rest: MultiFernet, bound to organization and field, loud failures, rotation."""

import stat

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from connections import crypto
from connections.models import Connection
from tests.connections.factories import make_connection

CODE_1 = "c0ffee00c0ffee00c0ffee00c0ffee00"


def test_stored_value_is_ciphertext_and_decrypts(org_a, credential_keys):
    connection = make_connection(org_a, security_code_1=CODE_1)
    raw = Connection.objects.values_list("security_code_1_encrypted", flat=True).get()
    assert CODE_1 not in raw
    assert Connection.objects.get(pk=connection.pk).credential("security_code_1") == CODE_1


def test_ciphertext_copied_to_another_organization_does_not_decrypt(
    org_a, org_b, credential_keys
):
    source = make_connection(org_a, security_code_1=CODE_1)
    target = make_connection(org_b, security_code_1="something-else")
    Connection.objects.filter(pk=target.pk).update(
        security_code_1_encrypted=source.security_code_1_encrypted
    )
    target.refresh_from_db()
    with pytest.raises(crypto.CredentialDecryptError) as caught:
        target.credential("security_code_1")
    assert CODE_1 not in str(caught.value)


def test_ciphertext_moved_to_another_field_does_not_decrypt(org_a, credential_keys):
    connection = make_connection(org_a, security_code_1=CODE_1)
    connection.security_code_2_encrypted = connection.security_code_1_encrypted
    with pytest.raises(crypto.CredentialDecryptError):
        connection.credential("security_code_2")


def test_wrong_key_fails_loudly_and_never_returns_the_ciphertext(org_a, settings):
    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    connection = make_connection(org_a, security_code_1=CODE_1)
    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.CredentialDecryptError) as caught:
        connection.credential("security_code_1")
    assert connection.security_code_1_encrypted not in str(caught.value)


def test_empty_value_is_an_error_not_an_empty_code(org_a, credential_keys):
    connection = make_connection(org_a, status=Connection.Status.NOT_CONNECTED)
    with pytest.raises(crypto.CredentialDecryptError):
        connection.credential("security_code_1")


def test_key_rotation(org_a, org_b, settings, capsys):
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.EBH_CREDENTIAL_KEYS = [key_a]
    first = make_connection(org_a, security_code_1=CODE_1)
    second = make_connection(org_b, username="bob@example.test")

    # B becomes the newest key; rows written under A still decrypt.
    settings.EBH_CREDENTIAL_KEYS = [key_b, key_a]
    first.refresh_from_db()
    assert first.credential("security_code_1") == CODE_1

    call_command("rotate_credential_keys")
    assert "Re-encrypted 8 credential value(s) in 2 connection(s)" in capsys.readouterr().out

    # Now B alone is enough: A can be retired.
    settings.EBH_CREDENTIAL_KEYS = [key_b]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.credential("security_code_1") == CODE_1
    assert first.administration_guid() == "11111111-2222-3333-4444-555555555555"
    assert second.credential("username") == "bob@example.test"


def test_rotation_reports_rows_it_cannot_decrypt(org_a, settings):
    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    connection = make_connection(org_a)
    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match=f"ids: {connection.pk}"):
        call_command("rotate_credential_keys")


def test_keys_from_a_file(org_a, settings, tmp_path, monkeypatch):
    from config.env import env_secret

    key = Fernet.generate_key().decode()
    path = tmp_path / "keys"
    path.write_text(key + "\n")
    monkeypatch.setenv("EBH_CREDENTIAL_KEYS_FILE", str(path))
    settings.EBH_CREDENTIAL_KEYS = [k for k in env_secret("EBH_CREDENTIAL_KEYS").split(",") if k]
    token = crypto.encrypt("secret", organization_id=org_a.pk, field="username")
    assert Fernet(key.encode()).decrypt(token.encode())


def test_development_key_is_generated_private(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EBH_CREDENTIAL_KEYS = []
    settings.HTTPS = False
    token = crypto.encrypt("secret", organization_id=1, field="username")
    key_file = tmp_path / crypto.KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert crypto.decrypt(token, organization_id=1, field="username") == "secret"


def test_production_refuses_to_run_without_keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EBH_CREDENTIAL_KEYS = []
    settings.HTTPS = True
    with pytest.raises(ImproperlyConfigured, match="EBH_CREDENTIAL_KEYS"):
        crypto.encrypt("secret", organization_id=1, field="username")
    assert not (tmp_path / crypto.KEY_FILE_NAME).exists()


def test_repr_and_str_never_show_secrets(org_a, credential_keys):
    from eboekhouden.client import Credentials

    connection = make_connection(org_a, security_code_1=CODE_1)
    for text in (str(connection), repr(connection)):
        assert CODE_1 not in text and connection.security_code_1_encrypted not in text
    credentials = Credentials("alice", CODE_1, "guid-value")
    for text in (str(credentials), repr(credentials), f"{credentials!r}"):
        assert "alice" not in text and CODE_1 not in text and "guid-value" not in text


def test_system_checks_for_keys(settings):
    from connections.checks import check_credential_keys

    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode(), "not-a-key"]
    assert [e.id for e in check_credential_keys(None)] == ["connections.E002"]
    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    assert check_credential_keys(None) == []
