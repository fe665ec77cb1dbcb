"""Table tests of the typed-answer matcher: every button of every question in every language,
generated from the checks data (policy/*/checks.yml) and the catalogs, then hand-written rows
for typos, synonyms, ordinals, numbers, yes/no and "I don't know", and rows that must NOT match.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.language_data import catalog_languages
from assistant.policy import Fact, Question, load_checks, read_vocabulary
from assistant.policy.municipality import load_municipality
from assistant.settings import PROJECT_ROOT
from assistant.typed_answers import Special, number_in, ordinal_in, understand_yes_no
from assistant.typed_answers.languages import language_named
from assistant.typed_answers.questions import (
    check_options,
    understand_check_answer,
    understand_confirmation,
    understand_team,
)
from assistant.typed_answers.vocabulary import catalog_titles, language_words
from bot.i18n import Translator

POLICY = PROJECT_ROOT / "policy"
LANGUAGES = catalog_languages()
FACTS: dict[str, Fact] = read_vocabulary(POLICY).facts
TRANSLATOR = Translator(PROJECT_ROOT / "locales", "nl", "Europe/Amsterdam")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def distinct_questions() -> dict[str, Question]:
    """Every question of every municipality's checks, once per (fact, choices)."""
    found: dict[str, Question] = {}
    for path in sorted(POLICY.glob("*/checks.yml")):
        for check in load_checks(path.parent).values():
            for question in check.questions:
                found.setdefault(f"{question.fact}:{question.choices}", question)
    return found


def title(key: str, language: str, args: dict | None = None) -> str:
    """A button title as shown: a plural label with its value ("16 uur", "16 годин")."""
    if args:
        return TRANSLATOR.text(key, language, args)
    return catalog_titles()[key][language]


def button_rows() -> list[Any]:
    """(question, typed title, language, expected value) for every button and language, as
    shown and as typed in lower case without the part in brackets."""
    rows = []
    for question in distinct_questions().values():
        fact = FACTS[question.fact]
        for option in check_options(question, fact):
            args = next((c.label_args() for c in question.choices if c.value == option.value),
                        {})
            for language in LANGUAGES:
                shown = title(option.keys[0], language, args)
                head = re.sub(r"\s*\(.*?\)", "", shown).lower()
                for typed in dict.fromkeys([shown, head]):
                    rows.append(pytest.param(question, typed, language, option.value,
                                             id=f"{question.fact}-{language}-{typed}"))
    return rows


@pytest.mark.parametrize(("question", "typed", "language", "expected"), button_rows())
def test_every_button_title_in_every_language(question: Question, typed: str, language: str,
                                              expected: Any) -> None:
    assert understand_check_answer(typed, question, FACTS[question.fact], language) == (
        True, expected)


@pytest.mark.parametrize("question", list(distinct_questions().values()),
                         ids=lambda q: q.fact)
@pytest.mark.parametrize("language", LANGUAGES)
def test_dont_know_button_in_every_language(question: Question, language: str) -> None:
    typed = title("answer.dont_know", language)
    assert understand_check_answer(typed, question, FACTS[question.fact], language) == (
        True, None)


def team_rows() -> list[Any]:
    rows = []
    for path in sorted(POLICY.glob("*/municipality.yml")):
        municipality = load_municipality(path.parent)
        teams = [(code, team.name_key) for code, team in municipality.teams.items()]
        for code, key in teams:
            for language in LANGUAGES:
                rows.append(pytest.param(teams, title(key, language), language, code,
                                         id=f"{path.parent.name}-{code}-{language}"))
    return rows


@pytest.mark.parametrize(("teams", "typed", "language", "expected"), team_rows())
def test_every_team_title_in_every_language(teams, typed: str, language: str,
                                            expected: str) -> None:
    assert understand_team(typed, teams, language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_yes_and_no_buttons_of_confirmations_in_every_language(language: str) -> None:
    for key, expected in (("button.yes", True), ("button.no", False), ("answer.yes", True),
                          ("answer.no", False), ("privacy.yes_delete", True)):
        assert understand_confirmation(title(key, language), language) is expected, key


@pytest.mark.parametrize("shown_in", LANGUAGES)
@pytest.mark.parametrize("code", LANGUAGES)
def test_language_menu_names_every_language(code: str, shown_in: str) -> None:
    """The menu shows each language in its own script; typed in any case it is understood."""
    name = title("language.name", code)
    assert language_named(name.upper() if name.isascii() else name, LANGUAGES) == code


# --- Hand-written rows ---------------------------------------------------------------------------

QUESTIONS = {q.fact: q for q in distinct_questions().values()}

TYPED_CHOICES = [
    # (fact, language, typed, expected): typos, synonyms, bits of titles, ordinals, numbers
    ("migrant_group", "nl", "statushouder", "statushouder"),
    ("migrant_group", "nl", "Statushoudr", "statushouder"),
    ("migrant_group", "nl", "STATUSHOUDER!", "statushouder"),
    ("migrant_group", "nl", "ik ben vluchteling", "statushouder"),
    ("migrant_group", "nl", "ik ben gekomen via mijn man", "gezinsmigrant"),
    ("migrant_group", "nl", "gezinsmigrnt", "gezinsmigrant"),
    ("migrant_group", "nl", "geen van allen", "geen"),
    ("migrant_group", "nl", "de eerste", "statushouder"),
    ("migrant_group", "nl", "de tweede", "gezinsmigrant"),
    ("migrant_group", "nl", "2", "gezinsmigrant"),
    ("migrant_group", "nl", "de laatste", "geen"),
    ("migrant_group", "en", "the second", "gezinsmigrant"),
    ("migrant_group", "en", "refugee", "statushouder"),
    ("migrant_group", "en", "refugge", "statushouder"),
    ("migrant_group", "ar", "الأول", "statushouder"),
    ("migrant_group", "ar", "الثاني", "gezinsmigrant"),
    ("migrant_group", "ar", "انا لاجئ", "statushouder"),
    ("migrant_group", "ar", "لم شمل", "gezinsmigrant"),
    ("migrant_group", "uk", "другий", "gezinsmigrant"),
    ("migrant_group", "uk", "перша", "statushouder"),
    ("migrant_group", "uk", "я біженець", "statushouder"),
    ("migrant_group", "tr", "ikincisi", "gezinsmigrant"),
    ("migrant_group", "tr", "mülteciyim", "statushouder"),  # "I am a refugee": a synonym
    ("migrant_group", "tr", "mülteci", "statushouder"),
    ("migrant_group", "fa", "دومی", "gezinsmigrant"),
    ("migrant_group", "fa", "پناهنده", "statushouder"),
    ("migrant_group", "fa_AF", "اولی", "statushouder"),
    ("migrant_group", "ti", "ካልኣይ", "gezinsmigrant"),
    ("migrant_group", "ti", "ስደተኛ", "statushouder"),
    ("migrant_group", "nl", "Statushouder", "statushouder"),
    ("employer_sector", "nl", "zorg", "zorg"),
    ("employer_sector", "nl", "wij zijn een supermarkt", "handel_horeca"),
    ("employer_sector", "nl", "logistiek", "logistiek"),
    ("employer_sector", "nl", "logistek", "logistiek"),
    ("employer_sector", "nl", "bouw", "techniek_bouw"),
    ("employer_sector", "en", "construction", "techniek_bouw"),
    ("employer_sector", "nl", "iets anders", "anders"),
    ("employer_sector", "nl", "de derde", "logistiek"),
    ("employer_sector", "nl", "7", "anders"),
    ("hours_per_week", "nl", "24", 24),
    ("hours_per_week", "nl", "vierentwintig uur", 24),
    ("hours_per_week", "nl", "32 uur", 32),
    ("hours_per_week", "nl", "20", 20),  # not a button, but a number the fact allows
    ("hours_per_week", "en", "forty hours", 40),
    ("hours_per_week", "ar", "٣٢", 32),
    ("hours_per_week", "fa", "۱۶ ساعت", 16),
    ("contract_months_offered", "nl", "zes maanden", 6),
    ("contract_months_offered", "nl", "geen contract", 0),
    ("contract_months_offered", "nl", "een jaar", 12),
    ("youngest_child_age", "nl", "een", 1),
    # "een" of "een afspraak" is "a": a sentence typed to "Hoe oud is uw jongste kind?" was
    # the age 1 in the check's outcome
    ("youngest_child_age", "nl", "ik kan woensdag niet, ik wil graag een afspraak", None),
    ("contract_months_offered", "nl", "6 maanden", 6),
    ("contract_months_offered", "en", "three months", 3),
    ("age", "nl", "24", 24),
    ("age", "nl", "ik ben vierentwintig", 24),
    ("age", "nl", "vierentwintg", 24),
    ("age", "en", "twenty-four", 24),
    ("age", "en", "I am 31 years old", 31),
    ("age", "ar", "عمري ٢٩", 29),
    ("age", "ar", "تسعة وعشرون", 29),
    ("age", "fa", "بیست و نه", 29),
    ("age", "fa", "۲۹ سالمه", 29),
    ("age", "tr", "yirmi dokuz", 29),
    ("age", "tr", "yirmidokuz", 29),
    ("age", "tr", "on sekiz", 18),  # "on" is ten, not YAML's true
    ("age", "uk", "двадцять дев'ять", 29),
    ("age", "uk", "мені 29 років", 29),
    ("age", "ti", "ዕስራን ትሽዓተን", 29),
    ("age", "ti", "፳፱", None),  # Ge'ez numerals are not decimal digits: not understood
    ("youngest_child_age", "nl", "drie", 3),
    ("youngest_child_age", "nl", "mijn jongste is drie", 3),
    ("youngest_child_age", "en", "she is two", 2),
    ("youngest_child_age", "uk", "три", 3),
]


@pytest.mark.parametrize(("fact", "language", "typed", "expected"), TYPED_CHOICES,
                         ids=[f"{f}-{lang}-{t}" for f, lang, t, _ in TYPED_CHOICES])
def test_typed_choices(fact: str, language: str, typed: str, expected: Any) -> None:
    understood, value = understand_check_answer(typed, QUESTIONS[fact], FACTS[fact], language)
    if expected is None:
        assert not understood, f"{typed!r} must not be understood, got {value!r}"
    else:
        assert (understood, value) == (True, expected)


DONT_KNOW = [("nl", "weet ik niet"), ("nl", "Ik weet het niet"), ("nl", "geen idee"),
             ("nl", "weet ik nie"), ("en", "I don't know"), ("en", "idk"), ("en", "no idea"),
             ("ar", "لا أعرف"), ("ar", "لا اعرف"), ("ar", "ما بعرف"), ("ti", "ኣይፈልጥን"),
             ("fa", "نمی‌دانم"), ("fa", "نمیدونم"), ("fa_AF", "نمی‌فامم"), ("tr", "bilmiyorum"),
             ("tr", "emin değilim"), ("uk", "не знаю"), ("uk", "Не знаю."), ("uk", "незнаю")]


@pytest.mark.parametrize(("language", "typed"), DONT_KNOW)
@pytest.mark.parametrize("fact", ["migrant_group", "age", "has_vacancy", "hours_per_week"])
def test_dont_know_typed_in_every_language(fact: str, language: str, typed: str) -> None:
    assert understand_check_answer(typed, QUESTIONS[fact], FACTS[fact], language) == (True, None)


YES_NO = [("nl", "ja", True), ("nl", "Ja hoor", True), ("nl", "jaaa", True), ("nl", "klopt", True),
          ("nl", "nee", False), ("nl", "neee", False), ("nl", "klopt niet", False),
          ("en", "yes", True), ("en", "yeah", True),
          ("en", "nope", False), ("en", "yes please", True), ("en", "no thanks", False),
          ("ar", "نعم", True), ("ar", "لا", False), ("ar", "أجل", True),
          ("ti", "እወ", True), ("ti", "ኣይፋል", False), ("fa", "بله", True), ("fa", "آره", True),
          ("fa", "نه", False), ("fa", "خیر", False), ("fa_AF", "بلی", True), ("fa_AF", "نی", False),
          ("tr", "evet", True), ("tr", "hayır", False), ("tr", "yok", False),
          ("uk", "так", True), ("uk", "Так!", True), ("uk", "ні", False), ("uk", "не маю", False)]


@pytest.mark.parametrize(("language", "typed", "expected"), YES_NO)
def test_yes_no_where_the_question_is_yes_no(language: str, typed: str, expected: bool) -> None:
    assert understand_check_answer(typed, QUESTIONS["has_vacancy"], FACTS["has_vacancy"],
                                   language) == (True, expected)
    assert understand_confirmation(typed, language) is expected


# A yes or no with more after it: the answer when the more is filler, thanks or says the question
# again; a new topic or question after it is no answer (Special.WITH_MORE: asked again).
CONFIRMING = ("booking.ask_confirm", "booking.ask_time")  # what the booking confirmation asks

STAYS_AN_ANSWER = [
    # (language, typed, expected) to a booking confirmation and to "Bent u alleenstaande ouder?"
    ("nl", "ja, dat klopt", True), ("nl", "ja graag", True), ("nl", "Ja hoor, prima", True),
    ("nl", "ja, bedankt", True), ("nl", "nee dank je", False),
    ("en", "yes please", True), ("en", "yes, that's right", True), ("en", "yes thanks", True),
    ("en", "yes plese", True), ("en", "no thanks", False),
    ("uk", "так, звісно", True), ("uk", "так, дякую", True), ("uk", "так, будь ласка", True),
    ("uk", "ні, дякую", False),
    ("tr", "evet lütfen", True), ("tr", "evet, teşekkürler", True), ("tr", "tabii ki evet", True),
    ("tr", "hayır, teşekkürler", False),
    ("ar", "نعم من فضلك", True), ("ar", "نعم شكرا", True), ("ar", "لا شكرا", False),
    ("fa", "بله لطفا", True), ("fa", "نه ممنون", False), ("fa_AF", "بلی تشکر", True),
    ("ti", "እወ በጃኻ", True),
    # "by God", "I mean", "man": emphasis, as typed (they were "yes, and something else")
    ("ar", "ايوه والله", True), ("ar", "لا والله", False), ("fa", "آره والا", True),
    ("fa", "نه بابا", False), ("fa_AF", "بلی والله", True), ("tr", "evet valla", True),
]


@pytest.mark.parametrize(("language", "typed", "expected"), STAYS_AN_ANSWER)
def test_a_yes_or_no_with_filler_or_thanks_stays_the_answer(language: str, typed: str,
                                                            expected: bool) -> None:
    assert understand_confirmation(typed, language, about=CONFIRMING) is expected
    assert understand_check_answer(typed, QUESTIONS["is_single_parent"],
                                   FACTS["is_single_parent"], language) == (True, expected)


ELABORATIONS = [
    # (fact, language, typed, expected): the more says the question again, in other forms
    ("has_vacancy", "nl", "nee, ik heb geen vacature", False),
    ("has_vacancy", "nl", "ja we hebben een vacature", True),
    ("has_vacancy", "en", "yes, we have a vacancy", True),
    ("has_vacancy", "uk", "так, у нас є вакансія", True),
    ("has_work_disability", "nl", "ja, de kandidaat heeft een arbeidsbeperking", True),
    ("has_work_disability", "nl", "ja, een beperking", True),
    ("is_single_parent", "nl", "ja, ik ben alleenstaande ouder", True),
    ("is_single_parent", "en", "yes, I am a single parent", True),
    ("is_single_parent", "tr", "evet, tek ebeveynim", True),
]


@pytest.mark.parametrize(("fact", "language", "typed", "expected"), ELABORATIONS,
                         ids=[f"{f}-{lang}-{t}" for f, lang, t, _ in ELABORATIONS])
def test_a_yes_or_no_that_says_the_question_again_is_the_answer(
        fact: str, language: str, typed: str, expected: bool) -> None:
    assert understand_check_answer(typed, QUESTIONS[fact], FACTS[fact], language) == (
        True, expected)


def test_the_booking_confirmations_words_are_no_new_topic() -> None:
    assert understand_confirmation("ja, maak de afspraak maar", "nl", about=CONFIRMING) is True
    assert understand_confirmation("yes, book the appointment", "en", about=CONFIRMING) is True
    assert understand_confirmation("так, запишіть мене на цю зустріч", "uk",
                                   about=CONFIRMING) is True
    assert understand_confirmation("evet, bu randevuyu oluşturun", "tr", about=CONFIRMING) is True


WITH_MORE = [
    # (language, typed): a yes or no, then a new topic or question
    ("nl", "ja we hebben een vacature"), ("nl", "ja, en hoe zit het met mijn bijstand?"),
    ("nl", "nee, maar ik wil wel weten hoeveel geld ik krijg"), ("nl", "ja, mag ik ook werken?"),
    ("en", "yes, and how about my vacancy?"), ("en", "yes but what about childcare"),
    ("en", "no, I want to ask about my debts"),
    ("uk", "так, а як щодо моєї вакансії?"), ("uk", "так, але скільки грошей я отримаю"),
    ("tr", "evet, peki benim iş ilanım ne olacak?"), ("tr", "evet ama çocuk bakımı ne olacak"),
    ("ar", "نعم، وماذا عن الوظيفة الشاغرة؟"), ("ti", "እወ፡ ብዛዕባ ስራሕ ከ?"),
    ("fa", "بله، ولی درباره کمک هزینه چطور؟"), ("fa_AF", "بلی، مگر در باره کار چطور؟"),
]


@pytest.mark.parametrize(("language", "typed"), WITH_MORE)
def test_a_yes_or_no_with_a_new_topic_is_asked_again(language: str, typed: str) -> None:
    assert understand_confirmation(typed, language, about=CONFIRMING) is Special.WITH_MORE
    assert understand_check_answer(typed, QUESTIONS["has_work_disability"],
                                   FACTS["has_work_disability"], language) == (
        False, Special.WITH_MORE)
    assert understand_yes_no(typed, language).value is Special.WITH_MORE


NOT_ANSWERS = [
    # (fact, language, typed): must NOT be taken as an answer (the question comes again)
    ("migrant_group", "nl", "hallo"),
    ("migrant_group", "nl", "wat is bijstand?"),
    ("migrant_group", "nl", "ik wil een afspraak maken"),
    ("migrant_group", "nl", "ja"),
    ("migrant_group", "nl", "ik ben met mijn kinderen gekomen"),
    ("migrant_group", "en", "how much money do I get"),
    ("migrant_group", "ar", "مرحبا"),
    ("migrant_group", "uk", "привіт"),
    ("employer_sector", "nl", "wat kost dat?"),
    ("employer_sector", "nl", "ja"),
    ("has_vacancy", "nl", "ja, nee"),
    ("has_vacancy", "nl", "ik wil een afspraak"),
    ("has_vacancy", "nl", "hallo"),
    ("has_vacancy", "en", "what do you mean"),
    ("has_vacancy", "uk", "що це означає"),
    ("has_vacancy", "nl", "dat ligt eraan"),
    ("age", "nl", "hallo"),
    ("age", "nl", "oud"),
    ("age", "nl", "300"),
    ("age", "en", "none of your business"),
    ("hours_per_week", "nl", "veel"),
    ("contract_months_offered", "nl", "weet je wat"),
]


@pytest.mark.parametrize(("fact", "language", "typed"), NOT_ANSWERS,
                         ids=[f"{f}-{lang}-{t}" for f, lang, t in NOT_ANSWERS])
def test_what_is_not_an_answer_is_not_taken(fact: str, language: str, typed: str) -> None:
    understood, value = understand_check_answer(typed, QUESTIONS[fact], FACTS[fact], language)
    assert not understood, f"{typed!r} was taken as {value!r}"


TEAMS = [("klantmanager", "team.klantmanager.name"),
         ("werkgeversservicepunt", "team.werkgeversservicepunt.name"),
         ("taal_inburgering", "team.taal_inburgering.name"),
         ("schuldhulp", "team.schuldhulp.name")]


@pytest.mark.parametrize(("language", "typed", "expected"), [
    ("nl", "klantmanager", "klantmanager"), ("nl", "klantmanger", "klantmanager"),
    ("nl", "schulden", "schuldhulp"), ("nl", "budgetconsulent", "schuldhulp"),
    ("nl", "inburgering", "taal_inburgering"), ("nl", "de tweede", "werkgeversservicepunt"),
    ("nl", "werkgevers", "werkgeversservicepunt"), ("en", "debts", "schuldhulp"),
    ("en", "the first one", "klantmanager"), ("ar", "الديون", "schuldhulp"),
    ("uk", "третій", "taal_inburgering"), ("tr", "borç", "schuldhulp"),
    ("tr", "sonuncu", "schuldhulp"), ("fa", "اول", "klantmanager"),
    ("nl", "hallo", None), ("nl", "ja", None), ("en", "what", None)])
def test_typed_teams(language: str, typed: str, expected: str | None) -> None:
    assert understand_team(typed, TEAMS, language) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("English", "en"), ("engels", "en"), ("Engels", "en"), ("in het Engels", "en"),
    ("arabisch", "ar"), ("العربية", "ar"), ("بالعربية", "ar"), ("Türkçe", "tr"), ("turkce", "tr"),
    ("українська", "uk"), ("Ukrainian", "uk"), ("فارسی", "fa"), ("دری", "fa_AF"),
    ("ትግርኛ", "ti"), ("nederlands", "nl"), ("Dutch", "nl"),
    ("ik wil Nederlands leren", None), ("hallo", None), ("ja", None)])
def test_typed_language_names(typed: str, expected: str | None) -> None:
    assert language_named(typed, LANGUAGES) == expected


@pytest.mark.parametrize(("language", "typed", "expected"), [
    ("nl", "de eerste", 1), ("nl", "tweede", 2), ("nl", "de laatste", -1), ("en", "the second", 2),
    ("en", "third one", 3), ("ar", "الأول", 1), ("ar", "الثانية", 2), ("uk", "другий", 2),
    ("uk", "другого", 2), ("tr", "ikincisi", 2), ("tr", "ilk", 1), ("fa", "دومی", 2),
    ("ti", "ቀዳማይ", 1), ("nl", "hallo", None), ("nl", "ja", None),
    # spoken Arabic as typed: ت for ث ("التالت" was no position)
    ("ar", "التالت", 3), ("ar", "تاني واحد", 2), ("ar", "التامن", 8)])
def test_ordinals(language: str, typed: str, expected: int | None) -> None:
    assert ordinal_in(typed, language) == expected


@pytest.mark.parametrize(("language", "typed", "expected"), [
    ("nl", "de twede", 2), ("nl", "twede", 2), ("nl", "de derd", 3), ("nl", "eerset", 1),
    ("nl", "de laatse", -1), ("en", "thrid", 3), ("en", "the secnd", 2), ("en", "secodn", 2),
    ("en", "fisrt", 1), ("tr", "ikinici", 2), ("tr", "ücünçü", 3), ("uk", "пеший", 1),
    # never a typo: number words, other words, long messages, two positions as close
    ("nl", "vier", None), ("nl", "twee", None), ("nl", "tien", None), ("en", "nine", None),
    ("nl", "eerder", None), ("nl", "de twede keer bellen lukt nog steeds niet", None),
    ("en", "seven", None)])
def test_ordinals_typed_with_a_typo(language: str, typed: str, expected: int | None) -> None:
    assert ordinal_in(typed, language) == expected


@pytest.mark.parametrize(("language", "typed", "expected"), [
    ("nl", "vierentwintig", 24), ("nl", "tweeëntwintig", 22), ("nl", "een kind van drie", 3),
    ("en", "twenty-four", 24), ("en", "forty", 40), ("ar", "أربعة وعشرون", 24),
    ("ar", "٢٤", 24), ("fa", "بیست و چهار", 24), ("fa", "۲۴", 24), ("tr", "yirmi dört", 24),
    ("uk", "двадцять чотири", 24), ("ti", "ዕስራን ኣርባዕተን", 24), ("nl", "twenty four", 24),
    ("en", "on", None), ("nl", "hallo", None)])
def test_numbers_in_words_and_any_script(language: str, typed: str, expected: int | None) -> None:
    assert number_in(typed, language) == expected


def test_dont_know_is_a_special_value_not_no() -> None:
    """"не знаю" starts with "не" (no): it is "I don't know", not a no."""
    assert understand_yes_no("не знаю", "uk", dont_know=True).value is Special.DONT_KNOW
    assert understand_yes_no("ні", "uk", dont_know=True).value is False


@pytest.mark.parametrize(("language", "section", "word"), [
    ("en", "yes", "yes"), ("en", "no", "no"), ("nl", "yes", "yes"), ("nl", "no", "no"),
    ("en", "filler", "on"), ("tr", "numbers", "on")])
def test_answer_words_are_read_as_words(language: str, section: str, word: str) -> None:
    """YAML 1.1 would read yes, no and on as booleans: the words must stay words."""
    assert word in getattr(language_words(language), section)
