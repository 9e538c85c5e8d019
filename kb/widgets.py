"""The editor's picker of the legal acts an article cites: the chosen acts as a list of
ticked boxes (untick to remove one) and a search field that finds acts by number, title
or date as the editor types (kb.views.legal_act_autocomplete), so that it stays usable
with hundreds of acts. Only the chosen acts are rendered, never the whole register."""

from __future__ import annotations

from django import forms
from django.urls import reverse


class LegalActsAutocomplete(forms.SelectMultiple):
    template_name = "kb/widgets/legal_acts_autocomplete.html"

    class Media:
        js = ["kb/acts_autocomplete.js"]

    def optgroups(self, name, value, attrs=None):
        # SelectMultiple would build an option for every act of the register.
        return []

    def get_context(self, name, value, attrs):
        from .models import LegalAct

        context = super().get_context(name, value, attrs)
        keys = [str(v) for v in (value or []) if str(v).isdecimal()]
        chosen = {str(act.pk): act for act in LegalAct.objects.filter(pk__in=keys)}
        context["chosen"] = [chosen[key] for key in keys if key in chosen]
        context["autocomplete_url"] = reverse("kb_legal_act_autocomplete")
        return context
