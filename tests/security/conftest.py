import pytest

PASSWORD = "Верный-пароль-2026"


@pytest.fixture
def staff_user(db):
    from intranet.accounts.models import User

    return User.objects.create_user(
        "ivanov", password=PASSWORD, first_name="Иван", last_name="Иванов"
    )


@pytest.fixture
def administrator(db):
    """A non-superuser in the Administrators role group."""
    from django.contrib.auth.models import Group

    from intranet import roles
    from intranet.accounts.models import User

    user = User.objects.create_user("admin2", password=PASSWORD, last_name="Админов")
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    return user
