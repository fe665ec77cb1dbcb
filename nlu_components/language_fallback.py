"""Rasa's FallbackClassifier with a threshold per language.

The gateway sends the conversation's language with every message (metadata "language", see
bot/gateway.py); a message without it (Rasa's /model/parse, a language we have no own
threshold for) gets the global threshold. Dari ("fa_AF") takes Persian's ("fa") unless it
has its own. Everything else, the ambiguity threshold too, is Rasa's own FallbackClassifier.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import THRESHOLD_KEY, FallbackClassifier
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

LANGUAGE_THRESHOLDS_KEY = "language_thresholds"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageFallbackClassifier(FallbackClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**FallbackClassifier.get_default_config(), LANGUAGE_THRESHOLDS_KEY: {}}

    def threshold(self, message: Message) -> float:
        metadata = message.get("metadata") or {}
        language = str(metadata.get("language") or "") if isinstance(metadata, dict) else ""
        own = self.component_config.get(LANGUAGE_THRESHOLDS_KEY) or {}
        for key in (language, language.split("_")[0]):
            if key in own:
                return float(own[key])
        return float(self.component_config[THRESHOLD_KEY])

    def _nlu_confidence_below_threshold(self, message: Message) -> tuple[bool, float]:
        confidence = message.data[INTENT].get(PREDICTED_CONFIDENCE_KEY)
        return confidence < self.threshold(message), confidence
