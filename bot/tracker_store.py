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

- a conversation's tracker stays in the worker's memory after a turn (``KEPT_CONVERSATIONS``,
  the most recent) and is used again at its next turn when the stored conversation has not
  changed since: one aggregate query (count, highest id and latest time of its events)
  instead of reading every event back and rebuilding the tracker from them. Anything
  else that wrote or deleted its events in between (another worker, erasure, retention, a
  restart) changes that stamp, and the tracker is read from the database as before. A turn
  takes the kept tracker out while it runs and puts it back only when its save succeeded,
  so a failed turn's events in memory are never used; a tracker whose turn began a new
  session is not kept (the database's reading holds the last session only).

Configured by the launcher (``bot/services.py``) in the endpoints file it writes:
``tracker_store: {type: bot.tracker_store.ProjectTrackerStore, url: ...}``.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from assistant.settings import conversations_url, get_settings
from assistant.storage import get_engine

EVENTS_TABLE = SQLTrackerStore.SQLEvent.__tablename__
# On a tracker this store read or saved: how many of its first events are in the database.
IN_STORE = "_events_in_store"
# On a tracker read for its last session: the stored conversation's stamp when it was read.
STAMP = "_events_stamp"
# Trackers kept between turns, per Rasa worker: the most recently saved conversations.
KEPT_CONVERSATIONS = 500

Stamp = tuple[int, int | None, float | None]  # events' count, highest id, latest timestamp


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
        self._kept: OrderedDict[str, tuple[Stamp, DialogueStateTracker]] = OrderedDict()

    async def _retrieve(self, sender_id: str,
                        fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions:  # the API's whole history: read, never kept
            stamp, events = await asyncio.to_thread(self._load_events, sender_id, True)
        else:
            kept = self._kept.pop(sender_id, None)  # taken out for this turn
            stamp, events = await asyncio.to_thread(self._load_events, sender_id, False,
                                                    kept[0] if kept else None)
            if kept and events is None:
                return kept[1]  # the stored conversation is as this tracker left it
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, IN_STORE, len(tracker.events))
        if not fetch_events_from_all_sessions:
            setattr(tracker, STAMP, stamp)
        return tracker

    def _load_events(self, sender_id: str, all_sessions: bool,
                     unless: Stamp | None = None) -> tuple[Stamp, list[dict] | None]:
        """The stored conversation's stamp and its events' JSON, or no events when the
        stamp is ``unless``. Only the JSON column: Rasa's query built an ORM object per
        event (and an identity map of them), a third of reading a conversation."""
        with self.session_scope() as session:
            stamp = self._stamp(session, sender_id)
            if stamp == unless:
                return stamp, None
            rows = self._event_query(session, sender_id, all_sessions).with_entities(
                self.SQLEvent.data)
            return stamp, [json.loads(data) for (data,) in rows]

    def _stamp(self, session: Any, sender_id: str) -> Stamp:
        """What changes whenever a conversation's stored events change: their count, the
        highest id and the latest time (SQLite may give a deleted highest id out again)."""
        event = self.SQLEvent
        count, highest, latest = session.execute(
            select(func.count(event.id), func.max(event.id), func.max(event.timestamp))
            .where(event.sender_id == sender_id)).one()
        return int(count), highest, latest

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        events = list(tracker.events)
        in_store = getattr(tracker, IN_STORE, None)
        read = getattr(tracker, STAMP, None)
        # Kept only when read for its last session and this turn began no new one.
        keep = read is not None and not any(
            isinstance(event, SessionStarted) for event in events[in_store:])
        self._kept.pop(tracker.sender_id, None)
        stamp = await asyncio.to_thread(self._store_events, tracker.sender_id, events,
                                        in_store, read if keep else None)
        setattr(tracker, IN_STORE, len(events))
        if stamp is None:
            if hasattr(tracker, STAMP):
                delattr(tracker, STAMP)
            return
        setattr(tracker, STAMP, stamp)
        self._kept[tracker.sender_id] = (stamp, tracker)
        while len(self._kept) > KEPT_CONVERSATIONS:
            self._kept.popitem(last=False)

    def _store_events(self, sender_id: str, events: list[Event], in_store: int | None = None,
                      read: Stamp | None = None) -> Stamp | None:
        """Write ``events[in_store:]``, in one transaction. ``in_store`` None: a tracker this
        store did not read; what it holds is compared with the stored events. With the
        stamp the tracker was ``read`` with: the stamp after writing, when nothing but this
        write changed the stored events since (else None: the tracker is not kept)."""
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
            # After the insert, in the same transaction: a read before it would make
            # SQLite's write fail at once when another process wrote meanwhile.
            stamp = self._stamp(session, sender_id) if read is not None else None
            session.commit()
        if stamp is None or stamp[0] != read[0] + len(rows):
            return None  # events of this conversation were deleted since it was read
        return stamp

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}
