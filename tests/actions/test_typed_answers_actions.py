"""Typed answers in the forms, with real rasa_sdk Trackers: the message that starts a check is
never judged as an answer (and its age fills the question), typed answers to the check's
buttons in any language, typed teams and confirmations, and a typed hour after a narrowed day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from actions.booking import AskAppointmentTime, ValidateBookingForm
from actions.common import local_zone
from actions.eligibility import AskCheckAnswer, StartCheck, ValidateEligibilityForm
from actions.manage import ValidateRescheduleForm
from actions.privacy import ValidateDeleteDataForm
from tests.actions.conftest import make_tracker, run_action, sent_keys, slot_events

FORM = "eligibility_form"
OPENINGS = [  # (language, the message that starts the check, its intent, entities)
    ("nl", "ik ben 24, welke route past bij mij als statushouder?", "check_newcomer_route",
     [{"entity": "age", "value": "24"}]),
    ("en", "I'm a refugee, which route fits me?", "check_newcomer_route", []),
    ("ar", "أنا لاجئ، ما هو المسار المناسب لي؟", "check_newcomer_route", []),
    ("ti", "ኣነ ስደተኛ እየ፡ ኣየናይ መስመር ይሰማማዓኒ?", "check_newcomer_route", []),
    ("fa", "من پناهنده هستم، کدام مسیر برای من مناسب است؟", "check_newcomer_route", []),
    ("tr", "mülteciyim, bana hangi yol uygun?", "check_newcomer_route", []),
    ("uk", "Я біженець, який маршрут мені підходить?", "check_newcomer_route", []),
]


async def open_check(domain, language: str, text: str, intent: str, entities: list[dict]):
    """Start a check as Rasa does: action_start_check, then the form's validation at
    activation (the tracker's latest message is still the opening one)."""
    metadata = {"language": language}
    start = make_tracker("web:typed", text=text, intent=intent, entities=entities,
                         metadata=metadata)
    start_messages, start_events = await run_action(StartCheck(), start, domain)
    started = slot_events(start_events)
    activation = make_tracker("web:typed", text=text, intent=intent, entities=entities,
                              new_slots=started, metadata=metadata)
    messages, events = await run_action(ValidateEligibilityForm(), activation, domain)
    return sent_keys(start_messages) + sent_keys(messages), {**started, **slot_events(events)}


@pytest.mark.parametrize(("language", "text", "intent", "entities"), OPENINGS,
                         ids=[o[0] for o in OPENINGS])
async def test_the_opening_message_is_not_judged_as_an_answer(
        domain, language: str, text: str, intent: str, entities: list[dict]) -> None:
    keys, _ = await open_check(domain, language, text, intent, entities)
    assert not any(key.startswith("check.not_understood") for key in keys)
    assert keys == ["check.newcomer_route.intro"]


async def test_an_age_in_the_opening_message_fills_the_age_question(domain) -> None:
    keys, slots = await open_check(domain, "nl", "ik ben 19, kan ik een opleiding betaald krijgen?",
                                   "check_training_funding", [{"entity": "age", "value": "19"}])
    assert keys == ["check.training_funding.intro"]
    assert slots["check_answers"] == {"age": 19}
    ask = make_tracker("web:typed", slots={"check_id": "training_funding",
                                           "check_answers": slots["check_answers"]})
    messages, _ = await run_action(AskCheckAnswer(), ask, domain)
    assert sent_keys(messages) == ["check.question.has_studiefinanciering_right"]


async def test_a_childs_age_in_the_opening_message_fills_that_question(domain) -> None:
    _, slots = await open_check(
        domain, "uk", "Я мати-одиначка, моїй дитині 3 роки, чи мушу я працювати?",
        "check_parent_exemption", [{"entity": "child_age", "value": "3"}])
    # "мати-одиначка" (single mother) answers the first question too
    assert slots["check_answers"] == {"youngest_child_age": 3, "is_single_parent": True}
    ask = make_tracker("web:typed", slots={"check_id": "parent_exemption",
                                           "check_answers": slots["check_answers"]})
    messages, _ = await run_action(AskCheckAnswer(), ask, domain)
    assert sent_keys(messages) == ["check.question.receives_bijstand"]


@pytest.mark.parametrize(("language", "text", "intent", "entities"), OPENINGS,
                         ids=[o[0] for o in OPENINGS])
async def test_a_choice_named_in_the_opening_message_fills_its_question(
        domain, language: str, text: str, intent: str, entities: list[dict]) -> None:
    """"ik ben statushouder, ..." answers "which group are you in?" (and "24" the age)."""
    _, slots = await open_check(domain, language, text, intent, entities)
    expected = {"migrant_group": "statushouder"}
    if entities:
        expected["age"] = 24
    assert slots["check_answers"] == expected
    ask = make_tracker("web:typed", slots={"check_id": "newcomer_route",
                                           "check_answers": slots["check_answers"]})
    messages, _ = await run_action(AskCheckAnswer(), ask, domain)
    assert "check.question.migrant_group" not in sent_keys(messages)


@pytest.mark.parametrize(("text", "intent", "expected"), [
    ("Wij zijn een bedrijf in de bouw en hebben een vacature voor iemand met een uitkering.",
     "offer_vacancy", {"employer_sector": "techniek_bouw"}),
    ("welke route past bij mij?", "check_newcomer_route", {}),
    ("/check_newcomer_route", "check_newcomer_route", {}),  # a button press names nothing
    ("Ik weet niet welke route bij mij past, kunt u dat nakijken?", "check_newcomer_route", {}),
    ("mijn tweede vraag: welke route past bij mij?", "check_newcomer_route", {}),
])
async def test_an_opening_message_names_only_what_it_says(
        domain, text: str, intent: str, expected: dict) -> None:
    _, slots = await open_check(domain, "nl", text, intent, [])
    assert slots["check_answers"] == expected


def answering(answers: dict, text: str, language: str, intent: str = "inform",
              check: str = "newcomer_route"):
    return make_tracker("web:typed", slots={"check_id": check, "check_answers": answers,
                                            "requested_slot": "check_answer"},
                        text=text, intent=intent, new_slots={"check_answer": text},
                        active_loop=FORM, metadata={"language": language})


@pytest.mark.parametrize(("language", "typed", "intent", "answers", "expected"), [
    ("nl", "statushouder", "check_newcomer_route", {}, {"migrant_group": "statushouder"}),
    ("nl", "Weet ik niet", "deny", {}, {"migrant_group": None}),
    ("uk", "не знаю", "deny", {}, {"migrant_group": None}),
    ("ar", "الثاني", "nlu_fallback", {}, {"migrant_group": "gezinsmigrant"}),
    ("tr", "ikincisi", "nlu_fallback", {}, {"migrant_group": "gezinsmigrant"}),
    ("nl", "vierentwintig", "inform", {"migrant_group": "statushouder"},
     {"migrant_group": "statushouder", "age": 24}),
    # the NLU hears "deny" in "weet ik niet": the typed answer wins, it is not a no
    ("nl", "weet ik niet", "deny", {"migrant_group": "statushouder", "age": 22},
     {"migrant_group": "statushouder", "age": 22, "has_studiefinanciering_right": None}),
    ("ti", "እወ", "nlu_fallback", {"migrant_group": "statushouder", "age": 22},
     {"migrant_group": "statushouder", "age": 22, "has_studiefinanciering_right": True}),
])
async def test_typed_answers_to_check_questions(domain, language, typed, intent, answers,
                                                expected) -> None:
    messages, events = await run_action(ValidateEligibilityForm(),
                                        answering(answers, typed, language, intent), domain)
    assert sent_keys(messages) == []
    assert slot_events(events)["check_answers"] == expected


async def test_a_typed_answer_that_fits_no_button_is_asked_again(domain) -> None:
    messages, events = await run_action(ValidateEligibilityForm(),
                                        answering({}, "hallo daar", "nl", "greet"), domain)
    # a choice is asked: the buttons' words help, not "typ een getal"
    assert sent_keys(messages) == ["check.not_understood_choice"]
    assert "check_answers" not in slot_events(events)


@pytest.mark.parametrize(("language", "typed", "intent"), [
    ("nl", "ja we hebben een vacature", "offer_vacancy"),
    ("en", "yes, and how about my vacancy?", "affirm"),  # even when the NLU hears a yes
    ("uk", "так, а як щодо моєї вакансії?", "offer_vacancy"),
    ("tr", "evet, peki benim iş ilanım ne olacak?", "affirm")])
async def test_a_yes_with_a_new_topic_does_not_answer_the_check(domain, language, typed,
                                                                intent) -> None:
    """"Is the candidate's work disability established?" -- "yes, and how about my vacancy?"
    is no answer: it is said so and the question comes again."""
    tracker = answering({}, typed, language, intent, check="hiring_support")
    ask = make_tracker("web:typed", slots={"check_id": "hiring_support", "check_answers": {}})
    asked, _ = await run_action(AskCheckAnswer(), ask, domain)
    assert sent_keys(asked) == ["check.question.candidate_has_work_disability"]
    messages, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    assert sent_keys(messages) == ["answer.with_more"]
    assert "check_answers" not in slot_events(events)


async def test_a_yes_that_says_the_question_again_answers_the_check(domain) -> None:
    tracker = answering({}, "ja we hebben een vacature", "nl", "offer_vacancy",
                        check="placement_type")  # "Heeft de werkgever een vacature ...?"
    messages, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    assert sent_keys(messages) == []
    assert slot_events(events)["check_answers"] == {"has_vacancy": True}


def booking_tracker(requested: str, text: str, language: str, slots: dict | None = None,
                    intent: str = "inform"):
    return make_tracker("web:typed", slots={"requested_slot": requested, **(slots or {})},
                        text=text, intent=intent, active_loop="booking_form",
                        metadata={"language": language})


@pytest.mark.parametrize(("language", "typed", "team"), [
    ("nl", "schulden", "schuldhulp"), ("nl", "klantmanger", "klantmanager"),
    ("en", "the second", "werkgeversservicepunt"), ("uk", "третій", "taal_inburgering"),
    ("ar", "الديون", "schuldhulp")])
async def test_a_typed_team(action_settings, domain, language, typed, team) -> None:
    messages, events = await run_action(ValidateBookingForm(),
                                        booking_tracker("team", typed, language), domain)
    assert sent_keys(messages) == [] and slot_events(events)["team"] == team


async def test_a_typed_word_that_is_no_team_says_which_there_are(action_settings, domain) -> None:
    messages, events = await run_action(ValidateBookingForm(),
                                        booking_tracker("team", "banaan", "nl"), domain)
    assert sent_keys(messages) == ["booking.unknown_team"]
    assert slot_events(events)["team"] is None


@pytest.mark.parametrize(("language", "typed", "afternoon", "days_ahead"), [
    ("en", "tomorrow afternoon", True, 1), ("nl", "morgenochtend", False, 1),
    ("uk", "завтра", None, 1), ("ar", "بكرا الصبح", False, 1)])
async def test_a_day_typed_when_the_team_is_asked_is_kept_for_the_times(
        action_settings, domain, language, typed, afternoon, days_ahead) -> None:
    """"Who with?" answered with "tomorrow afternoon": the teams are asked again, and the
    times offered after the team is chosen are tomorrow afternoon's."""
    messages, events = await run_action(ValidateBookingForm(),
                                        booking_tracker("team", typed, language), domain)
    slots = slot_events(events)
    assert sent_keys(messages) == ["booking.time_noted_team_first"]
    assert slots.get("team") is None
    tomorrow = datetime.now(local_zone()).date() + timedelta(days=days_ahead)
    assert slots["time_preference"] == {"day": tomorrow.isoformat(), "at": None,
                                       "afternoon": afternoon}


@pytest.mark.parametrize(("form", "language", "text", "weekday", "afternoon"), [
    ("reschedule", "nl", "kan ik mijn afspraak verzetten naar vrijdag?", 4, None),
    ("book", "nl", "ik wil donderdagmiddag een afspraak bij de klantmanager", 3, True),
    ("book", "en", "can I come in on Wednesday morning?", 2, False),
    ("reschedule", "uk", "перенесіть мій прийом на п'ятницю", 4, None),
])
async def test_a_day_in_the_opening_message_narrows_the_times(
        action_settings, domain, form, language, text, weekday, afternoon) -> None:
    action = ValidateBookingForm() if form == "book" else ValidateRescheduleForm()
    tracker = make_tracker("web:typed", text=text, intent=f"{form}_appointment",
                           metadata={"language": language})
    # at activation Rasa sends the new loop with this message as its trigger
    tracker.latest_message["message_id"] = "m1"
    tracker.active_loop = {"name": f"{form}ing_form" if form == "book" else "reschedule_form",
                           "trigger_message": dict(tracker.latest_message)}
    _, events = await run_action(action, tracker, domain)
    preference = slot_events(events)["time_preference"]
    assert date.fromisoformat(preference["day"]).weekday() == weekday
    assert preference["afternoon"] == afternoon


@pytest.mark.parametrize("text", ["ik wil een afspraak maken", "/book_appointment",
                                  "ik bel om een afspraak te maken"])
async def test_an_opening_message_without_a_day_narrows_nothing(action_settings, domain,
                                                                text) -> None:
    tracker = make_tracker("web:typed", text=text, intent="book_appointment",
                           metadata={"language": "nl"})
    _, events = await run_action(ValidateBookingForm(), tracker, domain)
    assert "time_preference" not in slot_events(events)


@pytest.mark.parametrize(("form", "language", "text"), [
    ("reschedule", "nl", "ik kan maandag toch niet, kan het een dag later?"),
    ("reschedule", "en", "I can't make it on Tuesday, could we move it?"),
    ("reschedule", "uk", "я не можу в понеділок, можна перенести?"),
    ("reschedule", "ar", "ما بقدر إجي يوم الاثنين، ممكن نغير الموعد؟"),
    ("book", "tr", "pazartesi gelemem, başka bir gün randevu alabilir miyim"),
])
async def test_a_day_the_person_cannot_make_narrows_nothing(action_settings, domain, form,
                                                           language, text) -> None:
    """"ik kan maandag niet, kan het een dag later?" offered Monday's times: the day named
    in a sentence that says one cannot is the day to avoid."""
    action = ValidateBookingForm() if form == "book" else ValidateRescheduleForm()
    tracker = make_tracker("web:typed", text=text, intent=f"{form}_appointment",
                           metadata={"language": language})
    tracker.latest_message["message_id"] = "m1"
    tracker.active_loop = {"name": "booking_form" if form == "book" else "reschedule_form",
                           "trigger_message": dict(tracker.latest_message)}
    _, events = await run_action(action, tracker, domain)
    assert "time_preference" not in slot_events(events)


@pytest.mark.parametrize(("language", "text"), [
    ("tr", "carsamba gelemem, persembe ogleden sonra olur mu"),
    ("nl", "Woensdag kan ik niet. Donderdagmiddag wel?"),
])
async def test_the_day_one_can_after_the_day_one_cannot_narrows_the_times(
        action_settings, domain, language, text) -> None:
    """"carsamba gelemem, persembe ogleden sonra olur mu" (not Wednesday; Thursday
    afternoon?) got "type another day" (typed through the web chat): Thursday afternoon."""
    tracker = make_tracker("web:typed", slots={"team": "klantmanager"}, text=text,
                           new_slots={"appointment_time": text}, active_loop="booking_form",
                           metadata={"language": language})
    _, events = await run_action(ValidateBookingForm(), tracker, domain)
    preference = slot_events(events)["time_preference"]
    assert date.fromisoformat(preference["day"]).weekday() == 3
    assert preference["afternoon"] is True


async def test_a_day_typed_as_impossible_when_times_are_offered_asks_for_another(
        action_settings, domain) -> None:
    """"dinsdag kan ik niet" to the offered times: how to ask for another day, not
    Tuesday's times."""
    tracker = make_tracker("web:typed", slots={"team": "klantmanager"},
                           text="dinsdag kan ik niet", new_slots={"appointment_time":
                                                                  "dinsdag kan ik niet"},
                           active_loop="booking_form", metadata={"language": "nl"})
    messages, events = await run_action(ValidateBookingForm(), tracker, domain)
    assert sent_keys(messages)[0] == "booking.no_time_suits"
    assert slot_events(events)["appointment_time"] is None


async def test_an_answer_inside_the_form_is_not_an_opening(action_settings, domain) -> None:
    tracker = booking_tracker("team", "klantmanager", "nl")  # the form is running
    tracker.latest_message["text"] = "klantmanager, vrijdag"
    _, events = await run_action(ValidateBookingForm(), tracker, domain)
    assert "time_preference" not in slot_events(events)


@pytest.mark.parametrize(("language", "typed", "expected"), [
    ("nl", "klopt", True), ("tr", "evet", True), ("uk", "ні", False), ("fa", "خیر", False)])
async def test_a_typed_confirmation_of_the_erasure(domain, language, typed, expected) -> None:
    tracker = make_tracker("web:typed", slots={"requested_slot": "confirmed"}, text=typed,
                           intent="nlu_fallback", active_loop="delete_data_form",
                           metadata={"language": language})
    _, events = await run_action(ValidateDeleteDataForm(), tracker, domain)
    assert slot_events(events)["confirmed"] is expected


@pytest.mark.parametrize(("form", "action"), [
    ("delete_data_form", ValidateDeleteDataForm), ("booking_form", ValidateBookingForm),
    ("reschedule_form", ValidateRescheduleForm)])
@pytest.mark.parametrize(("language", "typed"), [
    ("nl", "ja, en hoe zit het met mijn bijstand?"), ("en", "yes, and how about my vacancy?"),
    ("uk", "так, але скільки грошей я отримаю"), ("tr", "evet ama çocuk bakımı ne olacak")])
async def test_a_yes_with_a_new_topic_confirms_nothing(action_settings, domain, form, action,
                                                       language, typed) -> None:
    """The NLU heard a yes (the slot mapping of affirm set it): the typed text says more, so
    nothing is confirmed (nothing booked, moved or erased), and the confirmation is asked
    again."""
    tracker = make_tracker("web:typed", slots={"requested_slot": "confirmed"}, text=typed,
                           intent="affirm", new_slots={"confirmed": True}, active_loop=form,
                           metadata={"language": language})
    messages, events = await run_action(action(), tracker, domain)
    assert sent_keys(messages) == ["answer.with_more"]
    assert slot_events(events) == {"confirmed": None}


async def test_a_typed_hour_after_a_narrowed_day_stays_on_that_day(action_settings,
                                                                   domain) -> None:
    zone = local_zone()
    tuesday = datetime.now(zone).date() + timedelta(days=1)
    while tuesday.weekday() != 1:
        tuesday += timedelta(days=1)
    narrowed = {"day": tuesday.isoformat(), "at": None, "afternoon": True}
    for typed in ("14:00", "om 2 uur", "om twee uur", "twee uur"):
        tracker = booking_tracker("appointment_time", typed, "nl",
                                  {"team": "klantmanager", "time_preference": narrowed},
                                  intent="inform")
        tracker = make_tracker("web:typed", slots=tracker.slots, text=typed,
                               new_slots={"appointment_time": typed},
                               active_loop="booking_form", metadata={"language": "nl"})
        messages, events = await run_action(ValidateBookingForm(), tracker, domain)
        slots = slot_events(events)
        if slots.get("appointment_time"):  # free: exactly Tuesday 14:00
            assert datetime.fromisoformat(slots["appointment_time"]) == datetime.combine(
                tuesday, datetime.min.time().replace(hour=14), tzinfo=zone)
        else:  # taken: the offer stays on Tuesday
            assert slots["time_preference"]["day"] == tuesday.isoformat()
        if not slots.get("appointment_time"):
            offer = make_tracker("web:typed", slots={"team": "klantmanager",
                                                     "time_preference": slots["time_preference"]})
            _, offered = await run_action(AskAppointmentTime(), offer, domain)
            days = {datetime.fromisoformat(t).astimezone(zone).date()
                    for t in slot_events(offered)["offered_times"]}
            assert days == {tuesday}


async def test_an_answer_not_understood_keeps_the_narrowed_day(action_settings,
                                                                domain) -> None:
    """"dinsdagochtend", then something that is no time: the times offered again are still
    Tuesday morning's, not the first free times of the week."""
    zone = local_zone()
    tuesday = datetime.now(zone).date() + timedelta(days=1)
    while tuesday.weekday() != 1:
        tuesday += timedelta(days=1)
    narrowed = {"day": tuesday.isoformat(), "at": None, "afternoon": False}
    typed = "ik kom met de fiets"
    tracker = make_tracker("web:typed", slots={"team": "klantmanager",
                                               "time_preference": narrowed},
                           text=typed, new_slots={"appointment_time": typed},
                           active_loop="booking_form", metadata={"language": "nl"})
    messages, events = await run_action(ValidateBookingForm(), tracker, domain)
    slots = slot_events(events)
    assert "booking.time_not_understood" in sent_keys(messages)
    assert slots["appointment_time"] is None and slots["time_preference"] == narrowed
    offer = make_tracker("web:typed", slots={"team": "klantmanager", "time_preference": narrowed})
    _, offered = await run_action(AskAppointmentTime(), offer, domain)
    moments = [datetime.fromisoformat(t).astimezone(zone)
               for t in slot_events(offered)["offered_times"]]
    assert moments and {m.date() for m in moments} == {tuesday}
    assert all(m.hour < 12 for m in moments)


async def test_a_team_word_the_nlu_misread_is_read_from_the_typed_title(action_settings,
                                                                        domain) -> None:
    """The NLU took "danışmanı" of the Turkish title for a team: the title still decides."""
    typed = "bir klantmanager (iş ve gelir danışmanı)"
    tracker = make_tracker("web:typed", slots={"requested_slot": "team"}, text=typed,
                           new_slots={"team": "danışmanı"}, active_loop="booking_form",
                           metadata={"language": "tr"})
    messages, events = await run_action(ValidateBookingForm(), tracker, domain)
    assert sent_keys(messages) == [] and slot_events(events)["team"] == "klantmanager"


@pytest.mark.parametrize(("language", "typed"), [
    ("nl", "nee"), ("nl", "weet ik niet"), ("en", "no"), ("en", "I don't know"),
    ("uk", "ні"), ("uk", "не знаю"), ("ar", "لا"), ("tr", "hayır"), ("tr", "bilmiyorum"),
    ("fa", "نه"), ("ti", "ኣይፋል"),
])
@pytest.mark.parametrize("form", [ValidateBookingForm, ValidateRescheduleForm])
async def test_no_or_dont_know_where_times_are_offered_says_how_to_go_on(
        action_settings, domain, language: str, typed: str, form) -> None:
    """"nee" to the offered times got "I did not understand that time" again and again: now
    the person hears how to ask for another day, with a button to stop, and keeps the day
    they narrowed to."""
    narrowed = {"day": (date.today() + timedelta(days=3)).isoformat(), "at": None,
                "afternoon": True}
    tracker = make_tracker("web:typed", slots={"team": "klantmanager",
                                               "time_preference": narrowed,
                                               "requested_slot": "appointment_time"},
                           text=typed, intent="deny", new_slots={"appointment_time": typed},
                           active_loop=form().form_name(), metadata={"language": language})
    messages, events = await run_action(form(), tracker, domain)
    assert sent_keys(messages) == ["booking.no_time_suits"]
    assert [b["payload"] for b in messages[0]["custom"]["buttons"]] == ["/stop"]
    slots = slot_events(events)
    assert slots["appointment_time"] is None and slots["time_preference"] == narrowed


async def test_an_unclear_time_is_still_not_taken_for_a_no(action_settings, domain) -> None:
    tracker = make_tracker("web:typed", slots={"team": "klantmanager"}, text="de blauwe",
                           new_slots={"appointment_time": "de blauwe"},
                           active_loop="booking_form", metadata={"language": "nl"})
    messages, _ = await run_action(ValidateBookingForm(), tracker, domain)
    assert sent_keys(messages) == ["booking.time_not_understood"]


def next_monday() -> date:
    today = datetime.now(local_zone()).date()
    return today + timedelta(days=7 - today.weekday())


@pytest.mark.parametrize(("language", "typed"), [
    ("nl", "volgende week"), ("nl", "komende week graag"), ("en", "next week"),
    ("ar", "الاسبوع القادم"), ("ar", "الأسبوع الجاي"), ("fa", "هفته بعد"),
    ("fa", "هفته آینده"), ("ti", "ኣብ ዝመጽእ ሰሙን"), ("tr", "haftaya"),
    ("tr", "gelecek hafta"), ("uk", "наступного тижня"), ("uk", "на наступному тижні")])
async def test_next_week_offers_next_weeks_times(action_settings, domain, language,
                                                 typed) -> None:
    """"volgende week" where a time is asked was "not understood" (only "volgende week
    dinsdag" was): now the times offered are all in next week, in every language."""
    tracker = make_tracker("web:typed", slots={"team": "klantmanager"}, text=typed,
                           new_slots={"appointment_time": typed},
                           active_loop="booking_form", metadata={"language": language})
    messages, events = await run_action(ValidateBookingForm(), tracker, domain)
    slots = slot_events(events)
    assert "booking.time_not_understood" not in sent_keys(messages)
    monday = next_monday()
    assert slots["time_preference"] == {"day": None, "at": None, "afternoon": None,
                                        "week": monday.isoformat()}
    offer = make_tracker("web:typed", slots={"team": "klantmanager",
                                             "time_preference": slots["time_preference"]})
    _, offered = await run_action(AskAppointmentTime(), offer, domain)
    days = {datetime.fromisoformat(t).astimezone(local_zone()).date()
            for t in slot_events(offered)["offered_times"]}
    assert days and all(monday <= day < monday + timedelta(days=7) for day in days)


async def test_an_afternoon_after_next_week_stays_in_that_week(action_settings,
                                                                domain) -> None:
    monday = next_monday()
    narrowed = {"day": None, "at": None, "afternoon": None, "week": monday.isoformat()}
    tracker = make_tracker("web:typed", slots={"team": "klantmanager",
                                               "time_preference": narrowed},
                           text="middag", new_slots={"appointment_time": "middag"},
                           active_loop="booking_form", metadata={"language": "nl"})
    _, events = await run_action(ValidateBookingForm(), tracker, domain)
    assert slot_events(events)["time_preference"] == {**narrowed, "afternoon": True}
