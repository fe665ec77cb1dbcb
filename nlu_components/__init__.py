"""Our own Rasa NLU components (referenced by their module path in config.yml)."""
