"""The handover queue in our database, on SQLite and PostgreSQL: one open request per
person, filtered by team, taken by one member of staff, closed."""

from __future__ import annotations

from assistant.handover import TAKEN, DatabaseQueue


def test_requests_queue_per_team_once_per_person_and_are_taken_once(database_url: str) -> None:
    queue = DatabaseQueue(database_url)
    first = queue.request("web:a", "web", "klantmanager", "ar", "apply_benefit",
                          {"role": "resident"})
    queue.request("telegram:9", "telegram", "schuldhulp", "uk", None, {})
    again = queue.request("web:a", "web", "klantmanager", "ar", None, {"role": "resident",
                                                                       "team": "klantmanager"})
    assert again.id == first.id and again.topic == "apply_benefit"
    assert again.collected == {"role": "resident", "team": "klantmanager"}
    assert [t.owner_id for t in queue.open_tickets(None)] == ["web:a", "telegram:9"]
    assert [t.owner_id for t in queue.open_tickets(frozenset({"schuldhulp"}))] == ["telegram:9"]

    taken = queue.take(first.id, "klant@gemeente.nl")
    assert taken.status == TAKEN and taken.taken_by == "klant@gemeente.nl"
    assert queue.take(first.id, "iemand@gemeente.nl") is None  # one taker wins
    assert queue.close(first.id).status == "closed"
    assert queue.close(first.id) is None
    assert [t.owner_id for t in queue.open_tickets(None)] == ["telegram:9"]
    # closed, the same person asking again is a new request
    assert queue.request("web:a", "web", "klantmanager", "ar", None, {}).id != first.id

