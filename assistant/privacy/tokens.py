"""The internal token: the gateway, Rasa and the action server accept only each other.

One secret, from ``INTERNAL_TOKEN`` or, when that is not set, made on the first run and kept
in ``var/internal-token`` (readable by the assistant's own user only), so every process of
one installation (and a restarted one) knows the same. The launcher gives it to its children
in their environment (readable only by the same user), never on a command line, where every
user of the machine could read it in the process list.

- Rasa's HTTP API: ``--auth-token`` is added inside the Rasa process (``bot/rasa_server.py``).
- Rasa's REST channel (``bot/rasa_channel.py``) and the action server (``actions/__init__.py``)
  want ``Authorization: Bearer <token>``; without it they answer 401.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from assistant.privacy.files import OWNER_ONLY
from assistant.settings import Settings, get_settings

ENVIRONMENT_VARIABLE = "INTERNAL_TOKEN"
HEADER = "Authorization"
SCHEME = "Bearer "
TOKEN_BYTES = 32


def internal_token(settings: Settings | None = None) -> str:
    """The installation's token: the setting, else the kept file, else a new one kept now."""
    settings = settings or get_settings()
    if settings.internal_token:
        return settings.internal_token
    return _kept_token(settings.internal_token_file)


def _kept_token(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(TOKEN_BYTES)  # hex: never begins with "-" (an option to Rasa)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:  # made before (or at this moment by another process)
        kept = path.read_text().strip()
        if kept:
            path.chmod(OWNER_ONLY)
            return kept
        path.write_text(token)
        return token
    with os.fdopen(descriptor, "w") as file:
        file.write(token)
    return token


def authorization(token: str) -> dict[str, str]:
    """The header a call inside the machine carries."""
    return {HEADER: SCHEME + token}


def is_authorized(header: str | None, token: str) -> bool:
    """True when ``header`` (an ``Authorization`` value) carries ``token``; never for an
    empty token (a server without one accepts nobody)."""
    if not token or not header or not header.startswith(SCHEME):
        return False
    offered = header.removeprefix(SCHEME).encode("utf-8", "surrogateescape")
    return hmac.compare_digest(offered, token.encode("utf-8"))


def token_in_this_process() -> str:
    """In a child of the launcher (Rasa, the action server): the token it was given."""
    return os.environ.get(ENVIRONMENT_VARIABLE, "") or internal_token()
