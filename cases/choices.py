"""The vocabularies of a case: channels, regimes, statuses, urgency, reply channels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Point of interaction through which a message arrived (DESIGN.md, seed 001 §1)."""

    PORTAL = "portal", _("Intranet portal")
    EMAIL = "email", _("Work e-mail")
    POST = "post", _("Post")
    VISIT = "visit", _("Personal visit")
    PHONE = "phone", _("Phone")
    WEBSITE = "website", _("Official website")
    FEEDBACK = "feedback", _("Feedback platform (ПОС)")
    INCIDENT = "incident", _("Incident Management")
    EDMS = "edms", _("Electronic document system")


class Regime(models.TextChoices):
    """The legal regime of a case: it picks the deadlines (see cases.deadlines)."""

    APPEAL = "appeal", _("Appeal under 59-FZ")
    FEEDBACK = "feedback", _("Feedback platform message (outside 59-FZ)")
    INFO_REQUEST = "info_request", _("Information request under 8-FZ")
    INTERNAL = "internal", _("Internal request")
    INCIDENT = "incident", _("Incident Management message")


class Status(models.TextChoices):
    """The lifecycle of DESIGN.md. Part 1 moves cases up to ASSIGNED and to WITHDRAWN;
    the answer statuses are declared now so that part 2 adds no data migration."""

    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    TRIAGED = "triaged", _("Urgency decided")
    ASSIGNED = "assigned", _("Assigned")
    CLARIFICATION = "clarification", _("Waiting for the client")
    DRAFTED = "drafted", _("Answer drafted")
    APPROVAL = "approval", _("Awaiting approval")
    ANSWERED = "answered", _("Answer registered")
    SENT = "sent", _("Answer sent")
    CLOSED = "closed", _("Closed")
    FORWARDED = "forwarded", _("Forwarded to another body")
    NO_ANSWER = "no_answer", _("Left without an answer")
    WITHDRAWN = "withdrawn", _("Withdrawn by the client")
    JOINED = "joined", _("Joined to another case")


# Statuses in which the case is finished: nothing more happens to it.
FINAL_STATUSES = frozenset(
    {Status.CLOSED, Status.FORWARDED, Status.NO_ANSWER, Status.WITHDRAWN, Status.JOINED}
)
OPEN_STATUSES = frozenset(s for s in Status if s not in FINAL_STATUSES)
# Open statuses whose answer deadline still runs (an answer registered meets it).
DEADLINE_STATUSES = frozenset(OPEN_STATUSES - {Status.ANSWERED, Status.SENT})


class Urgency(models.TextChoices):
    UNDECIDED = "undecided", _("Not decided")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Not urgent")


class ReplyChannel(models.TextChoices):
    """How the client wants the answer (seed 001 §3: the chosen channel, duplicated on
    an additional one)."""

    PORTAL = "portal", _("In the portal")
    EMAIL = "email", _("By e-mail")
    POST = "post", _("By post")
    PICKUP = "pickup", _("In person at the reception point")
    PHONE = "phone", _("By phone (notice only)")


class ClientKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class DeadlineState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    NONE = "none", _("No deadline")
