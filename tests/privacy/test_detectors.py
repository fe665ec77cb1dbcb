"""The personal-data detectors, table by table: what they must find and what they must leave
alone (references, ages, amounts, times, appointment dates), in several languages and digit
scripts. scripts/privacy_detector_scores.py prints precision and recall on the same tables."""

from __future__ import annotations

import pytest

from assistant.privacy.detectors import PLACEHOLDER, find_personal_data, redact
from assistant.privacy.scores import false_alarms, resident_messages, score
from tests.privacy.detector_tables import NEGATIVES, POSITIVES, TODAY

# Found by no detector yet, so the tables say so instead of hiding the row.
KNOWN_MISSES = {"geb. 12-03-85"}


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in find_personal_data(text, TODAY)]


@pytest.mark.parametrize(("kind", "text", "expected"), [
    pytest.param(kind, text, expected, id=f"{kind}:{text}",
                 marks=[pytest.mark.xfail(strict=True)] if text in KNOWN_MISSES else [])
    for kind, rows in POSITIVES.items() for text, expected in rows])
def test_personal_data_is_found(kind: str, text: str, expected: str) -> None:
    assert found(text) == [(kind, expected)]


@pytest.mark.parametrize(("what", "text"), [
    pytest.param(what, text, id=f"{what}:{text}")
    for what, rows in NEGATIVES.items() for text in rows])
def test_what_is_not_personal_data_is_left_alone(what: str, text: str) -> None:
    assert found(text) == []
    assert redact(text, TODAY).text == text


def test_the_rest_of_the_message_stays_as_typed() -> None:
    redacted = redact("mijn bsn is 111222333 en ik wil bijstand aanvragen, bel 0612345678",
                      TODAY)
    assert redacted.text == (f"mijn bsn is {PLACEHOLDER} en ik wil bijstand aanvragen, "
                             f"bel {PLACEHOLDER}")
    assert redacted.kinds == {"bsn", "phone"}


def test_a_bsn_that_fails_the_eleven_test_is_not_taken_for_one() -> None:
    assert found("111222333") == [("bsn", "111222333")]
    assert found("111222334") == []  # one digit off: the 11-proef fails


def test_a_date_of_birth_needs_a_year_long_ago_or_the_word_born() -> None:
    assert found("ik ben geboren op 3-4-2020") == [("date_of_birth", "3-4-2020")]
    assert found("op 3-4-2020 begon ik") == []
    assert found("geboren op 10-12-2027") == []  # a date to come is nobody's birthday


def test_the_placeholder_itself_is_not_found_again() -> None:
    once = redact("bel 0612345678 of mail a.b@example.nl", TODAY).text
    assert redact(once, TODAY).text == once


def test_precision_and_recall_on_the_tables() -> None:
    scores = score(POSITIVES, NEGATIVES, TODAY)
    assert all(result.precision == 1.0 for result in scores.values()), {
        kind: result.mistakes for kind, result in scores.items()}
    missed = sum(result.false_negatives for result in scores.values())
    assert missed == len(KNOWN_MISSES)


def test_nothing_is_taken_from_how_residents_write() -> None:
    """Thousands of real-style messages in every language (ages, hours, amounts, dates,
    references) hold no personal data: the detectors must leave all of them alone."""
    messages = resident_messages()
    assert len(messages) > 5000
    assert false_alarms(messages) == []
