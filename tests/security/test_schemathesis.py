"""The API keeps the promises of its OpenAPI schema: schemathesis, from the schema the
live server publishes, sends schema-shaped and hostile requests to every operation as a
registrar and as a client (signed in by a session, with the CSRF token), with real case
ids of the demo most of the time, and checks every answer: no server error, a status
code the operation documents, the documented content type, a body valid against the
documented schema.

Its budget is bounded (a few examples per operation, the phases below) so that it takes
well under a minute for both roles; it runs where CI runs the PostgreSQL tests
(REQUIRE_SERVICES=postgres), the product's database. A failure prints schemathesis's
report: each failing request with a `curl` line to reproduce it.

Locally: DATABASE_URL=postgres://postgres@127.0.0.1:5432/intranet_x .venv/bin/pytest
tests/security/test_schemathesis.py. Against `make run`: `.venv/bin/st run
http://127.0.0.1:8000/api/schema/ -H "Cookie: sessionid=…; csrftoken=…" -H "X-CSRFToken: …"
-c not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance`
(the values of a signed-in browser's cookies).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# Examples per operation, and the phases: the fuzzing phase alone in CI (about 70
# requests a role). For a longer run by hand, e.g. SCHEMATHESIS_EXAMPLES=30
# SCHEMATHESIS_PHASES=examples,coverage,fuzzing,stateful (the coverage phase sends about
# 1,500 boundary and negative requests a role, 2 to 3 minutes).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
PHASES = set(os.environ.get("SCHEMATHESIS_PHASES", "fuzzing").split(","))
ST = Path(sys.executable).with_name("st")


def _config(path: Path, *, session: str, case_ids: list[int]) -> Path:
    csrf = secrets.token_hex(16)
    checks = "\n".join(f"{name}.enabled = true" for name in CHECKS)
    ids = ", ".join(str(pk) for pk in case_ids)
    phases = "\n".join(
        f"{name}.enabled = {'true' if name in PHASES else 'false'}"
        for name in ("examples", "coverage", "fuzzing", "stateful")
    )
    path.write_text(
        f"""
seed = 18
workers = 1
request-timeout = 30

[cache]
enabled = false

[headers]
Cookie = "sessionid={session}; csrftoken={csrf}"
X-CSRFToken = "{csrf}"

[generation]
max-examples = {EXAMPLES}
database = "none"

[checks]
enabled = false
{checks}

[phases]
{phases}

[dictionaries.cases]
values = [{ids}]

[parameters]
"path.id" = {{ dictionary = "cases", probability = 0.9 }}
"""
    )
    return path


@pytest.mark.parametrize("username", ["registrar", "client"])
def test_the_api_answers_as_its_schema_says(live_server, demo, client, username, tmp_path):
    from cases.models import Case

    user = demo[username]
    client.force_login(user)
    visible = list(Case.objects.visible_to(user).order_by("pk").values_list("pk", flat=True))
    assert visible, "the demo gives the role cases to work on"
    config = _config(
        tmp_path / "schemathesis.toml",
        session=client.cookies["sessionid"].value,
        case_ids=visible,
    )
    run = subprocess.run(
        [str(ST), "--config-file", str(config), "--no-color", "run",
         f"{live_server.url}/api/schema/"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )  # fmt: skip
    report = run.stdout[-20000:] + run.stderr[-5000:]
    assert run.returncode == 0, report
    selected = re.search(r"Operations:\s+(\d+) selected / (\d+) total", run.stdout)
    assert selected and selected[1] == selected[2], report  # every operation of the schema
