"""The body's requisites for its official letters (ГОСТ Р 7.0.97-2016): the letterhead
every letter of the cases desk carries (cases.letters). Set by an administrator in
Wagtail's settings («Реквизиты органа»)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="mail")
class BodyRequisites(BaseGenericSetting):
    """One for the installation: the body whose letters these are."""

    superior_body = models.CharField(
        _("superior body"),
        max_length=255,
        blank=True,
        help_text=_("Printed above the name of the body, e.g. the government it belongs to"),
    )
    name = models.CharField(
        _("full name of the body"),
        max_length=500,
        blank=True,
        help_text=_("As in its statute; the letterhead's main line"),
    )
    address = models.CharField(_("postal address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    codes = models.CharField(
        _("reference codes"),
        max_length=255,
        blank=True,
        help_text=_("OKPO, OGRN, INN/KPP, if the letterhead shows them"),
    )

    panels = [
        FieldPanel("superior_body"),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("website"),
        FieldPanel("codes"),
    ]

    class Meta:
        verbose_name = _("requisites of the body")
        verbose_name_plural = _("requisites of the body")

    def __str__(self) -> str:
        return self.name or str(self._meta.verbose_name)
