"""Eligibility checks end to end: typed Dutch and button presses through the gateway, the real
Rasa server and the real action server; the outcome is read as the person reads it."""

from __future__ import annotations

import pytest

from assistant.leads import Leads
from bot.gateway import Gateway
from bot.lead import LeadDialogue
from tests.e2e.test_dutch_conversation import (
    all_text,
    appointments_of,
    button_payloads,
    new_resident,
)

pytestmark = pytest.mark.e2e


async def test_statushouder_route_with_a_correction(gateway: Gateway, live_settings) -> None:
    resident = new_resident()
    replies = await gateway.handle_text(resident, "ik ben statushouder, welke route past bij mij?")
    assert "route" in all_text(replies).lower()
    # the opening message named the group (statushouder), so the age is asked first
    assert '/inform{"choice":"statushouder"}' not in button_payloads(replies)
    assert "Hoe oud bent u?" in all_text(replies)
    replies = await gateway.handle_text(resident, "31")
    # 31: only the 30+ route depends on nothing more; the integration duty is asked next
    assert "inburgeren" in all_text(replies)

    replies = await gateway.handle_text(resident, "nee, ik ben 24")
    text = all_text(replies)
    assert "Ik heb het aangepast: Leeftijd: 24" in text
    assert "studiefinanciering" in text  # at 24 the vocational route depends on it

    for answer in ("ja", "ja", "ja"):  # studiefinanciering, inburgeringsplicht, taal
        replies = await gateway.handle_text(resident, answer)
    text = all_text(replies)
    assert "Uitkomst van de check" in text
    assert "✅ Beroepsonderwijs (statushouders van 18 tot 27 jaar)" in text
    assert "❌ Naar werk of stage (statushouders ouder dan 30)" in text
    assert "Bron: Re-integratienota Midden-Drenthe 2021-2026 §4.1.4 Actie 18" in text
    assert "De gemeente beslist" in text
    booking = '/book_appointment{"team":"taal_inburgering"}'
    assert booking in button_payloads(replies)

    replies = await gateway.handle_payload(resident, booking)
    times = [p for p in button_payloads(replies) if "appointment_time" in p]
    await gateway.handle_payload(resident, times[0])
    await gateway.handle_text(resident, "ja")
    [booked] = appointments_of(live_settings.database_url, resident.sender_id)
    assert booked.team_code == "taal_inburgering"


async def test_employer_hiring_check_with_buttons(gateway: Gateway) -> None:
    employer = new_resident()
    replies = await gateway.handle_text(
        employer, "ik wil iemand met een arbeidsbeperking aannemen, welke steun krijg ik?")
    assert "arbeidsbeperking" in all_text(replies)
    # disability, minimum wage, wage value, then the register or Ziektewet group
    for choice in ("true", "false", "unknown", "doelgroepregister"):
        replies = await gateway.handle_payload(employer, f'/inform{{"choice":"{choice}"}}')
    text = all_text(replies)
    assert "✅ Jobcoach" in text  # a work disability is enough for a jobcoach
    assert "✅ No-riskpolis" in text  # the doelgroepregister, not the disability itself
    assert "✅ Loonkostensubsidie" in text  # cannot earn the minimum wage
    assert "❔ Praktijkroute" in text  # "weet ik niet": the wage value is not known yet
    assert "Bron: Re-integratienota Midden-Drenthe 2021-2026 §4.1.3 Actie 10" in text
    assert '/book_appointment{"team":"werkgeversservicepunt"}' in button_payloads(replies)


async def test_stop_in_the_middle_of_a_check(gateway: Gateway) -> None:
    parent = new_resident()
    await gateway.handle_text(parent, "ik ben alleenstaande moeder, moet ik werken met een baby?")
    replies = await gateway.handle_text(parent, "stop")
    assert "gestopt" in all_text(replies)
    replies = await gateway.handle_text(parent, "hallo")
    assert "digitale assistent" in all_text(replies)


async def test_employer_intake_ends_with_the_checklist_and_a_lead(gateway: Gateway,
                                                                  live_settings) -> None:
    employer = new_resident()
    await gateway.handle_payload(employer, "/greet")  # the welcome menu offers the intake
    replies = await gateway.handle_payload(employer, "/offer_vacancy")
    assert '/inform{"choice":"logistiek"}' in button_payloads(replies)
    for payload in ('/inform{"choice":"logistiek"}', '/inform{"choice":"true"}',
                    '/inform{"choice":"6"}', '/inform{"choice":"24"}',
                    '/inform{"choice":"false"}', '/inform{"choice":"geen"}'):
        replies = await gateway.handle_payload(employer, payload)
    text = all_text(replies)
    assert "✅ Proefplaatsing" in text and "❌ Jobcoach" in text
    assert "❌ No-riskpolis" in text
    assert "plan van aanpak" in text
    assert "Re-integratienota Midden-Drenthe 2021-2026 bijlage 1" in text
    # the employer agrees to be contacted: the gateway asks the contact (Rasa never sees it)
    [offer] = [p for p in button_payloads(replies) if p.startswith("/employer_lead")]
    leads = Leads(live_settings.database_url)
    gateway.side_dialogues = [LeadDialogue(leads, gateway.render,
                                           lambda: "team.werkgeversservicepunt.name")]
    asked = await gateway.handle_payload(employer, offer)
    assert "Werkgeversservicepunt" in all_text(asked)
    await gateway.handle_text(employer, "bel 0592 123456 of mail p.jansen@transport-drenthe.nl")
    [lead] = [lead for lead in leads.all() if lead.owner_id == employer.sender_id]
    assert lead.contact == "p.jansen@transport-drenthe.nl" and lead.status == "new"
    assert ["check.label.employer_sector", {"key": "check.choice.sector_logistiek",
                                            "args": {}}] in lead.summary
    assert "policy.proefplaatsing.title" in lead.fits
