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
