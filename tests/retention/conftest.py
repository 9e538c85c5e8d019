"""The cases fixtures (make_case; `org` is in tests/conftest.py) for the retention tests."""

from tests.cases.conftest import make_case  # noqa: F401
