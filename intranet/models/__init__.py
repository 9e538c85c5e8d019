from intranet.accounts.models import User

from .calendar import CalendarOverride
from .org import StaffProfile, Unit
from .pages import ContentPage, HomePage, StaffDirectoryPage
from .reception import ReceptionHours, ReceptionPointPage, ReceptionRoom
from .requisites import BodyRequisites

__all__ = [
    "BodyRequisites",
    "CalendarOverride",
    "ContentPage",
    "HomePage",
    "ReceptionHours",
    "ReceptionPointPage",
    "ReceptionRoom",
    "StaffDirectoryPage",
    "StaffProfile",
    "Unit",
    "User",
]
