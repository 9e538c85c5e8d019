#!/usr/bin/env python3
"""What one pip-audit run says, in words CI cannot misread, and an exit code to act on.

pip-audit prints "No known vulnerabilities found" and exits 0 even when it audited
nothing: a package PyPI's advisory API does not answer for is "skipped" ("could not be
audited"), and when the API is not reached at all it stops with a traceback and no report.
So CI does not read its summary line; it runs pip-audit with `-f json -o FILE` and this
script reads FILE and pip-audit's exit code:

    python3 .ci/audit_report.py --label "runtime (requirements.lock)" \\
        --exit-code "$rc" --log var/pip-audit-runtime.txt var/pip-audit-runtime.json

Exit codes (and the first line printed):
    0  PASSED   every package audited, no known vulnerability
    1  FAILED   known vulnerabilities (listed), whether or not the audit was complete
    2  NOT RUN  no package audited: no report, or every package skipped
    3  PARTIAL  some packages not audited, none of the audited ones vulnerable

Standard library only: it runs with the system python3 before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PASSED, FAILED, NOT_RUN, PARTIAL = 0, 1, 2, 3


def _last_error(log: str) -> str:
    """The line of pip-audit's output that says why it stopped (a traceback's last line)."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if not line.startswith("WARNING:"):
            return line[:300]
    return "no output"


def _vulnerability_line(dep: dict, vuln: dict) -> str:
    ids = ", ".join([vuln["id"], *vuln.get("aliases", [])])
    fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
    line = f"  {dep['name']} {dep.get('version', '?')}: {ids}; fixed in {fixed}"
    if vuln.get("description"):
        line += f"; {vuln['description'][:200]}"
    return line


def report(label: str, report_text: str | None, exit_code: int, log: str = "") -> tuple[int, str]:
    """(exit code, message) for one pip-audit run. `report_text` is pip-audit's JSON
    report (None when it wrote none), `exit_code` pip-audit's, `log` its other output."""
    try:
        dependencies = json.loads(report_text)["dependencies"] if report_text else None
    except (ValueError, KeyError, TypeError):
        dependencies = None
    if dependencies is None:
        return NOT_RUN, (
            f"ci: dependency audit NOT RUN for {label}: pip-audit wrote no report "
            f"(exit {exit_code}; advisory service unreachable?): {_last_error(log)}"
        )

    total = len(dependencies)
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    audited = total - len(skipped)
    if skipped:
        unaudited = (
            f"{len(skipped)} of {total} packages could not be audited (advisory service "
            f"unreachable or without data for them; e.g. {skipped[0]['skip_reason']})"
        )

    if vulnerable:
        count = sum(len(dep["vulns"]) for dep in vulnerable)
        lines = [
            f"ci: dependency audit FAILED for {label}: {count} known "
            f"{'vulnerability' if count == 1 else 'vulnerabilities'} in "
            f"{len(vulnerable)} of {total} packages"
        ]
        lines += [_vulnerability_line(dep, vuln) for dep in vulnerable for vuln in dep["vulns"]]
        if skipped:
            lines.append(f"ci: and the audit was PARTIAL: {unaudited}")
        return FAILED, "\n".join(lines)
    if total == 0 or audited == 0:
        reason = unaudited if skipped else "the report lists no packages"
        return NOT_RUN, f"ci: dependency audit NOT RUN for {label}: {reason}"
    if exit_code != 0:
        return NOT_RUN, (
            f"ci: dependency audit NOT RUN for {label}: pip-audit exited {exit_code} "
            f"without naming a vulnerability: {_last_error(log)}"
        )
    if skipped:
        return PARTIAL, (
            f"ci: dependency audit PARTIAL for {label}: {unaudited}; "
            f"no known vulnerabilities in the other {audited}"
        )
    return PASSED, (
        f"ci: dependency audit passed for {label}: no known vulnerabilities in {total} packages"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="pip-audit's JSON report (-f json -o FILE)")
    parser.add_argument("--label", required=True, help="what was audited, for the messages")
    parser.add_argument("--exit-code", type=int, required=True, help="pip-audit's exit code")
    parser.add_argument("--log", type=Path, help="pip-audit's stdout and stderr")
    args = parser.parse_args(argv)
    text = args.report.read_text() if args.report.is_file() else None
    log = args.log.read_text(errors="replace") if args.log and args.log.is_file() else ""
    code, message = report(args.label, text, args.exit_code, log)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())
