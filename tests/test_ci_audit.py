"""CI's reading of pip-audit (.ci/audit_report.py): an audit that could not run, or ran in
part, is never reported as passed; found vulnerabilities fail. The samples are pip-audit
2.10.1's own output (`-r LOCK --no-deps --disable-pip --desc on -f json -o FILE`, cut to
five packages): "unaudited" and "unreachable" as it printed them on a machine whose PyPI
answers 404 for the advisory API and behind a proxy that refuses connections; "clean",
"partial" and "found" from its CLI with PyPI's JSON API answered locally."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "audit_report.py"
LABEL = "the runtime lock (requirements.lock)"

HEADER = (
    "WARNING:pip_audit._cli:--no-deps is supported, but users are encouraged to fully hash "
    "their pinned dependencies\n"
    "WARNING:pip_audit._cli:Consider using a tool like `pip-compile`: "
    "https://pip-tools.readthedocs.io/en/latest/#using-hashes\n"
)
PINS = [
    ("aiosmtpd", "1.4.6"),
    ("amqp", "5.4.2"),
    ("annotated-types", "0.8.0"),
    ("anyascii", "0.3.3"),
    ("anyio", "4.16.0"),
]


def _skipped(name, version):
    return {
        "name": name,
        "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} ({version})",
    }


def _audited(name, version, vulns=()):
    return {"name": name, "version": version, "vulns": list(vulns)}


ADVISORY = {
    "id": "PYSEC-2099-1",
    "fix_versions": ["9.9.9"],
    "aliases": ["CVE-2099-0001"],
    "description": "Example advisory",
}


def _report(dependencies):
    return json.dumps({"dependencies": dependencies, "fixes": []})


SAMPLES = {
    # Every package skipped, yet pip-audit says "No known vulnerabilities found", exit 0.
    "unaudited": (
        _report([_skipped(*pin) for pin in PINS]),
        0,
        HEADER + "No known vulnerabilities found\n",
    ),
    # The advisory API not reached at all: a traceback, exit 1, no report.
    "unreachable": (
        None,
        1,
        HEADER + "Traceback (most recent call last):\n"
        '  File "/tmp/pa/lib/python3.11/site-packages/requests/adapters.py", line 723, in send\n'
        "    raise ProxyError(e, request=request)\n"
        "requests.exceptions.ProxyError: HTTPSConnectionPool(host='pypi.org', port=443): Max "
        "retries exceeded with url: /pypi/aiosmtpd/1.4.6/json (Caused by ProxyError('Unable to "
        "connect to proxy', NewConnectionError(\"HTTPSConnection(host='127.0.0.1', port=9): "
        'Failed to establish a new connection: [Errno 111] Connection refused")))\n',
    ),
    "partial": (
        _report(
            [
                _audited(*PINS[0]),
                _skipped(*PINS[1]),
                _skipped(*PINS[2]),
                _audited(*PINS[3]),
                _audited(*PINS[4]),
            ]
        ),
        0,
        HEADER + "No known vulnerabilities found\n",
    ),
    "clean": (
        _report([_audited(*pin) for pin in PINS]),
        0,
        HEADER + "No known vulnerabilities found\n",
    ),
    "found": (
        _report([_audited(*pin) for pin in PINS[:4]] + [_audited(*PINS[4], [ADVISORY])]),
        1,
        HEADER + "Found 1 known vulnerability in 1 package\n"
        "Name  Version ID           Fix Versions Description\n"
        "----- ------- ------------ ------------ ----------------\n"
        "anyio 4.16.0  PYSEC-2099-1 9.9.9        Example advisory\n",
    ),
}


def run_report(tmp_path, report, exit_code, log):
    report_path = tmp_path / "pip-audit.json"
    if report is not None:
        report_path.write_text(report)
    log_path = tmp_path / "pip-audit.txt"
    log_path.write_text(log)
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--label",
            LABEL,
            "--exit-code",
            str(exit_code),
            "--log",
            str(log_path),
            str(report_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert not result.stderr, result.stderr
    return result.returncode, result.stdout


def assert_never_passed(output):
    assert "passed" not in output.lower()
    assert "No known vulnerabilities found" not in output


def test_nothing_audited_is_not_run(tmp_path):
    code, output = run_report(tmp_path, *SAMPLES["unaudited"])
    assert code == 2
    assert output.startswith(f"ci: dependency audit NOT RUN for {LABEL}: 5 of 5 packages")
    assert "could not be audited" in output
    assert_never_passed(output)


def test_no_report_is_not_run_and_says_why(tmp_path):
    code, output = run_report(tmp_path, *SAMPLES["unreachable"])
    assert code == 2
    assert output.startswith(f"ci: dependency audit NOT RUN for {LABEL}: pip-audit wrote no")
    assert "exit 1" in output and "ProxyError" in output
    assert "vulnerabilit" not in output.lower()  # not mistaken for a finding
    assert_never_passed(output)


def test_some_unaudited_is_partial(tmp_path):
    code, output = run_report(tmp_path, *SAMPLES["partial"])
    assert code == 3
    assert output.startswith(f"ci: dependency audit PARTIAL for {LABEL}: 2 of 5 packages")
    assert "no known vulnerabilities in the other 3" in output
    assert_never_passed(output)


def test_everything_audited_and_clean_passes(tmp_path):
    code, output = run_report(tmp_path, *SAMPLES["clean"])
    assert code == 0
    assert output.strip() == (
        f"ci: dependency audit passed for {LABEL}: no known vulnerabilities in 5 packages"
    )


def test_a_vulnerability_fails_and_is_listed(tmp_path):
    code, output = run_report(tmp_path, *SAMPLES["found"])
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == (
        f"ci: dependency audit FAILED for {LABEL}: 1 known vulnerability in 1 of 5 packages"
    )
    assert lines[1].strip() == (
        "anyio 4.16.0: PYSEC-2099-1, CVE-2099-0001; fixed in 9.9.9; Example advisory"
    )


def test_a_vulnerability_in_a_partial_audit_fails_and_says_partial(tmp_path):
    report = json.loads(SAMPLES["found"][0])
    report["dependencies"][1] = _skipped(*PINS[1])
    code, output = run_report(tmp_path, json.dumps(report), 1, SAMPLES["found"][2])
    assert code == 1
    assert output.startswith(f"ci: dependency audit FAILED for {LABEL}")
    assert "PARTIAL: 1 of 5 packages could not be audited" in output


@pytest.mark.parametrize("report", ["", "{not json", '{"fixes": []}', '{"dependencies": []}'])
def test_an_unreadable_or_empty_report_is_not_run(tmp_path, report):
    code, output = run_report(tmp_path, report, 0, HEADER)
    assert code == 2
    assert "NOT RUN" in output
    assert_never_passed(output)


def test_a_failed_run_without_findings_is_not_run(tmp_path):
    # e.g. `timeout` killed pip-audit (124) after a report from an earlier step.
    code, output = run_report(tmp_path, SAMPLES["clean"][0], 124, HEADER + "Terminated\n")
    assert code == 2
    assert "exited 124" in output and "Terminated" in output
    assert_never_passed(output)


def test_ci_acts_on_the_report_not_on_pip_audits_summary():
    run = (ROOT / ".ci" / "run").read_text()
    assert ".ci/audit_report.py" in run
    assert "-f json -o" in run
    assert 'rm -f "var/pip-audit-$name.json"' in run  # no stale report read as this run's
    code = "\n".join(line for line in run.splitlines() if not line.lstrip().startswith("#"))
    assert "No known" not in code  # pip-audit's own summary is neither read nor echoed
    assert "requirements.lock" in run and "requirements-dev.lock" in run
    assert 'die "pip-audit found known vulnerabilities' in run
    assert 'log "CI passed (tests passed; dependency audit $audit_state)"' in run
