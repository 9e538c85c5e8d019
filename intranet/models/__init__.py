from intranet.accounts.models import User

from .calendar import CalendarOverride
from .org import StaffProfile, Unit
from .outbox import MessageAttachment, MessageAttempt, MessageStatus, OutgoingMessage
from .pages import ContentPage, HomePage, StaffDirectoryPage
from .reception import ReceptionHours, ReceptionPointPage, ReceptionRoom
from .requisites import BodyRequisites

__all__ = [
    "BodyRequisites",
    "CalendarOverride",
    "ContentPage",
    "HomePage",
    "MessageAttachment",
    "MessageAttempt",
    "MessageStatus",
    "OutgoingMessage",
    "ReceptionHours",
    "ReceptionPointPage",
    "ReceptionRoom",
    "StaffDirectoryPage",
    "StaffProfile",
    "Unit",
    "User",
]
