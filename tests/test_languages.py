"""Choosing a language, keeping it, and showing every language correctly: a real Gateway and
the real catalogs against a fake Rasa."""

from __future__ import annotations

import pytest

from assistant.language_data import read_catalog
from assistant.storage import ProfileStore
from bot.gateway import Button, Conversation, Gateway, Reply, dominant_script
from bot.i18n import FSI, PDI, RLM, Translator
from tests.fakes import FakeRasa, bot_message

LANGUAGES = ["ar", "en", "fa", "fa_AF", "nl", "ti", "tr", "uk"]
NATIVE_NAMES = {"nl": "Nederlands", "en": "English", "ar": "العربية", "ti": "ትግርኛ",
                "fa": "فارسی", "fa_AF": "دری", "tr": "Türkçe", "uk": "Українська"}
CHOOSE_UK = '/choose_language{"language":"uk"}'


@pytest.fixture
async def language_gateway(fake_rasa: FakeRasa, translator: Translator, sqlite_url: str):
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                      profiles=ProfileStore(sqlite_url))
    yield gateway
    await gateway.close()


def conversation(language: str = "nl", *, first_contact: bool = False) -> Conversation:
    return Conversation("web:" + "a" * 32, "web", language, first_contact=first_contact)


def test_every_language_has_a_catalog(translator: Translator) -> None:
    assert translator.languages() == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_is_named_in_its_own_script(translator: Translator, language: str) -> None:
    assert translator.text("language.name", language) == NATIVE_NAMES[language]


async def test_first_contact_ends_with_the_language_menu(
        language_gateway: Gateway, fake_rasa: FakeRasa, translator: Translator) -> None:
    fake_rasa.answer("/greet", "greet.welcome")
    replies = await language_gateway.handle_payload(conversation(first_contact=True), "/greet")
    assert [r.text for r in replies[:-1]] == [translator.text("greet.welcome", "nl")]
    menu = replies[-1]
    assert menu.text == translator.text("language.choose", "nl")
    assert {b.title for b in menu.buttons} == set(NATIVE_NAMES.values())
    assert {b.payload for b in menu.buttons} == {
        f'/choose_language{{"language":"{code}"}}' for code in LANGUAGES}


async def test_a_choice_is_kept_for_the_person_and_answered_in_the_new_language(
        language_gateway: Gateway, fake_rasa: FakeRasa, translator: Translator) -> None:
    fake_rasa.answers[CHOOSE_UK] = [{"custom": {"key": "language.changed", "args": {},
                                                "set_language": "uk"}}]
    language_gateway.remember_offered(conversation().sender_id,  # the menu was shown
                                      [language_gateway.language_menu("nl")])
    [reply] = await language_gateway.handle_payload(conversation(), CHOOSE_UK)
    assert (reply.language, reply.text) == ("uk", translator.text("language.changed", "uk"))
    assert reply.text != translator.text("language.changed", "nl")
    profile = language_gateway.profiles.get("web:" + "a" * 32)
    assert profile.language == "uk"


async def test_a_language_we_do_not_have_is_not_switched_to(
        language_gateway: Gateway, fake_rasa: FakeRasa) -> None:
    fake_rasa.answers["/x"] = [{"custom": {"key": "language.changed", "args": {},
                                           "set_language": "kl"}}]
    language_gateway.remember_offered(conversation().sender_id,
                                      [Reply("?", (Button("x", "/x"),))])
    [reply] = await language_gateway.handle_payload(conversation(), "/x")
    assert fake_rasa.messages == ["/x"]
    assert reply.language == "nl"
    assert language_gateway.profiles.get("web:" + "a" * 32) is None


async def test_writing_in_another_script_offers_that_scripts_languages_first(
        language_gateway: Gateway, fake_rasa: FakeRasa) -> None:
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    replies = await language_gateway.handle_text(conversation("nl"), "أريد موعدا من فضلك")
    menu = replies[-1]
    first = [b.payload.split('"')[3] for b in menu.buttons[:3]]
    assert sorted(first) == ["ar", "fa", "fa_AF"]
    assert len(menu.buttons) == len(LANGUAGES)


@pytest.mark.parametrize(("typed", "first"), [
    ("Hello, I recently moved to Beilen and I am looking for a job. Can someone help me?", "en"),
    ("Merhaba, ben iş arıyorum ve bana yardım edebilir misiniz?", "tr"),
])
async def test_a_sentence_in_another_latin_language_offers_it_first(
        language_gateway: Gateway, fake_rasa: FakeRasa, typed: str, first: str) -> None:
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    replies = await language_gateway.handle_text(conversation("nl"), typed)
    assert replies[-1].buttons[0].payload == f'/choose_language{{"language":"{first}"}}'
    assert len(replies[-1].buttons) == len(LANGUAGES)


@pytest.mark.parametrize("typed", [
    "Ik wil graag een afspraak maken met de klantmanager",
    "Ik heb een vraag over de bijstand en mijn job als developer",
    "afspraak maken", "job coach",
])
async def test_dutch_with_english_terms_gets_no_hint(
        language_gateway: Gateway, fake_rasa: FakeRasa, typed: str) -> None:
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    assert len(await language_gateway.handle_text(conversation("nl"), typed)) == 1


async def test_no_hint_once_the_person_has_chosen(
        language_gateway: Gateway, fake_rasa: FakeRasa) -> None:
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    chosen = Conversation("web:" + "b" * 32, "web", "uk", language_chosen=True)
    replies = await language_gateway.handle_text(chosen, "afspraak bij de klantmanager")
    assert len(replies) == 1


async def test_no_language_menu_when_the_script_matches(
        language_gateway: Gateway, fake_rasa: FakeRasa) -> None:
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    replies = await language_gateway.handle_text(conversation("uk"), "хочу записатися")
    assert len(replies) == 1
    tigrinya = await language_gateway.handle_text(conversation("nl"), "ሰላም ቆጸራ ይደሊ")
    assert [b.payload for b in tigrinya[-1].buttons][0] == '/choose_language{"language":"ti"}'


@pytest.mark.parametrize("typed", ["ABC-123", "kxr-ptm", "KXRPTM", "14:00", "12-12",
                                   "7 december", "maandag 9:00", "10 am", "3e"])
@pytest.mark.parametrize("language", ["ar", "uk", "ti"])
async def test_a_reference_number_time_or_date_hints_at_no_language(
        language_gateway: Gateway, fake_rasa: FakeRasa, typed: str, language: str) -> None:
    """Latin letters in an Arabic conversation that are only a booking reference or a date
    are the same in every language: no language menu (it offered the Latin languages)."""
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    replies = await language_gateway.handle_text(conversation(language), typed)
    assert len(replies) == 1


@pytest.mark.parametrize(("language", "typed"), [
    ("ar", "klantmanager"), ("ar", "Werkgeversservicepunt"), ("fa", "budgetconsulent"),
    ("uk", "klantmanager"), ("ti", "bijstand"), ("ar", "uitkering")])
async def test_a_dutch_name_the_conversations_texts_keep_hints_at_no_language(
        language_gateway: Gateway, fake_rasa: FakeRasa, language: str, typed: str) -> None:
    """The Arabic button "klantmanager (موظف العمل والدخل)" typed back as "klantmanager" got
    the Latin languages' menu."""
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    assert len(await language_gateway.handle_text(conversation(language), typed)) == 1


async def test_words_around_a_reference_still_hint(
        language_gateway: Gateway, fake_rasa: FakeRasa) -> None:
    fake_rasa.default_answer = [bot_message("fallback.not_understood")]
    replies = await language_gateway.handle_text(conversation("nl"), "أريد إلغاء ABC-123")
    assert sorted(b.payload.split('"')[3] for b in replies[-1].buttons[:3]) == [
        "ar", "fa", "fa_AF"]


@pytest.mark.parametrize(("text", "script"), [
    ("hallo", "LATIN"), ("مرحبا", "ARABIC"), ("سلام، وقت می‌خواهم", "ARABIC"),
    ("ሰላም", "ETHIOPIC"), ("привіт", "CYRILLIC"), ("👍 123", None)])
def test_dominant_script(text: str, script: str | None) -> None:
    assert dominant_script(text) == script


@pytest.mark.parametrize("language", ["ar", "fa", "fa_AF"])
def test_right_to_left_replies_stay_right_to_left_when_they_start_with_dutch(
        language_gateway: Gateway, language: str) -> None:
    message = {"key": "check.condition.met",
               "args": {"label": "Stark", "answer": 29, "rule": "27", "source": "004 §5.3",
                        "note": ""},
               "buttons": [{"key": "language.option", "args": {"name": "Stark"},
                            "payload": "/x"}]}
    reply = language_gateway.render(message, language)
    assert all(line.startswith(RLM) for line in reply.text.split("\n"))
    assert f"{FSI}004 §5.3{PDI}" in reply.text  # the source keeps its own order
    assert reply.buttons[0].title.startswith(RLM)


@pytest.mark.parametrize("language", ["nl", "en", "tr", "uk", "ti"])
def test_left_to_right_replies_get_no_marks(language_gateway: Gateway, language: str) -> None:
    reply = language_gateway.render({"key": "check.outcome.title",
                                     "args": {"title": "Stark"}}, language)
    assert RLM not in reply.text and FSI not in reply.text
    assert "Stark" in reply.text


@pytest.mark.parametrize(("language", "forms"), [("ar", 6), ("uk", 4), ("nl", 2), ("fa", 2),
                                                 ("ti", 2), ("tr", 2), ("en", 2)])
def test_plural_forms_follow_cldr(translator: Translator, language: str, forms: int) -> None:
    samples = {"ar": [0, 1, 2, 3, 11, 100], "uk": [1, 2, 5], "nl": [1, 2], "fa": [1, 2],
               "ti": [1, 2], "tr": [1, 2], "en": [1, 2]}[language]
    texts = {translator.text("duration.months", language, {"count": n}) for n in samples}
    assert len(texts) == len(samples)  # every CLDR category has its own text
    assert read_catalog(language).num_plurals == forms


@pytest.mark.parametrize("language", ["ar", "uk", "tr"])
def test_dates_and_amounts_follow_the_locale(translator: Translator, language: str) -> None:
    moment = {"type": "datetime", "value": "2026-12-01T08:30:00+00:00"}
    dutch = translator.format_arg(moment, "nl")
    local = translator.format_arg(moment, language)
    assert "09:30" in dutch and local != dutch  # Europe/Amsterdam time, local month names
    money = translator.format_arg({"type": "money", "value": 30000}, language)
    assert "300" in money and money != translator.format_arg(
        {"type": "money", "value": 30000}, "nl")  # "€ 300,00" is Dutch, not theirs


def test_multi_line_values_are_not_isolated_across_lines(language_gateway: Gateway) -> None:
    """The reasons of a check are several lines: an isolate cannot span them, and every line
    must open right to left on its own."""
    reasons = {"type": "lines", "items": [
        {"type": "msg", "key": "check.condition.met", "args": {
            "label": "Stark", "answer": 30, "rule": "27", "source": "004 §5.1", "note": ""}},
        {"type": "msg", "key": "check.condition.not_met", "args": {
            "label": "Stark", "answer": 30, "rule": "27", "source": "004 §5.2", "note": ""}}]}
    reply = language_gateway.render({"key": "check.outcome.fits", "args": {
        "provision": "Stark", "reasons": reasons}}, "ar")
    lines = reply.text.split("\n")
    assert len(lines) == 3 and all(line.startswith(RLM) for line in lines)
    for line in lines:  # every isolate opened on a line is closed on it
        assert line.count(FSI) == line.count(PDI)


@pytest.mark.parametrize(("preferred", "best"), [
    (["en-GB"], "en"), (["fa_IR"], "fa"), (["fa-AF"], "fa_AF"), (["pt-BR", "uk"], "uk"),
    (["pt-BR"], None), ([""], None)])
def test_hints_are_matched_to_the_languages_we_have(translator: Translator, preferred: list[str],
                                                    best: str | None) -> None:
    """One rule for Telegram's language_code and the browser's Accept-Language."""
    assert translator.best_language(preferred) == best


@pytest.mark.parametrize(("typed", "language"), [
    ("de tweede", "en"), ("2", "en"), ("de twede", "en"), ("nummer 3", "ar"), ("de laatste", "uk")])
async def test_the_language_menu_is_chosen_by_position(
        language_gateway: Gateway, fake_rasa: FakeRasa, typed: str, language: str) -> None:
    menu = language_gateway.language_menu("nl", first=["nl", "en", "ar"])
    assert menu.buttons[-1].payload == '/choose_language{"language":"uk"}'  # the last one
    language_gateway.remember_offered(conversation().sender_id, [menu])
    await language_gateway.handle_text(conversation(), typed)
    assert fake_rasa.messages == [f'/choose_language{{"language":"{language}"}}']


@pytest.mark.parametrize("typed", ["mijn eerste afspraak", "ik kies de tweede", "afspraak"])
async def test_a_question_after_the_language_menu_is_no_choice_of_language(
        language_gateway: Gateway, fake_rasa: FakeRasa, typed: str) -> None:
    language_gateway.remember_offered(conversation().sender_id,
                                      [language_gateway.language_menu("nl")])
    await language_gateway.handle_text(conversation(), typed)
    assert fake_rasa.messages == [typed]


async def test_the_menu_is_forgotten_once_something_else_was_shown(
        language_gateway: Gateway, fake_rasa: FakeRasa) -> None:
    sender = conversation().sender_id
    language_gateway.remember_offered(sender, [language_gateway.language_menu("nl")])
    await language_gateway.handle_text(conversation(), "hallo")  # answered without a menu
    await language_gateway.handle_text(conversation(), "de tweede")
    assert fake_rasa.messages == ["hallo", "de tweede"]


async def test_a_menu_beside_a_question_with_buttons_is_not_chosen_by_position(
        language_gateway: Gateway, fake_rasa: FakeRasa) -> None:
    """The language hint under a question with buttons: "2" answers the question."""
    sender = conversation().sender_id
    question = Reply("?", (Button("Ja", "/affirm"), Button("Nee", "/deny")))
    language_gateway.remember_offered(sender, [question, language_gateway.language_menu("nl")])
    await language_gateway.handle_text(conversation(), "2")
    assert fake_rasa.messages == ["2"]
