"""Rasa's conversations kept in the project's own database (loaded by the Rasa server).

Rasa's ``SQLTrackerStore`` with three changes, so a restarted or second Rasa worker continues
every conversation where it was:

- it uses the project's engine (SQLite in WAL mode with a busy timeout, so several
  processes can share the file; PostgreSQL with pre-ping, so a restarted database server
  costs no failed turn) on ``DATABASE_URL``, with SQLite on a file beside it
  (``assistant.settings.conversations_url``);
- reading and writing run in a thread, not on Rasa's event loop;
- a save writes only the events the tracker got since it was read or last saved, in one
  ``INSERT`` (Rasa's own counted the stored events first, in a second query, at every save:
  with the commit, half of a Rasa worker's time under load). A tracker this store did not
  read (a new one, or Rasa's "replace events" API) is compared with what is stored: with
  fewer events than stored it replaces them, so erasure (replacing by none) really erases;
- with SQLite the conversations file is written with ``synchronous=NORMAL``
  (``assistant.storage``): a commit survives a killed process, only a power cut can take the
  last turns back; the appointments keep every commit on disk.

Configured by the launcher (``bot/services.py``) in the endpoints file it writes:
``tracker_store: {type: bot.tracker_store.ProjectTrackerStore, url: ...}``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from assistant.settings import conversations_url, get_settings
from assistant.storage import get_engine

EVENTS_TABLE = SQLTrackerStore.SQLEvent.__tablename__
# On a tracker this store read or saved: how many of its first events are in the database.
IN_STORE = "_events_in_store"


class ProjectTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Domain | None = None, host: str | None = None,
                 event_broker: EventBroker | None = None, **kwargs: Any) -> None:
        url = host or conversations_url(get_settings().database_url)
        engine = get_engine(url)  # also creates the project's tables when they are missing
        SQLTrackerStore.Base.metadata.create_all(engine)
        # Skip SQLTrackerStore.__init__: it builds a second engine without our settings.
        super(SQLTrackerStore, self).__init__(domain, event_broker, **kwargs)
        self.engine = engine
        self.sessionmaker = sessionmaker(bind=engine)

    async def _retrieve(self, sender_id: str,
                        fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        events = await asyncio.to_thread(self._load_events, sender_id,
                                         fetch_events_from_all_sessions)
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, IN_STORE, len(tracker.events))
        return tracker

    def _load_events(self, sender_id: str, all_sessions: bool) -> list[dict]:
        """The stored events' JSON only: Rasa's query built an ORM object per event (and an
        identity map of them), a third of reading a conversation, for one column."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, all_sessions).with_entities(
                self.SQLEvent.data)
            return [json.loads(data) for (data,) in rows]

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        events = list(tracker.events)
        in_store = getattr(tracker, IN_STORE, None)
        await asyncio.to_thread(self._store_events, tracker.sender_id, events, in_store)
        setattr(tracker, IN_STORE, len(events))

    def _store_events(self, sender_id: str, events: list[Event],
                      in_store: int | None = None) -> None:
        """Write ``events[in_store:]``, in one transaction. ``in_store`` None: a tracker this
        store did not read; what it holds is compared with the stored events."""
        with self.session_scope() as session:
            if in_store is None:
                in_store = self._event_query(session, sender_id,
                                             fetch_events_from_all_sessions=False).count()
                if len(events) < in_store:
                    # A replacement (erasure, Rasa's "replace events"): drop every stored
                    # event of this person, then write what the tracker holds now.
                    session.query(self.SQLEvent).filter(
                        self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
                    in_store = 0
            rows = [self._row(sender_id, event) for event in events[in_store:]]
            if rows:
                session.execute(insert(self.SQLEvent.__table__), rows)
            session.commit()

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}
