"""The CRF entity extractor stores the CRFs it trained and loads them without training again
(Rasa's own trains them at every start), and finds the same entities as Rasa's own."""

from __future__ import annotations

from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from nlu_components.crf_entity_extractor import StoredCRFEntityExtractor, crf_file

TRAINING = """
version: "3.1"
nlu:
- intent: book
  examples: |
    - ik wil een afspraak met de [klantmanager](team)
    - afspraak met de [budgetconsulent](team) graag
    - kan ik de [jobcoach](team) spreken
    - een gesprek met de [klantmanager](team)
    - ik wil naar de [budgetconsulent](team)
    - plan een afspraak bij de [jobcoach](team)
- intent: age
  examples: |
    - ik ben [24](age) jaar
    - mijn leeftijd is [31](age)
    - ik ben [67](age)
    - [19](age) jaar oud
"""
CONTEXT = ExecutionContext(GraphSchema({}), "test")


def prepared(messages: list[Message], tokenizer: WhitespaceTokenizer,
             featurizer: LexicalSyntacticFeaturizer) -> list[Message]:
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages


def test_stored_crfs_are_loaded_without_training_and_find_the_same_entities(
        tmp_path: Path, monkeypatch) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("crf")
    data = RasaYAMLReader().reads(TRAINING)
    tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), storage,
                                           Resource("tokens"), CONTEXT)
    featurizer = LexicalSyntacticFeaturizer.create(
        LexicalSyntacticFeaturizer.get_default_config(), storage, Resource("lexical"), CONTEXT)
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    config = StoredCRFEntityExtractor.get_default_config()
    StoredCRFEntityExtractor.create(config, storage, resource, CONTEXT).train(data)
    with storage.read_from(resource) as model_dir:
        assert (model_dir / crf_file("entity")).stat().st_size > 0

    rasas = CRFEntityExtractor.load(config, storage, resource, CONTEXT)  # trains again

    def no_training(*_: object, **__: object) -> None:
        raise AssertionError("the stored CRFs were trained again")

    monkeypatch.setattr(CRFEntityExtractor, "train_model", no_training)
    ours = StoredCRFEntityExtractor.load(config, storage, resource, CONTEXT)
    for text in ["ik wil een afspraak met de jobcoach", "ik ben 45 jaar", "hallo"]:
        found = [prepared([Message(data={TEXT: text})], tokenizer, featurizer)[0]
                 for _ in range(2)]
        rasas.process([found[0]])
        ours.process([found[1]])
        assert found[1].get(ENTITIES) == found[0].get(ENTITIES)
    jobcoach = prepared([Message(data={TEXT: "kan ik de jobcoach spreken"})], tokenizer,
                        featurizer)
    ours.process(jobcoach)
    assert [(e["entity"], e["value"]) for e in jobcoach[0].get(ENTITIES)] == [
        ("team", "jobcoach")]
