"""The referral map as data: the real files load, and broken copies are reported at their file
and line, through the same validator that stops the launcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy import (
    PolicyError,
    load_referrals,
    main,
    validate_policy,
    validate_referrals,
)
from tests.policy.conftest import Edit, line_of

NATIONAL = "national/referrals.yml"
LOCAL = "midden-drenthe/referrals.yml"
POLICY = Path(__file__).resolve().parents[2] / "policy"
INTENTS = {"referral_uwv", "referral_belastingdienst", "referral_duo", "referral_svb",
           "referral_ind", "referral_health", "referral_housing", "referral_legal_aid"}

# (file, old text, new text, text on the reported line, message)
CASES = [
    (NATIONAL, "    intent: referral_duo\n", "", "- id: duo",
     "referral 'duo': intent: field required"),
    (NATIONAL, "intent: referral_svb", "intent: svb_vragen", "intent: svb_vragen",
     "referral 'svb': intent: must be an intent name like referral_uwv"),
    (NATIONAL, "intent: referral_ind", "intent: referral_uwv", "- id: ind",
     "referral 'ind': intent 'referral_uwv' is already answered by 'uwv'"),
    (NATIONAL, 'phone: "088 043 04 30"', 'phone: "bel ons"', 'phone: "bel ons"',
     "referral 'ind': phone: must be a quoted phone number like \"088 898 92 94\""),
    (NATIONAL, "website: https://duo.nl", "website: duo.nl", "website: duo.nl",
     "referral 'duo': website: must be an address like https://www.uwv.nl"),
    (NATIONAL, 'sources: ["https://ind.nl/nl/contact"]', 'sources: ["ind"]', 'sources: ["ind"]',
     "referral 'ind': sources: a national organisation needs the public page its details "
     "come from "
     "(https://...)"),
    (NATIONAL, "text_key: referral.uwv.wia", "text_key: referral.uwv.wiaa", "referral.uwv.wiaa",
     "referral 'uwv': no Dutch text for 'referral.uwv.wiaa' in the nl catalog"),
    (NATIONAL, "            topic: ask_study_allowance", "            topic: ask_studie",
     "topic: ask_studie", "referral 'duo': subject 'studiefinanciering': unknown topic "
     "'ask_studie' (no municipality.yml answers it)"),
    (NATIONAL, '          - when_key: referral.municipality.civic_integration\n'
     '            source: "Wet inburgering 2021; 004 §4.1.4"\n            topic: ask_civic_',
     '          - when_key: referral.municipality.civic_integration\n'
     '            topic: ask_civic_', "when_key: referral.municipality.civic_integration",
     "referral 'duo': subjects.1.municipality.0.source: field required"),
    (NATIONAL, "keywords: [wajong, wajonger*, doelgroepregister]",
     "keywords: [wajong, wia, doelgroepregister]", "keywords: [wajong, wia",
     "referral 'uwv': subject 'wajong': keyword 'wia' is also a keyword of subject 'wia'"),
    (NATIONAL, "      - id: wajong\n", "      - id: wajong\n        kosten: gratis\n",
     "kosten: gratis", "referral 'uwv': subjects.3.kosten: extra fields not permitted"),
    (NATIONAL, "    confidence: confirmed\n    subjects:\n      - id: huisarts",
     "    confidence: zeker\n    subjects:\n      - id: huisarts", "confidence: zeker",
     "referral 'huisarts': confidence: unexpected value; permitted: 'confirmed', "
     "'to_verify'"),
    (LOCAL, "    open_questions:\n      - \"Which corporations", "    bronnen:\n      - \"Which",
     "confidence: to_verify", "referral 'woningcorporatie': confidence: an entry to verify "
     "needs 'open_questions'"),
    (LOCAL, "name_key: referral.org.woonservice_drenthe", "name_key: Woonservice",
     "name_key: Woonservice", "referral 'woningcorporatie': name_key: must be a catalog key "
     "like policy.stark.title"),
]


@pytest.mark.parametrize(("relative", "old", "new", "marker", "message"), CASES,
                         ids=[case[4] for case in CASES])
def test_a_broken_entry_is_reported_at_its_file_and_line(
        policy_copy: Path, edit: Edit, dutch_keys, relative, old, new, marker,
        message) -> None:
    text = edit(relative, old, new)
    expected = f"policy/{relative}:{line_of(text, marker)}: {message}"
    problems = [str(p) for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)]
    assert expected in problems, problems
    if "catalog" not in message:  # like the policy, the catalog is checked by validate only
        with pytest.raises(PolicyError):
            load_referrals(policy_copy, "midden-drenthe")


def test_broken_yaml_is_reported_with_its_line(policy_copy: Path, edit: Edit) -> None:
    text = edit(NATIONAL, "  - id: svb\n", "  - id: svb\n   intent: [\n")
    problems = [str(p) for p in validate_referrals(policy_copy, "midden-drenthe")]
    assert any(p.startswith(f"policy/{NATIONAL}:") and "not valid YAML" in p
               for p in problems), problems
    assert line_of(text, "- id: svb") > 1


def test_the_command_line_and_the_launcher_refuse_broken_referrals(
        policy_copy: Path, edit: Edit, monkeypatch, capsys) -> None:
    from assistant.settings import get_settings

    edit(NATIONAL, "intent: referral_svb", "intent: svb")
    monkeypatch.setenv("POLICY_DIR", str(policy_copy))
    get_settings.cache_clear()
    try:
        assert main(["validate", "--municipality", "midden-drenthe"]) == 1
    finally:
        get_settings.cache_clear()
    assert "referral 'svb': intent: must be" in capsys.readouterr().out


def test_the_real_map_answers_every_referral_intent_in_every_municipality(dutch_keys) -> None:
    for municipality in ("midden-drenthe", "emmen"):
        assert validate_referrals(POLICY, municipality, dutch_keys) == []
        referrals = load_referrals(POLICY, municipality)
        assert {o.intent for o in referrals.organisations.values()} == INTENTS


def test_a_municipality_replaces_a_national_party_with_its_own() -> None:
    local = load_referrals(POLICY, "midden-drenthe").organisations["woningcorporatie"]
    national = load_referrals(POLICY, "emmen").organisations["woningcorporatie"]
    assert local.layer == "midden-drenthe" and local.website == "https://www.woonservice-drenthe.nl"
    assert national.layer == "national" and national.website is None


@pytest.mark.parametrize(("intent", "text", "organisation", "subject"), [
    ("referral_uwv", "I lost my job, can I get WW?", "uwv", "ww"),
    ("referral_uwv", "Ik ben al bijna 2 jaar ziek, hoe zit het met de WIA?", "uwv", "wia"),
    ("referral_uwv", "هل يحق لي الحصول على WW بعد انتهاء عقدي؟", "uwv", "ww"),
    ("referral_uwv", "wajong aanvragen voor mijn zoon", "uwv", "wajong"),
    ("referral_belastingdienst", "Як отримати huurtoeslag?", "belastingdienst", "huurtoeslag"),
    ("referral_belastingdienst", "kindgebonden budget stopt", "belastingdienst",
     "kindgebonden_budget"),
    ("referral_duo", "wanneer kan ik mijn inburgeringsexamen doen", "duo", "inburgeringsexamen"),
    ("referral_svb", "Kinderbijslag nog niet ontvangen", "svb", "kinderbijslag"),
    ("referral_ind", "Ik wil Nederlander worden, naturalisatie", "ind", "naturalisatie"),
    ("referral_health", "Як мені потрапити на прийом до лікаря?", "huisarts", "huisarts"),
    ("referral_health", "my son needs vaccination", "huisarts", "ggd"),
    # the subject in Arabic, Turkish, Persian and Tigrinya words (Arabic with its article)
    ("referral_svb", "هل في راتب الأرملة بعد وفاة زوجي؟", "svb", "anw"),
    ("referral_svb", "متى يبدأ معاش التقاعد لأمي؟", "svb", "aow"),
    ("referral_ind", "كيف بقدم على الجنسية الهولندية؟", "ind", "naturalisatie"),
    ("referral_health", "أبوي وقع، اتصلت على الإسعاف؟", "huisarts", "spoed"),
    ("referral_svb", "Eşim öldü, dul maaşı alabilir miyim?", "svb", "anw"),
    ("referral_ind", "Hollanda vatandaşlığına nasıl başvurulur", "ind", "naturalisatie"),
    ("referral_duo", "öğrenci kredimi nasıl geri öderim", "duo", "lening"),
    ("referral_svb", "شوهرم فوت کرده، مستمری بازماندگان از کجا؟", "svb", "anw"),
    ("referral_health", "باید به اورژانس زنگ بزنم؟", "huisarts", "spoed"),
    ("referral_ind", "پاسپورت هلندی می‌خواهم", "ind", "naturalisatie"),
    ("referral_svb", "ጥሮታ መንግስቲ መዓስ ይጅምር?", "svb", "aow"),
    ("referral_ind", "ሆላንዳዊ ዜግነት ክሓትት ደልየ", "ind", "naturalisatie"),
    ("referral_health", "عندي ألم في الصدر من ساعة", "huisarts", "spoed"),
    ("referral_health", "göğüs ağrım var ne yapayım", "huisarts", "spoed"),
    ("referral_belastingdienst", "اظهارنامه مالیاتی را چطور پر کنم", "belastingdienst",
     "belasting"),
    ("referral_ind", "Hollanda pasaportu nasıl alınır", "ind", "naturalisatie"),
    # rent allowance as typed in the web chat (they got the zorgtoeslag text), and Arabic
    # without hamza ("الايجار" for "الإيجار")
    ("referral_belastingdienst", "درباره کمک هزینه اجاره سوال دارم", "belastingdienst",
     "huurtoeslag"),
    ("referral_belastingdienst", "ሓገዝ ክራይ ገዛ ክረክብ ይኽእል ዶ?", "belastingdienst",
     "huurtoeslag"),
    ("referral_belastingdienst", "بدي بدل الايجار", "belastingdienst", "huurtoeslag"),
    ("referral_belastingdienst", "kira desteği alabilir miyim", "belastingdienst",
     "huurtoeslag"),
    # the message's own words win when they name exactly one other organisation's subject
    ("referral_svb", "hoe vraag ik zorgtoeslag aan", "belastingdienst", "zorgtoeslag"),
    # nothing named: the organisation's first subject
    ("referral_ind", "vraag over de IND", "ind", "verblijfsvergunning"),
])
def test_the_subject_is_the_one_the_message_names(intent, text, organisation, subject) -> None:
    referral = load_referrals(POLICY, "midden-drenthe").resolve(intent, text)
    assert (referral.organisation.id, referral.subject.id) == (organisation, subject)


def test_a_web_address_is_not_the_keyword_ww() -> None:
    referral = load_referrals(POLICY, "midden-drenthe").resolve(
        "referral_health", "staat dat op www.thuisarts.nl")
    assert referral.organisation.id == "huisarts"
