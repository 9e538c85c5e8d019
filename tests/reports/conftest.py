"""The cases fixtures (org, make_case) for the report tests."""

from tests.cases.conftest import make_case, org  # noqa: F401
