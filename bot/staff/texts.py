"""The console's own texts: Dutch only, in locales/nl/LC_MESSAGES/staff.po.

The console is for the municipality's employees, who work in Dutch, so its texts form a
catalog domain of their own instead of joining messages.po, whose every id must exist in all
eight residents' languages. Ids are used as ``_("staff....")`` in this package and its
templates; tests/staff/test_staff_catalog.py checks both directions.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

STAFF_LANGUAGE = "nl"


def staff_catalog_path(locales_dir: Path) -> Path:
    return locales_dir / STAFF_LANGUAGE / "LC_MESSAGES" / "staff.po"


class StaffTexts:
    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    @classmethod
    def load(cls, locales_dir: Path) -> StaffTexts:
        with staff_catalog_path(locales_dir).open("rb") as handle:
            catalog = read_po(handle)
        return cls({m.id: m.string for m in catalog if m.id and m.string})

    def __call__(self, key: str, **arguments: object) -> str:
        """The Dutch text of ``key``; a missing id shows itself rather than nothing."""
        text = self.texts.get(key, key)
        return text.format(**arguments) if arguments else text


def S_(key: str) -> str:
    """Marks a console text id built at run time (a role, a status, an audit action)."""
    return key


ROLE_TEXTS = (S_("staff.role.beheerder"), S_("staff.role.medewerker"))
STATUS_TEXTS = (S_("staff.status.arrived"), S_("staff.status.no_show"))
AUDIT_TEXTS = (S_("staff.audit.action.team_day.view"), S_("staff.audit.action.team_day.refused"),
               S_("staff.audit.action.appointment.view"),
               S_("staff.audit.action.appointment.refused"),
               S_("staff.audit.action.appointment.arrived"),
               S_("staff.audit.action.appointment.no_show"),
               S_("staff.audit.action.appointment.none"),
               S_("staff.audit.action.appointment.cancel"),
               S_("staff.audit.action.appointment.move"),
               S_("staff.audit.action.capacity.hours"), S_("staff.audit.action.capacity.reset"),
               S_("staff.audit.action.capacity.close"), S_("staff.audit.action.capacity.reopen"),
               S_("staff.audit.action.queue.view"), S_("staff.audit.action.queue.refused"),
               S_("staff.audit.action.queue.take"), S_("staff.audit.action.queue.close"),
               S_("staff.audit.action.conversation.view"),
               S_("staff.audit.action.conversation.refused"),
               S_("staff.audit.action.conversation.handback"),
               S_("staff.audit.action.conversation.close"),
               S_("staff.audit.action.callback.view"), S_("staff.audit.action.callback.done"),
               S_("staff.audit.action.callback.refused"),
               S_("staff.audit.action.insight.view"), S_("staff.audit.action.insight.export"),
               S_("staff.audit.action.insight.mark"), S_("staff.audit.action.lead.view"),
               S_("staff.audit.action.lead.status"),
               S_("staff.audit.action.account.create"),
               S_("staff.audit.action.account.disable"),
               S_("staff.audit.action.account.enable"))
QUEUE_TEXTS = (S_("staff.queue.status.waiting"), S_("staff.queue.status.taken"),
               S_("staff.queue.status.closed"), S_("staff.live.author.resident"),
               S_("staff.live.author.staff"), S_("staff.live.author.notice"),
               S_("staff.live.author.user"), S_("staff.live.author.bot"),
               S_("staff.callbacks.moment.asap"), S_("staff.callbacks.moment.morning"),
               S_("staff.callbacks.moment.afternoon"),
               S_("staff.queue.slot.role"), S_("staff.queue.slot.team"),
               S_("staff.queue.slot.appointment_time"), S_("staff.queue.slot.booked_reference"))
WEEKDAY_TEXTS = (S_("staff.weekday.0"), S_("staff.weekday.1"), S_("staff.weekday.2"),
                 S_("staff.weekday.3"), S_("staff.weekday.4"), S_("staff.weekday.5"),
                 S_("staff.weekday.6"))
# The residents' languages by their Dutch names, and the teams' labels for staff (a team of
# another municipality without a label shows its residents' name).
LANGUAGE_TEXTS = (S_("staff.language.nl"), S_("staff.language.en"), S_("staff.language.ar"),
                  S_("staff.language.ti"), S_("staff.language.fa"), S_("staff.language.fa_AF"),
                  S_("staff.language.tr"), S_("staff.language.uk"))
TEAM_TEXTS = (S_("staff.team.klantmanager"), S_("staff.team.werkgeversservicepunt"),
              S_("staff.team.taal_inburgering"), S_("staff.team.schuldhulp"))
INSIGHT_TEXTS = (S_("staff.insight.col.day"), S_("staff.insight.col.conversations"),
                 S_("staff.insight.col.language"), S_("staff.insight.col.topic"),
                 S_("staff.insight.col.questions"), S_("staff.insight.col.measure"),
                 S_("staff.insight.col.count"), S_("staff.insight.col.of"),
                 S_("staff.insight.col.percent"), S_("staff.insight.col.question"),
                 S_("staff.insight.col.training"), S_("staff.insight.col.team"),
                 S_("staff.insight.col.booked"), S_("staff.insight.col.cancelled"),
                 S_("staff.insight.col.arrived"), S_("staff.insight.col.no_show"),
                 S_("staff.insight.col.requests"), S_("staff.insight.col.taken"),
                 S_("staff.insight.col.wait_median"), S_("staff.insight.col.wait_longest"),
                 S_("staff.insight.col.callbacks"), S_("staff.insight.rate.fallback"),
                 S_("staff.insight.rate.handover"))
LEAD_TEXTS = (S_("staff.lead.status.new"), S_("staff.lead.status.contacted"),
              S_("staff.lead.status.placed"), S_("staff.lead.status.closed"))
