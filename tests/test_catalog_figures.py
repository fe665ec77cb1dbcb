"""Amounts, percentages, durations and the figures of conditions (ages, months) live in the
policy data only.

A catalog text that states one of them (as digits in any script, or as a number word next
to the entry it belongs to) would stay the same when the data changes, so a person would
read a figure that no longer holds. The texts take them as arguments instead."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.pofile import read_po

from assistant.language_data import catalog_languages
from assistant.policy import (
    Choice,
    Entry,
    entries_of,
    figures_of,
    load_checklist,
    load_checks,
    load_policy,
    municipalities,
    read_sources,
)
from assistant.settings import PROJECT_ROOT
from bot.i18n import Translator

POLICY = PROJECT_ROOT / "policy"
DIGITS = {"latin": "0123456789", "arabic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹"}
# Number words for the durations of the data, per language (only unambiguous ones:
# Persian "نه" also means "no" and is left out).
WORDS = {
    2: {"nl": ["twee"], "en": ["two", "twice"], "ti": ["ክልተ"], "fa": ["دو"], "fa_AF": ["دو"],
        "tr": ["iki"], "uk": ["два", "дві", "двічі"], "ar": ["مرتين", "يومان"]},
    3: {"nl": ["drie"], "en": ["three"], "ti": ["ሰለስተ"], "fa": ["سه"], "fa_AF": ["سه"],
        "tr": ["üç", "üçer"], "uk": ["три"], "ar": ["ثلاثة"]},
    4: {"nl": ["vier"], "en": ["four"], "ti": ["ኣርባዕተ"], "fa": ["چهار"], "fa_AF": ["چهار"],
        "tr": ["dört"], "uk": ["чотири"], "ar": ["أربعة"]},
    6: {"nl": ["zes"], "en": ["six"], "ti": ["ሽዱሽተ"], "fa": ["شش"], "fa_AF": ["شش"],
        "tr": ["altı"], "uk": ["шість"], "ar": ["ستة"]},
    9: {"nl": ["negen"], "en": ["nine"], "ti": ["ትሽዓተ"], "tr": ["dokuz"], "uk": ["дев'ять"],
        "ar": ["تسعة"]},
}


@cache
def entries() -> tuple[Entry, ...]:
    found = {}
    for name in municipalities(POLICY):
        for entry in entries_of(read_sources(POLICY, name)):
            found[(entry.file, entry.section, entry.line)] = entry
    return tuple(found.values())


@cache
def texts(language: str) -> dict[str, str]:
    path = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0]):
                (" ".join(m.string) if isinstance(m.string, tuple) else m.string)
                for m in read_po(handle) if m.id}


def written(value: float) -> list[str]:
    """``value`` as it could appear in a text: 23.5 -> 23,5 / 23.5 / ٢٣٫٥ / ۲۳٫۵ ..."""
    whole, _, fraction = f"{value:g}".partition(".")
    forms = []
    for digits in DIGITS.values():
        def script(number: str, digits: str = digits) -> str:
            return number.translate(str.maketrans("0123456789", digits))
        if fraction:
            forms += [script(whole) + mark + script(fraction) for mark in (",", ".", "٫")]
        else:
            forms.append(script(whole))
    return forms


def amounts() -> set[float]:
    return {a.value for e in entries() for a in e.amounts if a.value >= 10}


def states(text: str, figure: str) -> bool:
    return re.search(rf"(?<![\w.,٫]){re.escape(figure)}(?![\w]|[.,٫]\d)", text) is not None


@pytest.mark.parametrize("language", catalog_languages())
def test_no_catalog_text_states_an_amount_of_the_data(language: str) -> None:
    found = [(key, figure) for key, text in texts(language).items()
             for value in amounts() for figure in written(value) if states(text, figure)]
    assert not found, f"amounts written into {language} texts: {found}"


@pytest.mark.parametrize("language", catalog_languages())
def test_no_entry_text_states_its_own_duration(language: str) -> None:
    found = []
    for entry in entries():
        if entry.duration is None:
            continue
        d = entry.duration
        figures = {n for n in (d.length, d.extensions, d.extension_length, d.max_length) if n}
        for key in (entry.title_key, entry.description_key):
            text = texts(language).get(key, "")
            for figure in figures:
                words = [*written(figure), *WORDS.get(figure, {}).get(language, [])]
                found += [(key, word) for word in words if re.search(
                    rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)]
    assert not found, f"durations written into {language} texts: {found}"


def own_figures_written(entry: Entry, language: str) -> list[tuple[str, str]]:
    """The figures of the entry's own conditions (ages, months) its texts state themselves."""
    found = []
    for key in (entry.title_key, entry.description_key):
        text = texts(language).get(key, "")
        for figure in set(entry.text_args().values()):
            words = [*written(figure), *WORDS.get(figure, {}).get(language, [])]
            found += [(key, word) for word in words if re.search(
                rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)]
    return found


@pytest.mark.parametrize("language", catalog_languages())
def test_no_entry_text_states_a_figure_of_its_own_conditions(language: str) -> None:
    """"Jonger dan {age_lt}": the 27 comes from the condition ``age lt 27``, so the text
    follows the data (Entry.text_args)."""
    found = [hit for entry in entries() for hit in own_figures_written(entry, language)]
    assert not found, f"condition figures written into {language} texts: {found}"


@pytest.mark.parametrize("language", catalog_languages())
def test_entry_texts_ask_only_for_figures_the_data_has(language: str) -> None:
    """Its own ({age_lt}) or, in a description, another entry's by name."""
    others = figures_of(entries())
    found = [(entry.id, key, name) for entry in entries()
             for key in (entry.title_key, entry.description_key)
             for name in re.findall(r"\{(\w+)\}", texts(language).get(key, ""))
             if name not in entry.text_args() and not (
                 key == entry.description_key and name in others)]
    assert not found, found


@pytest.mark.parametrize("language", catalog_languages())
def test_entry_texts_render_with_their_own_figures(language: str) -> None:
    """What a person reads: the figure of the data, in the language's digits."""
    translator = Translator(PROJECT_ROOT / "locales", "nl", "Europe/Amsterdam")
    for entry in entries():
        for key in (entry.title_key, entry.description_key):
            shown = translator.text(key, language, {**figures_of(entries()),
                                                     **entry.text_args()})
            assert "{" not in shown, (language, key, shown)
            template = texts(language).get(key, "")
            for name, figure in entry.text_args().items():
                if "{" + name + "}" in template:
                    assert translator.format_arg(figure, language) in shown, (key, name)


def texts_about_other_entries() -> list[tuple[str, dict[str, int]]]:
    """(key, arguments) of the texts that speak of other entries, on today's policy: a
    target group's description (with what is offered to it), a provision's (with what is
    offered to its groups) and a check's introduction (with the provisions it weighs)."""
    found = []
    for name in municipalities(POLICY):
        policy = load_policy(POLICY, name)
        found += [(group.description_key,
                   {**group.text_args(), **figures_of(policy.offered_to(group))})
                  for group in policy.target_groups.values()]
        found += [(provision.description_key,
                   {**provision.text_args(), **figures_of(policy.neighbours(provision))})
                  for provision in policy.provisions.values()]
        found += [(check.intro_key, figures_of(policy.provisions[p] for p in check.provisions
                                               if p in policy.provisions))
                  for check in load_checks(POLICY / name).values()]
    return found


@pytest.mark.parametrize("language", catalog_languages())
def test_texts_about_other_entries_take_their_figures_as_arguments(language: str) -> None:
    """"Bent u {route_statushouder_beroepsonderwijs_age_ge} tot ...": the ages of the
    statushouder routes in the target group's text, the child's age in the single parent's
    check, come from those entries' conditions."""
    translator = Translator(PROJECT_ROOT / "locales", "nl", "Europe/Amsterdam")
    found = []
    for key, args in texts_about_other_entries():
        shown = translator.text(key, language, args)
        assert "{" not in shown, (language, key, shown)
        template = texts(language).get(key, "")
        found += [(key, form) for value in set(args.values())
                  for form in written(value) if states(template, form)]
    assert not found, f"figures of other entries written into {language} texts: {found}"


@cache
def choices() -> tuple[Choice, ...]:
    """Every button of every check question (checks.yml of every municipality)."""
    return tuple(choice for name in municipalities(POLICY)
                 for check in load_checks(POLICY / name).values()
                 for question in check.questions for choice in question.choices)


def whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@pytest.mark.parametrize("language", catalog_languages())
def test_a_number_choice_shows_its_own_value(language: str) -> None:
    """"16 uur", "6 maanden": the button's figure is the choice's value (plural_label with
    count), not a figure written into a catalog text; "Geen contract" (0) has words only."""
    translator = Translator(PROJECT_ROOT / "locales", "nl", "Europe/Amsterdam")
    found = []
    for choice in (c for c in choices() if whole(c.value)):
        shown = translator.text(choice.label_key, language, choice.label_args())
        written_here = [w for w in [*written(choice.value),
                                    *WORDS.get(choice.value, {}).get(language, [])]
                        if re.search(rf"(?<!\w){re.escape(w)}(?!\w)",
                                     texts(language).get(choice.label_key, ""))]
        if written_here or (choice.value > 0 and not choice.counted):
            found.append((choice.label_key, choice.value, written_here))
        if choice.counted:
            assert translator.format_arg(choice.value, language) in shown, (choice, shown)
    assert not found, found


@pytest.mark.parametrize("language", catalog_languages())
def test_a_checklist_item_takes_its_provisions_duration(language: str) -> None:
    """"de HARRIE-training van {length}": the two days are harrie_training's duration."""
    durations = {entry.id: entry.duration for entry in entries() if entry.duration}
    found = []
    for name in municipalities(POLICY):
        for item in (i for i in load_checklist(POLICY / name) if i.provision):
            text, length = texts(language)[item.key], durations[item.provision].length
            words = [*written(length), *WORDS.get(length, {}).get(language, [])]
            found += [(item.key, w) for w in words
                      if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)]
            assert "{length}" in text, (language, item.key)
    assert not found, found


def test_the_check_catches_a_figure_written_into_a_text() -> None:
    """The tests above would fail on the texts as they were (004's "ongeveer 300 euro",
    "23,5 procent", "drie maanden")."""
    assert states("Dat is ongeveer 300 euro per maand.", "300")
    assert states("Die vergoeding is 23,5 procent.", "23,5")
    assert any(states("این مبلغ ۲۳٫۵ درصد است", f) for f in written(23.5))
    assert not states("Bel 14 0593 of kom langs", "300")
    assert 300 in amounts() and 23.5 in amounts()
    youth = next(e for e in entries() if e.id == "doelgroep_jongeren")
    assert youth.text_args() == {"age_lt": 27}
    assert states("Jongeren tot 27 jaar", written(youth.text_args()["age_lt"])[0])
