# Two commands do all the set-up:  `make run`  and  `make test`.
# Everything else here is a step they depend on; each step is skipped when its inputs did not change.

VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
CATALOGS    := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED    := $(CATALOGS:.po=.mo)

# Keep the output readable: no TensorFlow chatter, no library deprecation warnings.
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test lint train catalogs benchmark evaluate extract-messages clean

run: $(STAMP) $(COMPILED) train
	$(PY) -m bot

test: $(STAMP) $(COMPILED) train
	scripts/ensure-chromium.sh
	$(PY) -m ruff check .
	$(PY) -m rasa data validate --quiet --fail-on-warnings --domain domain --data nlu_data --config config.yml
	scripts/rasa-test-stories.sh
	$(PY) -m pytest

$(STAMP): pyproject.toml requirements.lock
	@PY310=$$(scripts/find-python310.sh) || exit 1; \
	 [ -x $(PY) ] || $$PY310 -m venv $(VENV); \
	 $(PY) -m pip install --quiet --upgrade pip && \
	 $(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	@touch $@

# Rasa is trained only when its training data, domain or pipeline changed (content hash, not mtime).
train: $(STAMP)
	$(PY) scripts/train_if_changed.py

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

catalogs: $(COMPILED)

# Re-extract message ids from code, domain and policy data and merge them into every catalog.
extract-messages: $(STAMP)
	$(PY) -m assistant.catalog_extract

lint: $(STAMP)
	$(PY) -m ruff check .

benchmark: $(STAMP) $(COMPILED) train
	$(PY) scripts/benchmark.py

# Per-language understanding on the held-out and real-style test sets (trains its own NLU
# model; prints figures), then how plain the Dutch texts are (Flesch-Douma, sentence length).
# `make evaluate ARGS=--dev`: the development sets and their confusions.
evaluate: $(STAMP)
	$(PY) scripts/evaluate_languages.py $(ARGS)
	$(PY) scripts/readability.py

clean:
	rm -rf $(VENV) models var $(COMPILED)
