"""Signals of the knowledge base for other apps (kb.integrations sends webhooks on them).

articles_flagged: sent by kb.services.flag_articles_citing, in its transaction, with
`act` (the amended or repealed LegalAct) and `articles` (the ArticlePages it flagged)."""

from django.dispatch import Signal

articles_flagged = Signal()
