"""The role groups of DESIGN.md ("Who uses it"). Groups are created by a data migration;
code refers to them by these constants, never by literal names."""

from django.utils.translation import gettext_lazy as _

READERS = "Читатели"
CLIENTS = "Внутренние клиенты"
REGISTRARS = "Регистраторы"
EXECUTORS = "Исполнители"
EDITORS = "Редакторы разделов"
HEADS = "Руководители подразделений"
ADMINISTRATORS = "Администраторы"

ALL_ROLES = [READERS, CLIENTS, REGISTRARS, EXECUTORS, EDITORS, HEADS, ADMINISTRATORS]

ROLE_DESCRIPTIONS = {
    READERS: _("All staff: read and search the knowledge base"),
    CLIENTS: _("Submit written questions and follow the answers"),
    REGISTRARS: _("Register incoming messages and outgoing answers"),
    EXECUTORS: _("Draft answers, ask for clarification, give consultations"),
    EDITORS: _("Maintain the knowledge base sections of their unit"),
    HEADS: _("Approve publications, refusals and extensions; review answer quality"),
    ADMINISTRATORS: _("Manage users, units and settings"),
}

# Groups whose members work in the Wagtail admin.
ADMIN_ACCESS_ROLES = [REGISTRARS, EXECUTORS, EDITORS, HEADS, ADMINISTRATORS]

# Prefix of the editors' group created for every structural unit.
UNIT_EDITORS_PREFIX = "Редакторы: "
UNIT_HEADS_PREFIX = "Руководство: "


def unit_editors_group_name(short_name: str) -> str:
    return f"{UNIT_EDITORS_PREFIX}{short_name}"[:150]


def unit_heads_group_name(short_name: str) -> str:
    return f"{UNIT_HEADS_PREFIX}{short_name}"[:150]
