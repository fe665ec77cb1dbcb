"""Custom Rasa actions (rasa_sdk), one module per skill.

Actions decide and remember; they never write user-facing prose. They send catalog
message ids with typed arguments (``assistant.messages``) and the gateway renders them.
"""

from assistant.privacy.logs import follow_turns_in_the_action_server

if follow_turns_in_the_action_server():  # in the action server itself
    from actions.start import build_vocabularies

    build_vocabularies()
