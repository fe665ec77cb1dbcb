"""Typed choices in the fallback's "Bedoelt u ...?" menu: a title typed in any language, with
a typo, or by its position becomes that button's payload; a new question stays a question.
A real Gateway and the real catalogs against a fake Rasa, and table tests of the matcher."""

from __future__ import annotations

import pytest

from assistant.typed_answers.menus import (
    DID_YOU_MEAN,
    LANGUAGE_MENU,
    WHICH_TOPIC,
    menu_choice,
    menu_options,
)
from bot.gateway import Conversation, Gateway
from tests.fakes import FakeRasa, bot_message

TOPICS = ["/apply_benefit", "/book_appointment", "/referral_uwv", "/deny"]
OPTIONS = menu_options(DID_YOU_MEAN, TOPICS)


@pytest.mark.parametrize(("language", "typed", "expected"), [
    ("nl", "Uitkering aanvragen", "/apply_benefit"),
    ("nl", "uitkering aanvragn", "/apply_benefit"),
    ("nl", "uitkering", "/apply_benefit"),
    ("nl", "de tweede", "/book_appointment"),
    ("nl", "2", "/book_appointment"),
    ("nl", "de twede", "/book_appointment"),
    ("nl", "iets anders", "/deny"),
    ("nl", "de laatste", "/deny"),
    ("en", "something else", "/deny"),
    ("en", "the first one", "/apply_benefit"),
    ("uk", "третій", "/referral_uwv"),
    ("ar", "الثاني", "/book_appointment"),
    ("tr", "ikincisi", "/book_appointment"),
    # a new question or something no button says: Rasa reads it
    ("nl", "ik wil weten hoe lang een uitkering aanvragen duurt bij jullie", None),
    ("nl", "mijn uitkering is te laat", None),
    ("nl", "hallo", None),
    ("nl", "5", None),
])
def test_typed_did_you_mean_choices(language: str, typed: str, expected: str | None) -> None:
    assert menu_choice(typed, OPTIONS, language) == expected


def test_only_the_menus_of_the_gateway_are_taken() -> None:
    assert menu_options("check.question", TOPICS) == ()
    assert menu_options(DID_YOU_MEAN, ['/inform{"choice":"x"}']) == ()
    assert [o.value for o in menu_options(
        LANGUAGE_MENU, ['/choose_language{"language":"en"}', "/x"])] == [
        '/choose_language{"language":"en"}']


def did_you_mean() -> list[dict]:
    return [bot_message(DID_YOU_MEAN, buttons=[
        {"key": "fallback.something_else" if p == "/deny" else f"intent.{p[1:]}", "payload": p}
        for p in TOPICS])]


@pytest.mark.parametrize(("typed", "sent"), [
    ("uitkering aanvragen", "/apply_benefit"), ("de tweede", "/book_appointment"),
    ("Iets anders", "/deny")])
async def test_a_typed_choice_reaches_rasa_as_the_button(
        gateway: Gateway, fake_rasa: FakeRasa, typed: str, sent: str) -> None:
    fake_rasa.answers["wat moet ik doen"] = did_you_mean()
    person = Conversation("web:" + "c" * 32, "web", "nl")
    await gateway.handle_text(person, "wat moet ik doen")
    await gateway.handle_text(person, typed)
    assert fake_rasa.messages == ["wat moet ik doen", sent]
    # the menu was answered: the same words later are a question again
    await gateway.handle_text(person, typed)
    assert fake_rasa.messages[-1] == typed


@pytest.mark.parametrize(("language", "question", "typed"), [
    ("nl", "wat moet ik doen", "ja"), ("en", "what should I do", "yes"),
    ("uk", "що мені робити", "так"), ("ar", "ماذا أفعل", "نعم"), ("tr", "ne yapmalıyım", "evet")])
async def test_yes_to_did_you_mean_asks_which_topic(
        gateway: Gateway, fake_rasa: FakeRasa, language: str, question: str, typed: str) -> None:
    """"Is your question about one of these topics?" "Yes": which one is not said, so the
    topics come again with a question, instead of "OK, anything else?" from Rasa."""
    fake_rasa.answers[question] = did_you_mean()
    person = Conversation("web:" + "d" * 32, "web", language, language_chosen=True)
    await gateway.handle_text(person, question)
    [again] = await gateway.handle_text(person, typed)
    assert fake_rasa.messages == [question]  # the yes did not reach Rasa
    assert again.key == WHICH_TOPIC and again.language == language
    assert [b.payload for b in again.buttons] == TOPICS
    assert gateway.translator.text(WHICH_TOPIC, language) in again.text  # (RLM first in ar)
    # the topics can be chosen from the new question, typed or pressed
    await gateway.handle_text(person, "2")
    assert fake_rasa.messages[-1] == "/book_appointment"


async def test_yes_to_a_single_topic_chooses_it(gateway: Gateway, fake_rasa: FakeRasa) -> None:
    fake_rasa.answers["schulden"] = [bot_message(DID_YOU_MEAN, buttons=[
        {"key": "intent.ask_debt_help", "payload": "/ask_debt_help"},
        {"key": "fallback.something_else", "payload": "/deny"}])]
    person = Conversation("web:" + "e" * 32, "web", "nl")
    await gateway.handle_text(person, "schulden")
    await gateway.handle_text(person, "ja hoor")
    assert fake_rasa.messages == ["schulden", "/ask_debt_help"]


async def test_yes_after_another_menu_goes_to_rasa(gateway: Gateway, fake_rasa: FakeRasa) -> None:
    fake_rasa.answers["vraag"] = [bot_message("check.question", buttons=[
        {"key": "button.yes", "payload": "/affirm"}, {"key": "button.no", "payload": "/deny"}])]
    person = Conversation("web:" + "f" * 32, "web", "nl")
    await gateway.handle_text(person, "vraag")
    await gateway.handle_text(person, "ja")
    assert fake_rasa.messages == ["vraag", "ja"]


CHECKS = ["/check_placement_type", "/check_newcomer_route", "/check_training_funding",
          "/check_parent_exemption", "/check_self_employment", "/offer_vacancy",
          "/check_hiring_support"]


def check_menu() -> list[dict]:
    keys = ["check.placement_type.title", "check.newcomer_route.title",
            "check.training_funding.title", "check.parent_exemption.title",
            "check.self_employment.title", "check.employer_intake.title",
            "check.hiring_support.title"]
    return [bot_message("check.menu", buttons=[
        {"key": key, "payload": payload} for key, payload in zip(keys, CHECKS, strict=True)])]


@pytest.mark.parametrize(("language", "typed", "sent"), [
    ("nl", "de tweede", "/check_newcomer_route"), ("nl", "2", "/check_newcomer_route"),
    ("nl", "de laatste", "/check_hiring_support"),
    ("nl", "Werkstage of proefplaatsing", "/check_placement_type"),
    ("ar", "الثاني", "/check_newcomer_route"), ("ar", "الأول", "/check_placement_type"),
    ("fa", "دومی", "/check_newcomer_route"), ("ti", "ካልኣይ", "/check_newcomer_route"),
    ("tr", "üçüncü", "/check_training_funding"), ("uk", "третій", "/check_training_funding"),
    ("en", "the fourth one", "/check_parent_exemption")])
async def test_a_position_typed_in_the_menu_of_checks_is_that_check(
        gateway: Gateway, fake_rasa: FakeRasa, language: str, typed: str, sent: str) -> None:
    """"Waar wilt u naar kijken?" with seven checks, answered "de tweede" or "الثاني": the NLU
    took it for a new message and showed the help menu (typed through the web chat)."""
    fake_rasa.answers["kom ik in aanmerking"] = check_menu()
    person = Conversation("web:" + "d" * 32, "web", language, language_chosen=True)
    await gateway.handle_text(person, "kom ik in aanmerking")
    await gateway.handle_text(person, typed)
    assert fake_rasa.messages == ["kom ik in aanmerking", sent]


@pytest.mark.parametrize("typed", ["afspraak verzetten", "werkstage", "statushouder",
                                   "ik wil weten of de gemeente mijn opleiding betaalt"])
async def test_a_word_of_a_title_in_an_open_menu_is_left_to_the_nlu(
        gateway: Gateway, fake_rasa: FakeRasa, typed: str) -> None:
    """One word of a title ("afspraak" of "Afspraak maken") does not choose a button in the
    welcome, help or checks menu: "afspraak verzetten" is another question."""
    fake_rasa.answers["help"] = [bot_message("help.menu", buttons=[
        {"key": "menu.book_appointment", "payload": "/book_appointment"},
        {"key": "menu.list_appointments", "payload": "/list_appointments"}])]
    person = Conversation("web:" + "e" * 32, "web", "nl")
    await gateway.handle_text(person, "help")
    await gateway.handle_text(person, typed)
    assert fake_rasa.messages == ["help", typed]


UNKNOWN = '/inform{"choice":"unknown"}'


def check_question() -> list[dict]:
    return [bot_message("check.question.age", buttons=[
        {"key": "check.choice.statushouder", "payload": '/inform{"choice":"statushouder"}'},
        {"key": "answer.dont_know", "payload": UNKNOWN}])]


@pytest.mark.parametrize(("language", "typed"), [
    ("ar", "ما بعرف"), ("ar", "ما بعرف والله"), ("ar", "لا أعرف"), ("ar", "لا اعرف"),
    ("nl", "weet ik niet"), ("nl", "geen idee"), ("uk", "не знаю"), ("tr", "bilmiyorum"),
    ("fa", "نمی‌دانم"), ("ti", "ኣይፈልጥን"), ("en", "I don't know")])
async def test_i_dont_know_typed_to_a_question_is_its_button(
        gateway: Gateway, fake_rasa: FakeRasa, language: str, typed: str) -> None:
    """"ما بعرف" (Levantine Arabic "I don't know") to a check's question was read by the
    NLU as choose_language ("ما بعرف هولندي": I don't know Dutch) and left the check for the
    language menu (typed through the web chat). Typed, it is the "Weet ik niet" button."""
    fake_rasa.answers["start"] = check_question()
    person = Conversation("web:" + "f" * 32, "web", language, language_chosen=True)
    await gateway.handle_text(person, "start")
    await gateway.handle_text(person, typed)
    assert fake_rasa.messages == ["start", UNKNOWN]


def register_question() -> list[dict]:
    return [bot_message("check.question.candidate_register", buttons=[
        {"key": "answer.yes", "payload": '/inform{"choice":"true"}'},
        {"key": "check.choice.in_doelgroepregister",
         "payload": '/inform{"choice":"doelgroepregister"}'},
        {"key": "check.choice.none_of_these", "payload": NONE_OF_THESE},
        {"key": "answer.dont_know", "payload": UNKNOWN}])]


NONE_OF_THESE = '/inform{"choice":"geen"}'


@pytest.mark.parametrize(("language", "typed"), [
    ("nl", "geen van deze"), ("nl", "Geen van deze."), ("nl", "gen van deze"),
    ("en", "none of these"), ("uk", "нічого з цього"), ("tr", "hiçbiri")])
async def test_a_choice_typed_by_its_title_is_its_button(
        gateway: Gateway, fake_rasa: FakeRasa, language: str, typed: str) -> None:
    """"geen van deze" typed to "Staat de kandidaat in het doelgroepregister...?" was read
    by the NLU as stop, and the check ended ("Oké, ik ben gestopt"). A whole title typed, in
    any language and with a typo, is that button."""
    assert await sent_to_the_register_question(gateway, fake_rasa, language, typed) == [
        "start", NONE_OF_THESE]


@pytest.mark.parametrize("typed", [
    "ik weet niet hoe ik een uitkering moet aanvragen bij jullie", "geen", "ja", "stop",
    "ja, we hebben een vacature"])
async def test_other_answers_to_a_question_with_choices_go_to_rasa(
        gateway: Gateway, fake_rasa: FakeRasa, typed: str) -> None:
    """A yes, a word of a title, "stop" or a new question is the form's and the NLU's."""
    assert await sent_to_the_register_question(gateway, fake_rasa, "nl", typed) == [
        "start", typed]


async def sent_to_the_register_question(gateway: Gateway, fake_rasa: FakeRasa, language: str,
                                        typed: str) -> list[str]:
    """What Rasa received when ``typed`` answered register_question()."""
    fake_rasa.answers["start"] = register_question()
    person = Conversation("web:" + "f" * 32, "web", language, language_chosen=True)
    await gateway.handle_text(person, "start")
    await gateway.handle_text(person, typed)
    return fake_rasa.messages


@pytest.mark.parametrize("typed", [
    "ik weet niet hoe ik een uitkering moet aanvragen bij jullie", "ja"])
async def test_other_answers_to_a_question_with_dont_know_go_to_rasa(
        gateway: Gateway, fake_rasa: FakeRasa, typed: str) -> None:
    fake_rasa.answers["start"] = check_question()
    person = Conversation("web:" + "f" * 32, "web", "nl")
    await gateway.handle_text(person, "start")
    await gateway.handle_text(person, typed)
    assert fake_rasa.messages == ["start", typed]
