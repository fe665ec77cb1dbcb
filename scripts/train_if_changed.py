"""Train the Rasa model only when its training data, domain or pipeline changed.

The fingerprint is a hash of the files' contents (not their dates), so a fresh clone trains
once and every later run reuses models/assistant.tar.gz until the data changes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"
FINGERPRINT = ROOT / "models" / "assistant.fingerprint"
INPUTS = [ROOT / "config.yml", ROOT / "domain", ROOT / "nlu_data", ROOT / "nlu_components"]


def training_fingerprint() -> str:
    digest = hashlib.sha256()
    files = sorted(p for source in INPUTS
                   for p in ([source] if source.is_file() else
                             [*source.rglob("*.yml"), *source.rglob("*.py")]))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    fingerprint = training_fingerprint()
    if MODEL.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text().strip() == fingerprint:
        print(f"Model up to date: {MODEL.relative_to(ROOT)}")
        return 0
    print("Training data changed: training the Rasa model (about two minutes)...", flush=True)
    command = [sys.executable, "-m", "rasa", "train", "--config", "config.yml",
               "--domain", "domain", "--data", "nlu_data", "--out", "models",
               "--fixed-model-name", "assistant", "--force"]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        print("Training failed; see the messages above.", file=sys.stderr)
        return result.returncode
    FINGERPRINT.write_text(fingerprint + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
