"""Questions that are another organisation's work, typed the way people write them, through
the real Rasa server (trained model) and the real action server: the right organisation,
what to do there, when the municipality comes in, and never a municipal appointment.

The sentences here are written for this test and are not in the training data (the test
checks that too), so the model has to generalise to them."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from assistant.language_data import normalised, plain_text, training_examples
from bot.i18n import Translator
from tests.e2e.test_languages_e2e import Screen, choose, payloads, post, texts  # noqa: F401

pytestmark = pytest.mark.e2e

# (language, typed question, intent)
ROUTED = [
    ("nl", "Ik ben gisteren ontslagen. Kan ik nu WW aanvragen?", "referral_uwv"),
    ("nl", "Hoe kom ik aan zorgtoeslag, ik heb sinds kort een eigen zorgverzekering",
     "referral_belastingdienst"),
    ("nl", "Waar moet ik me aanmelden voor het inburgeringsexamen?", "referral_duo"),
    ("nl", "wanneer staat de kinderbijslag op mijn rekening", "referral_svb"),
    ("nl", "Mijn verblijfsvergunning verloopt over twee maanden, hoe verleng ik die?",
     "referral_ind"),
    ("nl", "Ik wil graag een afspraak maken bij de huisarts want ik ben al een week ziek",
     "referral_health"),
    ("nl", "Hoe kom ik in aanmerking voor een sociale huurwoning?", "referral_housing"),
    ("nl", "Ik zoek gratis advies van een advocaat over mijn ontslag", "referral_legal_aid"),
    ("en", "I was made redundant last week, how do I get WW?", "referral_uwv"),
    ("en", "can i get huurtoeslag for my flat", "referral_belastingdienst"),
    ("en", "i want to register for the inburgeringsexamen", "referral_duo"),
    ("en", "when will my child benefit be paid", "referral_svb"),
    ("en", "my residence permit runs out soon, how do i renew it", "referral_ind"),
    ("en", "I need to see a doctor, can you make an appointment for me?", "referral_health"),
    ("ar", "فقدت عملي الشهر الماضي، هل يحق لي WW؟", "referral_uwv"),
    ("ar", "بدي قدم على huurtoeslag للبيت الجديد", "referral_belastingdienst"),
    ("ar", "متى موعد امتحان inburgering وكيف أسجل", "referral_duo"),
    ("ar", "ما وصلتني kinderbijslag هالشهر", "referral_svb"),
    ("uk", "Як мені потрапити на прийом до лікаря?", "referral_health"),
    ("uk", "Мене скоротили на роботі, чи можу я отримати WW?", "referral_uwv"),
    ("uk", "як отримати zorgtoeslag, я тільки оформила страховку", "referral_belastingdienst"),
    ("uk", "коли приходить kinderbijslag на дитину", "referral_svb"),
    ("uk", "як продовжити посвідку на проживання", "referral_ind"),
    ("tr", "işten çıkarıldım WW için nereye başvurayım", "referral_uwv"),
    ("tr", "aile hekiminden randevu nasıl alırım", "referral_health"),
    ("fa", "کارم را از دست دادم، WW چطوری بگیرم؟", "referral_uwv"),
    ("fa", "چطوری نوبت دکتر بگیرم؟", "referral_health"),
    ("ti", "ስራሕ ጠፊኡኒ WW ኣበይ ይሕተት", "referral_uwv"),
    ("ti", "ናብ ሓኪም ቆጸራ ክገብር ደልየ", "referral_health"),
    # a doctor's appointment in Levantine Arabic went to the fallback, with a municipal
    # appointment as its runner-up (issue 8)
    ("ar", "بدي موعد عند الطبيب", "referral_health"),
    ("ar", "توفى زوجي، وين بقدم على معاش الأرملة؟", "referral_svb"),
    ("ar", "كيف بجدد إقامتي قبل ما تنتهي؟", "referral_ind"),
    ("fa", "همسرم فوت کرده، مستمری بازماندگان را از کجا بگیرم؟", "referral_svb"),
    ("fa", "کارت اقامتم را چطور تمدید کنم؟", "referral_ind"),
    ("tr", "eşim vefat etti dul maaşı için nereye başvururum", "referral_svb"),
    ("tr", "oturum izni bitmek üzere, uzatma başvurusu nereye yapılır", "referral_ind"),
    ("ti", "ጥሮታ መንግስቲ (AOW) ካበይ ይሕተት?", "referral_svb"),
    ("ti", "ፍቓድ መንበሪየይ ከሕድስ ደልየ", "referral_ind"),
    # rent allowance and child benefit as residents typed them in the web chat (the housing
    # corporation, the bijstand answer and out-of-scope before), Arabic without hamza
    ("uk", "а як щодо допомоги на оренду житла?", "referral_belastingdienst"),
    ("tr", "kira desteği alabilir miyim", "referral_belastingdienst"),
    ("tr", "cocuk parasi ne zaman yatar", "referral_svb"),
    ("ar", "خسرت شغلي هل بقدر اخد اعانة بطالة", "referral_uwv"),
]

# one typed referral per language in the web chat: (language, text, organisation, subject)
TYPED = [
    ("nl", "Ik ben mijn baan kwijt. Kan ik WW krijgen of moet ik bij jullie zijn?",
     "referral.org.uwv", "referral.uwv.ww"),
    ("en", "I lost my job, can I get WW?", "referral.org.uwv", "referral.uwv.ww"),
    ("ar", "فقدت عملي الشهر الماضي، هل يحق لي WW؟", "referral.org.uwv", "referral.uwv.ww"),
    ("uk", "Як мені потрапити на прийом до лікаря?", "referral.org.huisarts",
     "referral.health.huisarts"),
    ("tr", "aile hekiminden randevu nasıl alırım", "referral.org.huisarts",
     "referral.health.huisarts"),
    ("fa", "کارم را از دست دادم، WW چطوری بگیرم؟", "referral.org.uwv", "referral.uwv.ww"),
    ("ti", "ስራሕ ጠፊኡኒ WW ኣበይ ይሕተት", "referral.org.uwv", "referral.uwv.ww"),
    ("ar", "بدي موعد عند الطبيب", "referral.org.huisarts", "referral.health.huisarts"),
    ("fa", "درباره کمک هزینه اجاره سوال دارم", "referral.org.belastingdienst",
     "referral.belastingdienst.huurtoeslag"),
]


BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069"))


def plain(text: str) -> str:
    """Without the right-to-left marks, so a text is found inside a longer message."""
    return text.translate(BIDI_MARKS)


def test_the_questions_are_not_training_examples() -> None:
    for language, text, _ in ROUTED + [(lang, text, "") for lang, text, *_ in TYPED]:
        trained = {normalised(plain_text(t)) for texts_ in training_examples(language).values()
                   for t in texts_}
        assert normalised(text) not in trained, text


@pytest.mark.parametrize(("language", "text", "intent"), ROUTED,
                         ids=[f"{lang}-{intent}" for lang, _, intent in ROUTED])
async def test_the_model_routes_referral_questions(live_stack, live_settings, language: str,
                                                   text: str, intent: str) -> None:
    async with aiohttp.ClientSession() as session, session.post(
            f"{live_settings.rasa_url}/model/parse", params={"token": live_stack.api_token},
            json={"text": text}) as response:
        parsed = await response.json()
    assert parsed["intent"]["name"] == intent, (text, parsed["intent_ranking"][:3])


@pytest.mark.parametrize(("language", "text", "organisation", "subject"), TYPED,
                         ids=[f"{row[0]}-{row[3]}" for row in TYPED])
async def test_a_typed_referral_names_the_organisation_and_offers_no_booking(
        web: TestClient, live_settings, language: str, text: str, organisation: str,  # noqa: F811
        subject: str) -> None:
    screen = Screen(Translator(live_settings.locales_dir, "nl", live_settings.timezone),
                    language)
    await choose(web, language)
    answer = await post(web, {"text": text})
    shown = plain(texts(answer))
    organisation_name = {"type": "msg", "key": organisation, "args": {}}
    assert plain(screen.text("referral.whose", organisation=organisation_name)) in shown, shown
    assert plain(screen.text(subject)) in shown
    assert not any(p.startswith("/book_appointment") for p in payloads(answer))
    if subject == "referral.uwv.ww":  # the municipality's part: bijstand as a supplement
        assert plain(screen.text("referral.municipality.bijstand_supplement")) in shown
        assert "088 898 92 94" in shown
        assert "/apply_benefit" in payloads(answer)


async def test_yes_after_a_referral_books_nothing(web: TestClient,  # noqa: F811
                                                  live_settings) -> None:
    screen = Screen(Translator(live_settings.locales_dir, "nl", live_settings.timezone), "nl")
    await choose(web, "nl")
    await post(web, {"text": TYPED[0][1]})
    answer = await post(web, {"text": "ja"})
    assert screen.first_line("booking.ask_team") not in texts(answer)
    assert not any("appointment_time" in p for p in payloads(answer))
