from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The staff account. Patronymic is part of a Russian name (ФИО)."""

    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]
        # The registrar's client autocomplete looks people up by the start of these
        # (cases.client_search); the login has its unique index.
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="user_last_name"),
            models.Index(fields=["first_name"], name="user_first_name"),
            models.Index(fields=["email"], name="user_email"),
        ]

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
        return role in self.role_names()

    def _own_groups(self) -> tuple[frozenset[int], frozenset[str]]:
        """(ids, names) of the user's groups, read once per instance (one query)."""
        cache = getattr(self, "_group_rows", None)
        if cache is None:
            rows = list(self.groups.values_list("pk", "name"))
            cache = self._group_rows = (
                frozenset(pk for pk, _name in rows),
                frozenset(name for _pk, name in rows),
            )
        return cache

    def role_names(self) -> frozenset[str]:
        """The names of the user's groups: role groups (intranet.roles) and others."""
        return self._own_groups()[1]

    def group_ids(self) -> frozenset[int]:
        return self._own_groups()[0]


class PasswordResetRequestQuerySet(models.QuerySet):
    def since(self, when):
        return self.filter(when__gte=when)

    def requests(self):
        """The requests themselves (a row without an account)."""
        return self.filter(user__isnull=True)

    def mails(self):
        """The mails sent (a row naming the account mailed)."""
        return self.filter(user__isnull=False)


class PasswordResetRequest(models.Model):
    """What the password-reset throttle counts (intranet.accounts.views): one row per
    valid request of the reset form (no account: the request must not tell whether the
    address is known) and one per reset mail sent (the account mailed). Rows older than
    the window are deleted as new requests come, so only the last window is kept."""

    when = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    email = models.CharField(_("e-mail address"), max_length=254)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account mailed"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    objects = PasswordResetRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        ordering = ["-when"]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M:%S} {self.email}"
