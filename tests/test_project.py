"""Project-level checks: production settings, the compose file, Celery wiring, demo data."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from accounts.demo import DEMO_EMAIL, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x7!" + "k2Lq9vR3mT8wZ1nB6cY4hF0jD5sG" * 2,
    "DJANGO_HTTPS": "true",
    "DJANGO_ALLOWED_HOSTS": "facturen.example.nl",
    "DJANGO_DEBUG": "false",
    "EBH_CREDENTIAL_KEYS": "hV1pQ0vY7uTjZkq2yK3b0n5R7m9sW2xD4fG6hJ8kL0M=",
}


def _manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # A deployment starts from its own environment, not from the test runner's switches.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**base, **(env or {})}, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_placeholder_secret_key_of_the_example_file():
    placeholder = next(line.split("=", 1)[1] for line in
                       (ROOT / ".env.example").read_text().splitlines()
                       if line.startswith("DJANGO_SECRET_KEY="))
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": placeholder})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is the placeholder" in result.stderr


def test_production_refuses_to_start_without_credential_keys():
    result = _manage("check", env={**PRODUCTION_ENV, "EBH_CREDENTIAL_KEYS": ""})
    assert result.returncode != 0
    assert "EBH_CREDENTIAL_KEYS (or EBH_CREDENTIAL_KEYS_FILE) must be set" in result.stderr


def test_docker_compose_file_is_valid_and_has_every_service(tmp_path):
    assert shutil.which("docker-compose"), "make test installs it (scripts/system_deps.py)"
    env_file = tmp_path / ".env"
    env_file.write_text((ROOT / ".env.example").read_text())
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(ROOT / "docker-compose.yml", project / "docker-compose.yml")
    shutil.copy(env_file, project / ".env")
    result = subprocess.run(
        ["docker-compose", "config"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) >= {"proxy", "web", "worker", "beat", "postgres", "redis"}
    # Only the proxy is published: web trusts X-Forwarded-*, so nobody else may reach it.
    published = {name for name, service in config["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    assert config["services"]["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    for name, service in config["services"].items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    assert config["services"]["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")
    web_command = config["services"]["web"]["command"]
    assert "gunicorn" in (" ".join(web_command) if isinstance(web_command, list) else web_command)


def test_no_local_secrets_enter_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"var/", ".env", ".git", ".venv"} <= set(ignored)


def test_dockerfile_installs_weasyprint_libraries():
    text = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core",
                    "fonts-noto-color-emoji"):
        assert package in text


def test_celery_uses_a_serverless_broker_without_configuration(tmp_path):
    code = ("from config.celery import app; print(app.conf.broker_url);"
            "app.connection_for_write().info()")
    env = {**os.environ, "CELERY_BROKER_URL": "", "VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
         "'config.settings');django.setup();" + code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert out.stdout.strip() == "filesystem://localhost/", out.stderr
    assert "No hostname was supplied" not in out.stderr
    assert (tmp_path / "celery" / "queue").is_dir()
    assert (tmp_path / "celery" / "control").is_dir()


def test_celery_uses_redis_when_configured():
    code = "from config.celery import app; print(app.conf.broker_url)"
    env = {**os.environ, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"}
    out = subprocess.run(
        [sys.executable, "-c", "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
         "'config.settings');django.setup();" + code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert out.stdout.strip() == "redis://127.0.0.1:6379/3", out.stderr


@pytest.mark.django_db
def test_load_demo_creates_a_working_login_and_can_run_twice(client):
    from django.core.management import call_command

    call_command("load_demo")
    call_command("load_demo")
    login = client.post("/login/", {"username": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert login.status_code == 302
    page = client.get("/settings/organization/")
    assert page.status_code == 200
    assert "Schildersbedrijf Jansen" in page.content.decode()


def test_readme_documents_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
