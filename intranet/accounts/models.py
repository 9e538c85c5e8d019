from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The staff account. Patronymic is part of a Russian name (ФИО)."""

    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]

    def get_full_name(self) -> str:
        parts = [self.last_name, self.first_name, self.patronymic]
        return " ".join(p for p in parts if p).strip() or self.username

    def get_short_name(self) -> str:
        initials = " ".join(f"{p[0]}." for p in (self.first_name, self.patronymic) if p)
        return f"{self.last_name} {initials}".strip() or self.username

    def __str__(self) -> str:
        return self.get_full_name()

    def has_role(self, role: str) -> bool:
        """True if the user is in the role group `role` (see intranet.roles)."""
        if self.is_superuser:
            return True
        cache = getattr(self, "_role_names", None)
        if cache is None:
            cache = self._role_names = set(self.groups.values_list("name", flat=True))
        return role in cache
