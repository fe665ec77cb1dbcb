"""Rasa's REST channel, saying when a turn failed (loaded by the Rasa server, credentials.yml).

Rasa's own REST channel answers HTTP 200 whatever happened: when the action server was down
it logged the failed actions as done, went on predicting until its circuit breaker stopped
it, saved that state and answered with whatever messages it had by then, which could look
like a real answer. Here a turn in which a custom action could not be run, or that failed
altogether (the lock store or the database down), is not saved and is answered with
HTTP 503, so the gateway can send the same turn again once the server is back; the
conversation stays where it was.

Only the gateway may send turns: a request without the internal token
(``Authorization: Bearer``, assistant/privacy/tokens.py) is answered 401. The turn's id (its
correlation id) is set for every log line Rasa writes while handling it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.processor import MessageProcessor
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.privacy.logs import begin_turn
from assistant.privacy.tokens import is_authorized, token_in_this_process

logger = logging.getLogger(__name__)

# The failures of the turn being handled (a list shared with any task the turn starts).
_failures: ContextVar[list[str] | None] = ContextVar("turn_failures", default=None)


def note_failed_actions() -> None:
    """A custom action that could not run marks its turn as failed; the turn is not saved."""
    run_remote, save = RemoteAction.run, MessageProcessor.save_tracker

    async def run(action: RemoteAction, *args: Any, **kwargs: Any) -> list:
        try:
            return await run_remote(action, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # a form's normal "that slot was not filled"
        except Exception as error:
            failures = _failures.get()
            if failures is not None:
                failures.append(f"{action.name()}: {error}")
            raise

    async def save_tracker(processor: MessageProcessor, tracker: Any) -> None:
        if _failures.get():
            logger.warning("turn of %s not saved: %s", tracker.sender_id, _failures.get())
            return
        await save(processor, tracker)

    RemoteAction.run = run  # type: ignore[method-assign]
    MessageProcessor.save_tracker = save_tracker  # type: ignore[method-assign]


class RestWithFailures(RestInput):
    """``/webhooks/rest/webhook`` as before, with 503 for a turn that failed."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("rest_with_failures", __name__)
        token = token_in_this_process()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not is_authorized(request.headers.get("Authorization"), token):
                logger.warning("refused a turn without the internal token")
                return response.json({"error": "unauthorized"}, status=401)
            turn = (self.get_metadata(request) or {}).get("turn_id")
            begin_turn(turn if isinstance(turn, str) and turn.isalnum() else "")
            collector = CollectingOutputChannel()
            message = UserMessage(self._extract_message(request), collector,
                                  await self._extract_sender(request),
                                  input_channel=self._extract_input_channel(request),
                                  metadata=self.get_metadata(request))
            failures: list[str] = []
            _failures.set(failures)
            try:
                await on_new_message(message)
            except Exception as error:  # the lock store or the tracker store failed
                logger.exception("turn failed")
                return response.json({"error": "turn_failed", "reason": str(error)}, status=503)
            if failures:
                return response.json({"error": "action_failed", "reason": failures[0]},
                                     status=503)
            return response.json(collector.messages)

        return webhook
