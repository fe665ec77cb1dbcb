"""Rasa's CRF entity extractor, keeping the CRFs it trained in the model.

Rasa 3.6's ``CRFEntityExtractor`` stores only its training set (``crf_dataset.json``) and
trains its CRFs again from it every time a model is loaded: about a third of a Rasa server's
start-up (py-spy, issue 9), paid again at every restart of a worker. This one also stores
each trained CRF as crfsuite's own binary model file (data, not code) and loads those;
everything else, including what it predicts, is Rasa's. A model trained before this
component existed (no CRF files) is loaded as Rasa does it.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import pycrfsuite
import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from sklearn_crfsuite import CRF

ORDER_FILE = "crf_order.json"


def crf_file(tag_name: str) -> str:
    return f"crf_{tag_name}.crfsuite"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """``CRFEntityExtractor`` that loads its trained CRFs instead of training them again."""

    @property
    def name(self) -> str:
        """Entities found keep Rasa's extractor name, as before (evaluations group by it)."""
        return CRFEntityExtractor.__name__

    def persist(self, dataset: list[list[CRFToken]]) -> None:
        super().persist(dataset)
        with self._model_storage.write_to(self._resource) as model_dir:
            for tag_name, tagger in self.entity_taggers.items():
                if tagger.modelfile.name:
                    (model_dir / crf_file(tag_name)).write_bytes(
                        Path(tagger.modelfile.name).read_bytes())

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> CRFEntityExtractor:
        try:
            with model_storage.read_from(resource) as model_dir:
                order = rasa.shared.utils.io.read_json_file(model_dir / ORDER_FILE)
                files = {tag: model_dir / crf_file(tag) for tag in order}
                if not order or not all(path.exists() for path in files.values()):
                    return super().load(config, model_storage, resource, execution_context,
                                        **kwargs)
                taggers = OrderedDict((tag, stored_crf(path.read_bytes()))
                                      for tag, path in files.items())
        except ValueError:  # no resource: nothing was trained (no entities in the data)
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = order
        return extractor


def stored_crf(model: bytes) -> CRF:
    """A trained CRF from crfsuite's model file, as ``CRF.fit`` leaves it for predicting."""
    crf = CRF()
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)
    crf._tagger = tagger
    crf._stored_model = model  # the tagger reads from this memory: keep it alive
    return crf
