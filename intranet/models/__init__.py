from intranet.accounts.models import User

from .calendar import CalendarOverride
from .notifications import EmailChoice, Notification, NotificationSettings
from .org import StaffProfile, Unit
from .outbox import MessageAttachment, MessageAttempt, MessageStatus, OutgoingMessage
from .pages import ContentPage, HomePage, StaffDirectoryPage
from .reception import ReceptionHours, ReceptionPointPage, ReceptionRoom
from .requisites import BodyRequisites

__all__ = [
    "BodyRequisites",
    "CalendarOverride",
    "ContentPage",
    "EmailChoice",
    "HomePage",
    "MessageAttachment",
    "MessageAttempt",
    "MessageStatus",
    "Notification",
    "NotificationSettings",
    "OutgoingMessage",
    "ReceptionHours",
    "ReceptionPointPage",
    "ReceptionRoom",
    "StaffDirectoryPage",
    "StaffProfile",
    "Unit",
    "User",
]
