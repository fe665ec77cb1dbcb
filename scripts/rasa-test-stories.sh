#!/usr/bin/env bash
# Conversation tests: Rasa predicts every step of tests/stories with the trained model
# (its NLU included, the stories hold what people type) and fails on any wrong prediction.
set -euo pipefail
cd "$(dirname "$0")/.."
out=var/rasa-test-results
mkdir -p "$out"
if ! .venv/bin/python -m rasa test core --model models/assistant.tar.gz --stories tests/stories \
     --endpoints endpoints.yml --out "$out" --fail-on-prediction-errors --no-plot > "$out/log.txt" 2>&1; then
  grep -v "DeprecationWarning\|warnings.warn" "$out/log.txt" | tail -40
  [ -f "$out/failed_test_stories.yml" ] && cat "$out/failed_test_stories.yml"
  echo "rasa test: 0 passed, 1 failed"
  exit 1
fi
stories=$(cat tests/stories/*.yml | grep -c -- "- story:" || true)
grep -E "Correct: |Accuracy: " "$out/log.txt" | sed 's/.*INFO *rasa.core.test *- *//'
echo "rasa test stories: all $stories predicted correctly"
