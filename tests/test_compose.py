"""docker-compose.yml, .env.example and the image: Docker may not run where the tests
run, so the files are checked for what the settings need; `docker compose config` runs
too when a Compose plugin is available."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
APP_SERVICES = ("web", "worker", "beat")
BACKING_SERVICES = ("db", "redis", "elasticsearch")
ENV_HELPERS = {"env_bool", "env_list", "_int"}  # settings' and gunicorn.conf.py's helpers


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def env_names_read_by(path: Path) -> set[str]:
    """Names read through os.environ.get/setdefault/[...], os.getenv or the env helpers."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            reads_env = (
                isinstance(func, ast.Attribute)
                and (
                    (func.attr in {"get", "setdefault", "pop"} and _is_environ(func.value))
                    or func.attr == "getenv"
                )
            ) or (isinstance(func, ast.Name) and func.id in ENV_HELPERS)
            if reads_env:
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and _is_environ(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def settings_env_names() -> set[str]:
    names = set()
    for path in sorted((ROOT / "intranet" / "settings").glob("*.py")):
        names |= env_names_read_by(path)
    return names


def example_names() -> set[str]:
    """Variables in .env.example, set (NAME=) or documented as a commented line (# NAME=)."""
    pattern = re.compile(r"^\s*(?:#\s*)?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text()))


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_settings_read_the_variables_we_expect():
    # Guards the AST scan itself: if this fails, the scan missed a reader.
    names = settings_env_names()
    for expected in ("DATABASE_URL", "CELERY_BROKER_URL", "ELASTICSEARCH_URL", "SECRET_KEY"):
        assert expected in names
    assert "EMAIL_BACKEND" in names  # read over several lines
    assert "DEBUG" in names and "ALLOWED_HOSTS" in names  # through env_bool / env_list


def test_every_settings_variable_is_in_env_example():
    missing = settings_env_names() - example_names()
    assert not missing, f"add to .env.example (and the README table): {sorted(missing)}"


def test_every_gunicorn_variable_is_in_env_example():
    missing = env_names_read_by(ROOT / "gunicorn.conf.py") - example_names()
    assert not missing, f"add to .env.example (and the README table): {sorted(missing)}"


def test_every_compose_variable_is_in_env_example():
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    # $${NAME} is escaped for the container's shell; it is still read from .env.
    missing = used - example_names()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_variable_is_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`", table, re.MULTILINE))
    missing = (settings_env_names() | env_names_read_by(ROOT / "gunicorn.conf.py")) - documented
    assert not missing, f"add to the README's Configuration table: {sorted(missing)}"


def test_all_services_are_there(services):
    for name in (*BACKING_SERVICES, *APP_SERVICES):
        assert name in services, f"service {name} missing"
    assert services["db"]["image"].split(":")[0] == "postgres"
    assert services["db"]["image"].split(":")[1].split("-")[0] in {"16", "17"}
    assert services["redis"]["image"].startswith("redis:7")
    assert "elasticsearch" in services["elasticsearch"]["image"]


def test_elasticsearch_single_node(services):
    es = services["elasticsearch"]
    env = es["environment"]
    assert env["discovery.type"] == "single-node"
    assert str(env["xpack.security.enabled"]).lower() == "false"
    assert "-Xms" in env["ES_JAVA_OPTS"] and "-Xmx" in env["ES_JAVA_OPTS"]
    # The Python client in requirements.lock talks to a server of its own major version.
    lock = (ROOT / "requirements.lock").read_text()
    client_major = re.search(r"^elasticsearch==(\d+)\.", lock, re.MULTILINE).group(1)
    server_major = es["image"].rsplit(":", 1)[1].split(".")[0]
    assert server_major == client_major


@pytest.mark.parametrize("name", APP_SERVICES + ("migrate",))
def test_app_services_get_connections_to_compose_services(services, name):
    service = services[name]
    env_file = service["env_file"]
    assert ".env" in ([env_file] if isinstance(env_file, str) else env_file)
    env = service["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "intranet.settings.production"
    database = urlparse(env["DATABASE_URL"].replace("${", "").replace("}", ""))
    assert database.scheme in {"postgres", "postgresql"}
    assert env["DATABASE_URL"].split("@", 1)[1].startswith("db:5432/")
    broker = urlparse(env["CELERY_BROKER_URL"])
    assert (broker.scheme, broker.hostname) == ("redis", "redis")
    search = urlparse(env["ELASTICSEARCH_URL"])
    assert (search.hostname, search.port) == ("elasticsearch", 9200)


def test_commands(services):
    assert "gunicorn" in services["web"]["command"]
    assert "intranet.wsgi" in services["web"]["command"]
    worker = " ".join(services["worker"]["command"])
    assert "celery -A intranet worker" in worker
    assert " ".join(services["beat"]["command"][:4]) == "celery -A intranet beat"
    migrate = " ".join(services["migrate"]["command"])
    assert "manage.py migrate" in migrate
    assert services["migrate"]["restart"] == "no"


@pytest.mark.parametrize("name", BACKING_SERVICES + APP_SERVICES)
def test_healthchecks(services, name):
    check = services[name]["healthcheck"]
    assert check["test"], f"{name} has an empty healthcheck"
    assert "interval" in check


def test_start_order(services):
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        for backing in BACKING_SERVICES:
            assert services[name]["depends_on"][backing]["condition"] == "service_healthy"
    for backing in ("db", "elasticsearch"):
        assert services["migrate"]["depends_on"][backing]["condition"] == "service_healthy"


def test_volumes(compose, services):
    assert {"pgdata", "esdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "esdata:/usr/share/elasticsearch/data" in services["elasticsearch"]["volumes"]
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name]["volumes"]


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "\nFROM python:3.11-slim-bookworm\n" in text
    assert "pip install -r requirements.lock" in text
    assert "collectstatic --noinput" in text
    assert "sh bin/compile-messages" in text  # every catalogue: tests/test_image.py
    assert "DJANGO_SETTINGS_MODULE=intranet.settings.production" in text
    assert re.search(r'^CMD \["gunicorn", "-c", "gunicorn.conf.py", "intranet.wsgi"\]', text, re.M)
    assert re.search(r"^USER intranet$", text, re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".env", ".venv", "var", ".git"):
        assert path in ignored


def _compose_available() -> str | None:
    if not shutil.which("docker"):
        return "the docker client is not installed"
    try:
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"docker compose is not usable: {exc}"
    if probe.returncode != 0:
        reason = (probe.stderr or probe.stdout).strip().splitlines()
        return f"docker compose is not available: {reason[0] if reason else probe.returncode}"
    return None


def test_docker_compose_config(tmp_path):
    problem = _compose_available()
    if problem:
        pytest.skip(problem)
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    env = ENV_EXAMPLE.read_text()
    env = env.replace("\nSECRET_KEY=\n", "\nSECRET_KEY=compose-config-test\n")
    env = env.replace("\nPOSTGRES_PASSWORD=\n", "\nPOSTGRES_PASSWORD=compose\n")
    (tmp_path / ".env").write_text(env)
    result = subprocess.run(
        ["docker", "compose", "-f", str(tmp_path / "docker-compose.yml"), "config", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
