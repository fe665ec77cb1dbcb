"""The multilingual intent classifier as Rasa trains, stores and loads it: a model file with
a type it never writes is refused, an intent with a single example trains, every intent can
be ranked, and a long message with context is judged by its question; the fallback threshold
is the conversation's language's."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.language_fallback import LanguageFallbackClassifier
from nlu_components.lexicon import concepts, preprocess, split_scripts
from nlu_components.tfidf_intent_classifier import (
    MODEL_FILE,
    VOCABULARY_FILE,
    OneMessage,
    TfidfIntentClassifier,
    UntrustedModelError,
    _svms,
    after_answer_word,
    enough_for_folds,
    weights_dtype,
    with_context,
)

EXAMPLES = {
    "ask_debt_help": ["ik heb schulden", "ik kan mijn rekeningen niet betalen",
                      "hulp bij schulden", "de deurwaarder komt", "schuldhulp graag",
                      "I have debts", "I can't pay my bills", "help with debt"],
    "search_work": ["ik zoek werk", "ik wil een baan", "help mij werk vinden",
                    "werk zoeken", "ik heb geen baan", "I am looking for work",
                    "I want a job", "help me find work"],
    "ask_childcare": ["kinderopvang", "wie past op mijn kinderen", "opvang voor mijn kind",
                      "oppas nodig", "childcare", "who looks after my children",
                      "care for my kid", "kinderopvang regelen"],
    "referral_uwv": ["heb ik recht op WW"],  # a single example: fewer than the folds
}


def training_data(examples: dict[str, list[str]] = EXAMPLES) -> TrainingData:
    return TrainingData([Message(data={TEXT: text, INTENT: intent})
                         for intent, texts in examples.items() for text in texts])


def trained(tmp_path: Path, examples: dict[str, list[str]] = EXAMPLES, **config: object
            ) -> tuple[TfidfIntentClassifier, LocalModelStorage, Resource]:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    component = TfidfIntentClassifier.create(
        {**TfidfIntentClassifier.get_default_config(), **config}, storage, resource, context)
    component.train(training_data(examples))
    return component, storage, resource


def load(storage: LocalModelStorage, resource: Resource, **config: object
         ) -> TfidfIntentClassifier:
    return TfidfIntentClassifier.load(
        {**TfidfIntentClassifier.get_default_config(), **config}, storage, resource,
        ExecutionContext(GraphSchema({}), "test"))


def parse(component: TfidfIntentClassifier, text: str) -> Message:
    message = Message(data={TEXT: text})
    component.process([message])
    return message


def test_an_intent_with_fewer_examples_than_calibration_folds_trains(tmp_path: Path) -> None:
    component, storage, resource = trained(tmp_path, calibration_folds=3)
    loaded = load(storage, resource)
    assert parse(loaded, "ik heb een grote schuld").get(INTENT)["name"] == "ask_debt_help"
    assert "referral_uwv" in loaded.model.classes_


def test_rare_intents_are_repeated_until_every_fold_has_one() -> None:
    examples = [("a", "x"), ("b", "y"), ("c", "y"), ("d", "z"), ("e", "z"), ("f", "z")]
    counts = {intent: sum(i == intent for _, i in enough_for_folds(examples, 3))
              for intent in "xyz"}
    assert counts == {"x": 3, "y": 4, "z": 3}


def test_ranking_length_zero_ranks_every_intent(tmp_path: Path) -> None:
    component, storage, resource = trained(tmp_path)
    every = parse(load(storage, resource, ranking_length=0), "ik zoek werk")
    two = parse(load(storage, resource, ranking_length=2), "ik zoek werk")
    assert len(every.get(INTENT_RANKING_KEY)) == len(EXAMPLES)
    assert len(two.get(INTENT_RANKING_KEY)) == 2
    assert every.get(INTENT)["name"] == "search_work"


def test_a_model_file_with_a_type_it_never_writes_is_refused(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    component, storage, resource = trained(tmp_path)
    assert load(storage, resource).model is not None  # what training wrote loads
    foreign = Pipeline([("step", FunctionTransformer(Path)),  # pathlib.Path, a foreign type
                        ("classifier", LogisticRegression())])
    with storage.write_to(resource) as model_dir:
        sio.dump(foreign, model_dir / MODEL_FILE)
    with pytest.raises(UntrustedModelError, match="pathlib"):
        load(storage, resource)


def test_vocabularies_are_stored_beside_the_model_and_the_loaded_model_ranks_the_same(
        tmp_path: Path) -> None:
    """The n-gram vocabularies are a JSON list, not skops objects (issue 9: a Rasa server
    spent most of its start reading them): the model file holds none of their terms."""
    component, storage, resource = trained(tmp_path)
    with storage.read_from(resource) as model_dir:
        assert "schulden" not in (model_dir / MODEL_FILE).read_bytes().decode("latin-1")
        assert "schulden" in (model_dir / VOCABULARY_FILE).read_text(encoding="utf-8")
    loaded = load(storage, resource)
    for text in ["ik heb schulden bij de deurwaarder", "who looks after my kid", "WW"]:
        assert (parse(loaded, text).get(INTENT_RANKING_KEY)
                == parse(component, text).get(INTENT_RANKING_KEY))


def test_the_loaded_weights_are_float32_and_answer_as_the_float64_ones(tmp_path: Path) -> None:
    """Half the memory of every Rasa process (issue 9), the same answers."""
    _, storage, resource = trained(tmp_path)
    loaded = load(storage, resource)
    [svm] = _svms(loaded.model.named_steps["classifier"])
    assert svm.coef_.dtype == np.float32 and svm.coef_.flags["F_CONTIGUOUS"]
    reference = copy.deepcopy(loaded.model)
    for full in _svms(reference.named_steps["classifier"]):
        full.coef_ = full.coef_.astype(np.float64)
    for text in ["ik heb schulden bij de deurwaarder", "who looks after my kid", "WW",
                 "ik zoek een baan als kok", "xyz"]:
        expected = reference.predict_proba([text])[0]
        got = loaded._probabilities(text)
        assert np.allclose(got, expected, atol=1e-6, rtol=0)
        assert got.argmax() == expected.argmax()


@pytest.mark.parametrize("ensemble", [False, True])
def test_one_message_answers_bit_for_bit_as_sklearn(tmp_path: Path, ensemble: bool) -> None:
    """``OneMessage`` (issue 9: a tenth of sklearn's processor time per message) computes
    what sklearn does in the same order: the same floats, not just close ones. On the real
    model: every sentence of tests/nlu_eval and 200 random strings, all identical."""
    _, storage, resource = trained(tmp_path, calibration_ensemble=ensemble)
    loaded = load(storage, resource, calibration_ensemble=ensemble)
    fast = OneMessage.of(loaded.model)
    assert fast is not None and len(fast.classifiers) == (3 if ensemble else 1)
    classifier = loaded.model.named_steps["classifier"]
    for text in ["ik heb schulden bij de deurwaarder", "who looks after my kid", "WW",
                 "ik zoek een baan als kok", "xyz", "", "  ", "werk werk werk werk",
                 "Ik heb schulden. Ik zoek werk. Kinderopvang?", "ዘዘዘ", "бійстанд"]:
        features = loaded.model.named_steps["features"].transform([text])
        expected = classifier.predict_proba(features.astype(weights_dtype(classifier)))[0]
        assert np.array_equal(fast.probabilities(text), expected), text
        assert np.array_equal(loaded._probabilities(text), expected), text


def test_a_model_of_another_kind_keeps_sklearns_path(tmp_path: Path) -> None:
    _, storage, resource = trained(tmp_path)
    loaded = load(storage, resource)
    loaded.model.named_steps["features"].transformer_list[0][1].norm = "l1"
    assert OneMessage.of(loaded.model) is None
    assert parse(loaded, "ik zoek werk").get(INTENT)["name"] == "search_work"
    assert loaded._one_message is False


def test_context_copies_keep_the_script_and_skip_short_answers() -> None:
    examples = [("ik zoek werk", "search_work"), ("ja", "affirm"),
                ("шукаю роботу", "search_work"), ("ابحث عن عمل", "search_work")]
    copies = with_context(examples * 20, share=1.0)
    assert all(intent == "search_work" for _, intent in copies)
    assert len(copies) == 60
    ukrainian = [text for text, _ in copies if "шукаю роботу" in text]
    assert ukrainian and all(not any("a" <= c <= "z" for c in text.casefold())
                             for text in ukrainian)
    assert all(text != original for text, _ in copies for original, _ in examples)


def test_an_examples_context_copy_is_its_own_whatever_the_other_examples() -> None:
    """Adding (or removing) an unrelated example anywhere keeps every other example's copy:
    each is drawn from the example's own text and intent, not from one sequence for all."""
    examples = [(f"{text} {n}", intent) for n in range(40)
                for intent, texts in EXAMPLES.items() for text in texts]
    before = dict(zip(examples, map(with_context_of, examples), strict=True))
    added = [("hoe vraag ik bijzondere bijstand aan voor een wasmachine", "ask_special")]
    for at in (0, len(examples) // 2, len(examples)):
        changed = examples[:at] + added + examples[at:]
        copies = with_context(changed, share=0.5)
        own = [c for e in changed for c in with_context([e], share=0.5)]
        assert copies == own  # each copy depends on its example only ...
        assert all(with_context_of(e) == before[e] for e in examples)  # ... and is as before
    assert (sorted(with_context(examples[::-1], share=0.5))
            == sorted(with_context(examples, share=0.5)))  # nor does the order of the data
    share = len(with_context(examples, share=0.5)) / len(examples)
    assert 0.4 < share < 0.6, share  # about half, as config's context_share says


def with_context_of(example: tuple[str, str]) -> list[tuple[str, str]]:
    return with_context([example], share=0.5)


def test_context_copies_are_the_same_in_every_process() -> None:
    """No salted hash(): another PYTHONHASHSEED draws the same copies."""
    code = ("from nlu_components.tfidf_intent_classifier import with_context as w; "
            "print(w([(f'ik zoek werk {n}', 'search_work') for n in range(30)], 0.5))")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed},
                              cwd=Path(__file__).resolve().parent.parent).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1 and "ik zoek werk" in outputs.pop()


def test_official_terms_name_one_concept_in_every_language() -> None:
    assert concepts("Ik ben ontslagen, heb ik recht op WW?") == ["unemployment_benefit"]
    assert concepts("Як подати на допомогу по безробіттю?") == ["unemployment_benefit"]
    assert "allowance" in concepts("Hoe vraag ik zorgtoeslag aan?")
    assert concepts("ik wil wwerk") == []  # a short term only as a whole word


def test_a_dutch_term_glued_to_a_word_of_another_script_is_a_word_of_its_own() -> None:
    assert split_scripts("ንAOW ክሓትት") == "ን AOW ክሓትት"  # Tigrinya "for AOW"
    assert split_scripts("بالـWW") == "بالـ WW"  # Arabic "with the WW", with tatweel
    assert split_scripts("امتحان الinburgering") == "امتحان ال inburgering"
    assert split_scripts("ik heb WW-uitkering") == "ik heb WW-uitkering"  # one script: as is
    assert concepts("ኣቦይ ንAOW ክሓትት ኣለዎ") == ["pension_or_child_benefit"]
    assert concepts("للـAOW") == ["pension_or_child_benefit"]
    assert concepts("ብWW") == ["unemployment_benefit"]


@pytest.mark.parametrize(("written", "typed"), [
    ("أريد إلغاء موعدي", "اريد الغاء موعدي"),           # hamza on or under alef, or none
    ("أُرِيدُ إِلْغَاءَ مَوْعِدِي", "اريد الغاء موعدي"),   # harakat
    ("غداً في المساء", "غدا فى المسـاء"),                 # tanwin, alef maksura, tatweel
    ("مساعدة الإيجار", "مساعده الايجار"),                 # ta marbuta typed as heh
    ("می‌خواهم وقت بگیرم", "مي خواهم وقت بگيرم"),        # ZWNJ, Arabic yeh
    ("کمک هزینه کرایه", "كمك هزينة كرايه"),              # Arabic kaf, ta marbuta
    ("عمري ٣٠ سنة", "عمري 30 سنه"),                      # Arabic-Indic digits
])
def test_arabic_and_persian_spelling_variants_give_the_same_features(
        tmp_path: Path, written: str, typed: str) -> None:
    """People type "اريد الغاء موعدي" for "أريد إلغاء موعدي": the classifier reads both the
    same way in training and prediction (nlu_components/spelling.py), so the model learnt
    from the written form answers the typed one alike (it fell back)."""
    assert preprocess(written) == preprocess(typed)
    assert concepts(written) == concepts(typed)
    component, _, _ = trained(tmp_path)
    assert np.array_equal(component._probabilities(written), component._probabilities(typed))


def test_official_terms_typed_without_hamza_name_their_concept() -> None:
    assert concepts("هل يحق لي اعانة البطالة") == ["unemployment_benefit"]
    assert concepts("أريد بدل الايجار") == ["allowance"]


@pytest.mark.parametrize(("typed", "concept"), [
    ("cocuk parasi ne zaman yatar", "pension_or_child_benefit"),  # "çocuk parası" as typed
    ("kira yardimi", "allowance"), ("kira desteği alabilir miyim", "allowance"),
    ("а як щодо допомоги на оренду житла?", "allowance"),
    ("درباره کمک هزینه اجاره سوال دارم", "allowance"), ("ሓገዝ ክራይ ገዛ", "allowance")])
def test_official_terms_as_residents_typed_them(typed: str, concept: str) -> None:
    """Typed through the web chat: Turkish without its letters, rent allowance in words the
    lexicon lacked (they got the bijstand answer, the housing corporation or a fallback)."""
    assert concept in concepts(typed)


def parsed(confidence: float, language: str | None) -> Message:
    ranking = [{"name": "search_work", "confidence": confidence},
               {"name": "ask_training", "confidence": 0.1}]
    data = {TEXT: "ik zoek werk", INTENT: ranking[0], INTENT_RANKING_KEY: ranking}
    if language is not None:
        data["metadata"] = {"language": language}
    return Message(data=data)


@pytest.mark.parametrize(("language", "falls_back"), [
    ("nl", False),      # its own threshold, 0.45
    ("en", True),       # the global threshold, 0.55
    ("fa_AF", False),   # Dari takes Persian's
    (None, True),       # no language sent (Rasa's /model/parse): the global threshold
])
def test_the_fallback_threshold_is_the_conversations_languages(
        language: str | None, falls_back: bool) -> None:
    fallback = LanguageFallbackClassifier({
        **LanguageFallbackClassifier.get_default_config(), "threshold": 0.55,
        "ambiguity_threshold": 0.1, "language_thresholds": {"nl": 0.45, "fa": 0.45}})
    [message] = fallback.process([parsed(0.5, language)])
    assert (message.get(INTENT)["name"] == "nlu_fallback") is falls_back


@pytest.mark.parametrize(("text", "rest"), [
    ("ja graag een afspraak", "een afspraak"),
    ("Ja, hoe werkt dat met de loonwaarde?", "hoe werkt dat met de loonwaarde?"),
    ("Yes please, book me in", "book me in"),
    ("nee, maar ik wil wel weten wat ik krijg", "ik wil wel weten wat ik krijg"),
    ("так, я хочу записатися на прийом", "я хочу записатися на прийом"),
    ("نعم، أريد موعد مع الموظف", "أريد موعد مع الموظف"),
    ("ja graag", None),                      # nothing but the answer
    ("nee, ik wil geen bijstand", None),     # a bare no: the rest explains the no
    ("jaarlijks inkomen opgeven", None),     # "ja" begins a word, not an answer
    ("ja-woord en samenwonen, wat betekent dat voor mijn uitkering", None),
    ("لا أستطيع الحضور غدا", None),
])
def test_what_follows_a_yes_or_no(text: str, rest: str | None) -> None:
    assert after_answer_word(text) == rest


def test_a_topic_after_a_yes_is_the_topic_and_a_plain_yes_stays_yes(tmp_path: Path) -> None:
    """"ja graag, ik zoek werk" to an offer: what follows the yes decides when the model is
    surer of it than of the whole message; "ja graag" alone and "ja dat klopt" stay yes."""
    yes = ["ja", "ja graag", "ja dat klopt", "yes", "yes please", "ja hoor", "jazeker", "zeker"]
    component, _, _ = trained(tmp_path, {**EXAMPLES, "affirm": yes})
    assert parse(component, "ja graag, ik zoek werk").get(INTENT)["name"] == "search_work"
    assert parse(component, "yes please, help me find work").get(INTENT)["name"] == "search_work"
    assert parse(component, "ja graag").get(INTENT)["name"] == "affirm"
    assert parse(component, "ja dat klopt hoor").get(INTENT)["name"] == "affirm"
