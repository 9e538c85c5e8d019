import pytest

from tests.factories import PASSWORD  # noqa: F401  (the tests sign in with it)


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="ivanov", first_name="Иван", last_name="Иванов")


@pytest.fixture
def administrator(db):
    """A non-superuser in the Administrators role group."""
    from intranet import roles
    from tests.factories import UserFactory

    return UserFactory(username="admin2", last_name="Админов", roles=[roles.ADMINISTRATORS])


@pytest.fixture(scope="session", autouse=True)
def _audit_catalogue_compiled():
    """`make messages` compiles `locale` and `*/locale`; this app's catalogue is one level
    deeper (intranet/audit/locale). Until the Makefile and Dockerfile globs include
    `*/*/locale`, compile it here so the Russian messages under test exist."""
    from pathlib import Path

    from asgiref.local import Local
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.utils.translation import trans_real

    po = Path(__file__).resolve().parents[2] / "intranet/audit/locale/ru/LC_MESSAGES/django.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    with open(po, "rb") as src:
        catalog = read_po(src)
    with open(mo, "wb") as dst:
        write_mo(dst, catalog)
    # Catalogues already loaded in this process do not have it yet.
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()
