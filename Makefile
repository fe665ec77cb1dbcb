# Two commands do all the set-up:  `make run`  and  `make test`.
# Everything else here is a step they depend on; each step is skipped when its inputs did not change.

VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
CATALOGS    := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED    := $(CATALOGS:.po=.mo)

.PHONY: run test lint validate train catalogs benchmark extract-messages clean

run: $(STAMP) $(COMPILED) train
	$(PY) -m bot

test: $(STAMP) $(COMPILED) train
	scripts/ensure-chromium.sh
	$(PY) -m ruff check .
	$(PY) -m rasa data validate --fail-on-warnings --domain domain --data nlu_data --config config.yml
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
	$(VENV)/bin/pybabel extract -F babel.cfg -o locales/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete

lint: $(STAMP)
	$(PY) -m ruff check .

benchmark: $(STAMP) $(COMPILED) train
	$(PY) scripts/benchmark.py

clean:
	rm -rf $(VENV) models var $(COMPILED)
