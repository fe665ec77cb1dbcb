"""Intent classification for many languages at once: TF-IDF word and character n-grams and a
linear support vector machine, with calibrated probabilities for the fallback threshold.

Why not DIET: with eight languages (over 12,000 examples, seven scripts) DIET needed about
20 seconds per epoch on two cores, and a linear model on character n-grams was more accurate
on every held-out set (scripts/evaluate_languages.py) while training in seconds. Character
n-grams need no downloads and work for scripts no tokenizer knows (Ge'ez), for typos and for
Dutch words inside other languages ("bijstand", "инбургеринг").

Two additions for messages as people really write them (issue 8):
- A message of several sentences is judged by the part that carries the question: half of
  the topic examples are also learnt inside a context sentence ("Goedemiddag, ik woon sinds
  kort in Beilen." before, "Alvast bedankt." after; nlu_components/message_context.yml), the
  same sentences for every topic, so the model learns that they do not decide the topic.
  On the real-style development sets this won over scoring the sentences one by one and
  mixing them with the whole (question sentences weighted 1 or 3, or the most confident
  sentence): those gave the context sentences a say of their own.
- Official terms (WW, Bbz, loonwaarde, zorgtoeslag, ...) in any language are mapped to one
  concept each by a lexicon (nlu_components/lexicon.yml), an extra feature the classifier
  learns from every language's examples at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from nlu_components.lexicon import LEXICON_FILE, concepts, preprocess

logger = logging.getLogger(__name__)
MODEL_FILE = "intent_classifier.skops"
VOCABULARY_FILE = "vocabularies.json"  # per vectorizer: its terms in the order of their column
# The only types beyond skops' defaults that our own training writes into the model file.
# Loading refuses a file with any other type: a model file must not run code it brings along.
TRUSTED_TYPES = [
    "nlu_components.lexicon.concepts",
    "nlu_components.lexicon.preprocess",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]
CONTEXT_FILE = Path(__file__).with_name("message_context.yml")
ANSWER_WORDS_FILE = Path(__file__).with_name("answer_words.yml")
# Short answers whose meaning a sentence around them would change get no context copies.
_NO_CONTEXT_INTENTS = {"affirm", "deny", "inform", "greet", "goodbye", "thank"}
_SCRIPTS = {"arabic": ("\u0600", "\u06ff"), "cyrillic": ("\u0400", "\u04ff"),
            "ethiopic": ("\u1200", "\u137f")}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Reads the message text itself: it needs no featurizer before it."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "word_ngrams": [1, 2],
            "char_ngrams": [1, 5],
            "lexicon_weight": 1.0,   # weight of the official-terms concepts beside the n-grams
            "C": 0.5,                # regularisation of the SVM (lower: smoother)
            "calibration_folds": 3,  # probabilities from held-apart folds, for the fallback
            "calibration_ensemble": False,  # average the folds' calibrated SVMs (True)
            "context_share": 0.5,    # share of topic examples also learnt inside a context
            "ranking_length": 10,    # 0: rank every intent
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Rasa retrains this component when the lexicon, the context sentences or the code
        that reads the texts change. Without the code, `rasa train` (and so the evaluation
        script) took a classifier from Rasa's cache that an older tokenisation had trained."""
        sources = [LEXICON_FILE, CONTEXT_FILE, *sorted(Path(__file__).parent.glob("*.py"))]
        return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, model: Pipeline | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self._one_message: OneMessage | bool | None = None  # built at the first message

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TfidfIntentClassifier:
        return cls(config, model_storage, resource)

    def _new_model(self, folds: int) -> Pipeline:
        features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b",
                                      preprocessor=preprocess, sublinear_tf=True,
                                      ngram_range=tuple(self.config["word_ngrams"]))),
            ("characters", TfidfVectorizer(analyzer="char_wb", preprocessor=preprocess,
                                           sublinear_tf=True,
                                           ngram_range=tuple(self.config["char_ngrams"]))),
            ("concepts", TfidfVectorizer(analyzer=concepts, sublinear_tf=True)),
        ], transformer_weights={"concepts": self.config["lexicon_weight"]})
        # The SVM's seed is fixed: without one liblinear takes one from numpy's global state,
        # and two trainings on the same examples differed by up to 5e-5 in a weight.
        classifier = CalibratedClassifierCV(
            LinearSVC(C=self.config["C"], class_weight="balanced", random_state=0),
            cv=folds, method="sigmoid", ensemble=self.config["calibration_ensemble"])
        return Pipeline([("features", features), ("classifier", classifier)])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [(e.get(TEXT), e.get(INTENT)) for e in training_data.intent_examples
                    if e.get(TEXT) and e.get(INTENT)]
        if len({intent for _, intent in examples}) < 2:
            logger.debug("Fewer than two intents: nothing to train.")
            return self._resource
        folds = self.config["calibration_folds"]
        examples += with_context(examples, self.config["context_share"])
        texts, labels = zip(*enough_for_folds(examples, folds), strict=True)
        self.model = self._new_model(folds)
        self._one_message = None
        self.model.fit(list(texts), np.array(labels))  # sklearn's checks need an array
        self.persist()
        lean(self.model)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            probabilities = self._after_an_answer_word(text, self._probabilities(text))
            ranking = sorted(
                ({"name": str(name), "confidence": float(p)}
                 for name, p in zip(self.model.classes_, probabilities, strict=True)),
                key=lambda item: -item["confidence"])
            length = self.config["ranking_length"]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking,
                        add_to_output=True)
        return messages

    def _probabilities(self, text: str) -> np.ndarray:
        """``model.predict_proba([text])[0]``, with the features in the weights' precision
        (``lean``): a float64 row against float32 weights made scipy copy all the weights.
        One message at a time by ``OneMessage`` when the model is of the kind it knows."""
        if self._one_message is None:
            self._one_message = OneMessage.of(self.model) or False
        if self._one_message:
            return self._one_message.probabilities(text)
        features = self.model.named_steps["features"].transform([text])
        classifier = self.model.named_steps["classifier"]
        return classifier.predict_proba(features.astype(weights_dtype(classifier)))[0]

    def _after_an_answer_word(self, text: str, probabilities: np.ndarray) -> np.ndarray:
        """A yes or no before a wish or a question ("ja graag een afspraak", "nee, ik wil
        weten hoeveel bijstand ik krijg"): what follows it decides when it is a topic the
        model is surer of than of the whole message. Said to an offer ("Wilt u hierover
        praten met een klantmanager?"), the whole was split between yes and booking and
        fell back. Learning such copies instead made the model surer of everything, wrong
        answers too (development sets)."""
        rest = after_answer_word(text)
        if not rest:
            return probabilities
        of_rest = self._probabilities(rest)
        best = int(np.argmax(of_rest))
        if (str(self.model.classes_[best]) not in _NO_CONTEXT_INTENTS
                and of_rest[best] > probabilities.max()):
            return of_rest
        return probabilities

    def persist(self) -> None:
        """The fitted pipeline in skops' format, except the n-gram vocabularies: they hold
        hundreds of thousands of terms, which skops writes as one checked object each (a
        file of about 250 MB that took most of a Rasa server's start to read). They go in a
        plain JSON list of terms instead, which nothing can run code from either."""
        import skops.io as sio

        vectorizers = self._vectorizers()
        vocabularies = {name: v.vocabulary_ for name, v in vectorizers.items()}
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / VOCABULARY_FILE).write_text(json.dumps(
                {name: sorted(terms, key=terms.__getitem__)
                 for name, terms in vocabularies.items()}, ensure_ascii=False),
                encoding="utf-8")
            try:
                for vectorizer in vectorizers.values():
                    vectorizer.vocabulary_ = {}
                sio.dump(self.model, model_dir / MODEL_FILE)
            finally:
                for name, vectorizer in vectorizers.items():
                    vectorizer.vocabulary_ = vocabularies[name]

    def _vectorizers(self) -> dict[str, TfidfVectorizer]:
        if self.model is None:
            return {}
        union = self.model.named_steps.get("features")
        return {name: step for name, step in getattr(union, "transformer_list", [])
                if isinstance(step, TfidfVectorizer)}

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TfidfIntentClassifier:
        import skops.io as sio
        from skops.io.exceptions import UntrustedTypesFoundException

        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / MODEL_FILE
                try:  # one pass: skops refuses any type beyond its defaults and ours
                    model = sio.load(path, trusted=TRUSTED_TYPES)
                except UntrustedTypesFoundException as error:
                    raise UntrustedModelError(f"{path} holds types this component never "
                                              f"writes: {error}") from error
                vocabulary_path = model_dir / VOCABULARY_FILE
                vocabularies = (json.loads(vocabulary_path.read_text(encoding="utf-8"))
                                if vocabulary_path.exists() else {})
        except (ValueError, FileNotFoundError):
            logger.debug("No trained intent classifier in the model: intents stay unknown.")
            model, vocabularies = None, {}
        if model is not None:
            lean(model)
        component = cls(config, model_storage, resource, model)
        for name, vectorizer in component._vectorizers().items():
            if name in vocabularies:
                vectorizer.vocabulary_ = {term: index
                                          for index, term in enumerate(vocabularies[name])}
        return component


def _svms(classifier: Any) -> list[Any]:
    return [getattr(calibrated, "estimator", None) or calibrated.base_estimator
            for calibrated in getattr(classifier, "calibrated_classifiers_", [])]


def lean(model: Pipeline) -> None:
    """The SVM's weights (intents x n-grams, dense: 96 MB in float64 with today's data, in
    every Rasa process) in float32, column-major, so that one message's sparse row times
    them needs no copy: half the memory, the same answers (on every held-out and real-style
    message of tests/nlu_eval: no intent ranked first changed, no confidence moved by more
    than 2e-6, none crossed the fallback threshold). The model file keeps float64."""
    for svm in _svms(model.named_steps.get("classifier")):
        svm.coef_ = np.asfortranarray(svm.coef_, dtype=np.float32)


def weights_dtype(classifier: Any) -> np.dtype:
    svms = _svms(classifier)
    return svms[0].coef_.dtype if svms else np.dtype(np.float64)


class OneMessage:
    """``predict_proba([text])[0]`` of a fitted model of ``_new_model``'s kind (with
    ``lean``'s float32 weights), the same arithmetic in the same order, without what costs
    most for one short text: sklearn's checks at every step (``check_is_fitted`` on a
    vectorizer recomputes its whole idf vector from a sparse diagonal matrix), a joblib
    call for the feature union, five sparse matrices per vectorizer and a Python call per
    intent for the calibration. Only the n-grams the text has are touched. The answers are
    sklearn's bit for bit (tests/test_intent_classifier.py; on the real model every sentence
    of tests/nlu_eval and 200 random strings); a model of any other kind keeps sklearn's
    path (``of`` returns None)."""

    def __init__(self, parts: list[tuple], classifiers: list[tuple], n_classes: int) -> None:
        self.parts = parts              # per vectorizer: analyzer, vocabulary, idf, ...
        self.classifiers = classifiers  # per calibrated SVM: weights, intercept, a, b
        self.n_classes = n_classes

    @classmethod
    def of(cls, model: Pipeline | None) -> OneMessage | None:
        union = getattr(model, "named_steps", {}).get("features")
        classifier = getattr(model, "named_steps", {}).get("classifier")
        if not isinstance(union, FeatureUnion) or not isinstance(
                classifier, CalibratedClassifierCV) or len(classifier.classes_) <= 2:
            return None
        parts, offset = [], 0
        weights = union.transformer_weights or {}
        for name, vectorizer in union.transformer_list:
            if (not isinstance(vectorizer, TfidfVectorizer) or vectorizer.norm != "l2"
                    or not vectorizer.use_idf or vectorizer.binary
                    or vectorizer.dtype is not np.float64
                    or not hasattr(vectorizer, "vocabulary_")):
                return None
            parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_,
                          np.asarray(vectorizer.idf_, dtype=np.float64),
                          vectorizer.sublinear_tf, weights.get(name), offset))
            offset += len(vectorizer.vocabulary_)
        classifiers = []
        for calibrated in classifier.calibrated_classifiers_:
            svm = getattr(calibrated, "estimator", None) or calibrated.base_estimator
            calibrators = calibrated.calibrators
            if (not isinstance(svm, LinearSVC) or svm.coef_.shape != (
                    len(classifier.classes_), offset)
                    or list(svm.classes_) != list(classifier.classes_)
                    or list(calibrated.classes) != list(classifier.classes_)
                    or not all(isinstance(c, _SigmoidCalibration) for c in calibrators)):
                return None
            classifiers.append((svm.coef_.T, svm.intercept_,
                                np.array([c.a_ for c in calibrators], dtype=np.float64),
                                np.array([c.b_ for c in calibrators], dtype=np.float64)))
        return cls(parts, classifiers, len(classifier.classes_))

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's row of the feature union: column indices and values (float64), in
        the order of sklearn's sparse row (vectorizer by vectorizer, columns ascending)."""
        columns, values = [], []
        for analyze, vocabulary, idf, sublinear, weight, offset in self.parts:
            counts: dict[int, int] = {}
            for term in analyze(text):  # CountVectorizer._count_vocab
                column = vocabulary.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            found = np.fromiter(counts, dtype=np.int64, count=len(counts))
            order = np.argsort(found, kind="stable")
            found = found[order]
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[order]
            if sublinear:  # TfidfTransformer.transform
                np.log(tf, tf)
                tf += 1
            tf *= idf[found]
            square_sum = 0.0  # sklearn's row normalisation adds the squares one by one
            for value in tf.tolist():
                square_sum += value * value
            if square_sum != 0.0:
                tf /= math.sqrt(square_sum)
            if weight is not None:
                tf *= weight
            columns.append(found + offset)
            values.append(tf)
        if not columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(columns), np.concatenate(values)

    def probabilities(self, text: str) -> np.ndarray:
        columns, values = self.features(text)
        mean = np.zeros((1, self.n_classes))
        for weights, intercept, a, b in self.classifiers:
            # The sparse row times the weights as scipy's csr_matvecs does it: products in
            # the weights' precision, added up one column after the other.
            products = weights[columns] * values.astype(weights.dtype)[:, np.newaxis]
            sums = (np.cumsum(products, axis=0)[-1] if len(columns)
                    else np.zeros(self.n_classes, dtype=weights.dtype))
            decision = sums + intercept
            proba = expit(-(a * decision + b))[np.newaxis, :]
            denominator = np.sum(proba, axis=1)[:, np.newaxis]
            proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / self.n_classes),
                              where=denominator != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            mean += proba
        mean /= len(self.classifiers)
        return mean[0]


class UntrustedModelError(RuntimeError):
    """The model file holds a type our training never writes: it is not loaded."""


def enough_for_folds(examples: list[tuple[str, str]], folds: int) -> list[tuple[str, str]]:
    """Calibration splits every intent over `folds` folds: an intent with fewer examples has
    them repeated until each fold holds one (instead of the calibration failing)."""
    counts = Counter(intent for _, intent in examples)
    extra = [(text, intent) for text, intent in examples
             for _ in range(-(-folds // counts[intent]) - 1) if counts[intent] < folds]
    return examples + extra


def script(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    first = letters[0] if letters else "a"
    return next((name for name, (low, high) in _SCRIPTS.items() if low <= first <= high),
                "latin")


@lru_cache(maxsize=1)
def message_context() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(CONTEXT_FILE.read_text(encoding="utf-8"))


def with_context(examples: list[tuple[str, str]], share: float) -> list[tuple[str, str]]:
    """Copies of a share of the topic examples with a sentence of context before or after
    them (message_context.yml), in the example's script; the same for every intent.

    Whether an example gets a copy, where and which sentence are drawn from its own text and
    intent (a generator seeded by their SHA-256, not Python's salted hash()): adding or
    removing an example leaves every other example's copy as it was. One generator for all
    examples in turn dealt every later example's copy anew at each change of data, which
    moved the development figures by a sentence or two per language."""
    context = message_context()
    copies = []
    for text, intent in examples:
        if intent in _NO_CONTEXT_INTENTS:
            continue
        chooser = _chooser(text, intent)
        if chooser.random() >= share:
            continue
        where = chooser.choice(["before", "before", "before", "after", "both"])
        if where in ("before", "both"):
            text = f"{chooser.choice(context['before'][script(text)])} {text}"
        if where in ("after", "both"):
            text = f"{text.rstrip('.')}. {chooser.choice(context['after'][script(text)])}"
        copies.append((text, intent))
    return copies


def _chooser(text: str, intent: str) -> random.Random:
    """A generator of the example's own: the same draws in every training run and process."""
    digest = hashlib.sha256(f"{intent}\n{text}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))



@lru_cache(maxsize=1)
def _answer_words() -> tuple[tuple[str, ...], ...]:
    """Each opener as its words, the longest first ("ja graag" is tried before "ja")."""
    words = yaml.safe_load(ANSWER_WORDS_FILE.read_text(encoding="utf-8"))["answer_words"]
    if not all(isinstance(word, str) for word in words):
        raise ValueError(f"{ANSWER_WORDS_FILE}: quote every word (YAML reads yes as true)")
    openers = {tuple(_WORD.findall(word.casefold())) for word in words}
    return tuple(sorted(openers, key=len, reverse=True))


_WORD = re.compile(r"\w+")


def after_answer_word(text: str) -> str | None:
    """What follows a yes that opens the message ("ja graag een afspraak" -> "een afspraak",
    "Yes, how does it work?"), None when the message does not open with one or is nothing
    but the answer. A word joined on by a hyphen is not an answer ("no-riskpolis")."""
    lowered = text.casefold()
    words = list(_WORD.finditer(lowered))
    for opener in _answer_words():
        if tuple(match.group() for match in words[:len(opener)]) != opener:
            continue
        end = words[len(opener) - 1].end()
        if lowered[end:end + 1] == "-":
            continue
        rest = text[end:].lstrip(" ,.!?،؛:;–—፣።")
        return rest if len(_WORD.findall(rest)) >= 2 else None
    return None
