"""Topics of a case: the five consultation topics of seed 001 (section 5).

Why a fixed list here and not a foreign key to `kb.Topic`: the knowledge base owns its
own topic vocabulary and is built in parallel; a case must be routable even when the
knowledge base is empty or being reorganised. A case therefore stores a short, stable
code (a `CharField` with these choices), and `cases.models.TopicRoute` maps each code to
the structural unit that answers it. When `kb.Topic` settles, a KB topic can carry the
same code to link articles and cases without a migration of the cases table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    ANTI_CORRUPTION_LAW = "law", _("Applying anti-corruption law")
    DECLARATIONS = "declarations", _("Income, expense and property declarations")
    CONFLICT_OF_INTEREST = "conflict", _("Conflict of interest")
    INTERNET_SITES = "sites", _("Reporting internet site addresses")
    PROHIBITIONS = "prohibitions", _("Prohibitions, restrictions and duties")


# The declaration campaign (Указ 18.05.2009 N 559 п. 3): declarations are due by 30 April.
DECLARATION_TOPICS = {Topic.DECLARATIONS}
