"""Working while on bijstand, typed through the web chat API with the real Rasa and action
servers: the answer from the national policy data (report it at once, the wages are deducted,
part may be kept up to a maximum), with both articles as its source."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.test_languages_e2e import post, texts
from tests.e2e.test_typed_answers_e2e import screen_for, type_language

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("language", "question"), [
    ("nl", "Ik heb bijstand en heb werk gevonden: moet ik dat doorgeven, hoeveel mag ik houden?"),
    ("en", "I'm on bijstand and found a job. Do I have to report it and how much can I keep?"),
    ("uk", "Я отримую bijstand і знайшла роботу. Чи треба про це повідомити і скільки я можу "
           "залишити собі?"),
])
async def test_a_typed_question_about_working_on_bijstand(web: TestClient, live_settings,
                                                          language: str, question: str) -> None:
    screen = screen_for(live_settings, language)
    await type_language(web, screen, language)
    answer = await post(web, {"text": question})
    text = texts(answer)
    assert screen.first_line("policy.national.werken_met_bijstand.description") in text, text
    assert "Participatiewet art. 17 lid 1" in text
    assert "Participatiewet art. 31 lid 2 onderdeel n" in text
    assert "€" not in text
