"""The live part of a handover: who is talking with a person now, and getting each line to
the other side at once.

The queue (assistant/handover.py) keeps tickets and lines; this keeps, in the web server's
process, which residents are waiting or talking with a medewerker (so a resident's message goes
to the medewerker instead of Rasa without a database read per turn), and wakes whoever waits
for new lines: the web chat's long poll, the console's long poll. Telegram residents get the
medewerker's lines through the bot (``push``).

The queue is the truth: this memory is loaded at start-up and read again every
``REFRESH_SECONDS`` (one query of the open tickets), and a long poll reads the queue every
``POLL_SECONDS`` besides waking at once for lines of this process. So with several gateway
processes (issue 10) a medewerker in one and a resident in another still reach each other,
a second or two later.

A request nobody takes within ``wait_minutes`` (HANDOVER_WAIT_MINUTES) is closed, and the
resident is told so in their language with the button of the call-back request that is
offered outside opening hours (bot/callback.py). Every process checks at each refresh; the
queue lets one of them close it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone

from assistant.handover import (
    NOTICE,
    QUEUED_MARK,
    RESIDENT,
    STAFF,
    TAKEN,
    WAITING,
    HandoverQueue,
    Line,
    Ticket,
)
from assistant.messages import N_, button, message, msg
from assistant.storage import DATABASE_UNAVAILABLE
from bot.gateway import Reply

logger = logging.getLogger(__name__)

Render = Callable[[dict, str], Reply]  # Gateway.render: a catalog message -> Reply
Push = Callable[[str, list[Reply]], Awaitable[None]]  # TelegramFrontend.push
Remember = Callable[[str, list[Reply]], object]  # Gateway.remember_offered
Clock = Callable[[], datetime]
JOINED, HANDED_BACK, CLOSED_BY_STAFF = (N_("live.joined"), N_("live.handed_back"),
                                        N_("live.closed"))
BUTTONS_PAUSED = N_("live.buttons_paused")
NO_ONE_FREE = N_("live.no_one_free")
CALLBACK_OFFER = "/callback"  # bot/callback.py's button: the call-back request
EPOCH = datetime.fromtimestamp(0, timezone.utc)
WAIT_SECONDS = 20.0  # a long poll answers at the latest after this
POLL_SECONDS = 2.0  # ... and reads the queue this often (lines written by another process)
REFRESH_SECONDS = 2.0  # the open tickets are read again this often
QUEUE = "queue"  # woken when a request joins, is taken or ends in this process


class LiveChat:
    def __init__(self, queue: HandoverQueue, render: Render, push: Push | None = None, *,
                 wait_minutes: int = 0, team_key: Callable[[str], str | None] | None = None,
                 remember: Remember | None = None, clock: Clock | None = None) -> None:
        self.queue = queue
        self.render = render
        self.push = push  # None: Telegram is not connected
        # Nobody took a request for this long: a call-back is offered (0: never).
        self.wait_minutes = wait_minutes
        self.team_key = team_key or (lambda _team: None)  # a team's name (a catalog id)
        self.remember = remember  # the call-back button is one this conversation was shown
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._tickets: dict[str, Ticket] = {}  # resident -> their open (waiting/taken) ticket
        self._wake: dict[str, asyncio.Event] = {}  # "resident:<id>" / "ticket:<id>" -> event
        self._changes = 0  # local changes; a refresh read during one is not applied

    async def load(self) -> list[Ticket]:
        """The open tickets from the queue (at start-up, then every few seconds): a restart
        keeps residents with their medewerker, and another process's takes and ends count."""
        changes = self._changes
        tickets = await asyncio.to_thread(self.queue.open_tickets, None)
        if changes == self._changes:  # nothing taken or ended here meanwhile
            self._tickets = {ticket.owner_id: ticket for ticket in tickets}
        return tickets

    async def refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                await self.expire_waiting(await self.load())
            except DATABASE_UNAVAILABLE:  # keep what we know; try again
                logger.warning("could not read the open handover requests")

    async def expire_waiting(self, tickets: list[Ticket] | None = None) -> list[Ticket]:
        """Close the requests that waited ``wait_minutes`` without a medewerker and offer
        each resident a call-back instead (in their language, on their channel); returns the
        requests closed here."""
        if not self.wait_minutes:
            return []
        if tickets is None:
            tickets = await asyncio.to_thread(self.queue.open_tickets, None)
        too_old = self.clock() - timedelta(minutes=self.wait_minutes)
        closed = []
        for ticket in tickets:
            if ticket.status != WAITING or ticket.requested_at > too_old:
                continue
            args = {"team": msg(self.team_key(ticket.team_code) or ticket.team_code),
                    "team_code": ticket.team_code}
            line = await asyncio.to_thread(self.queue.give_up, ticket, NO_ONE_FREE, args)
            if line is None:  # taken (or closed) meanwhile
                continue
            self._changes += 1
            if self._tickets.get(ticket.owner_id, ticket).id == ticket.id:
                self._tickets.pop(ticket.owner_id, None)
            self._notify(QUEUE)
            if self.remember is not None:
                self.remember(ticket.owner_id, [self.reply_of(line, ticket.language)])
            logger.info("handover request %d not taken in %d minutes: call-back offered",
                        ticket.id, self.wait_minutes)
            await self._deliver(ticket, line)
            closed.append(ticket)
        return closed

    # the resident's side

    def talking(self, owner_id: str) -> bool:
        """A medewerker has taken this resident's request: their messages go to them."""
        ticket = self._tickets.get(owner_id)
        return ticket is not None and ticket.status == TAKEN

    def open_ticket(self, owner_id: str) -> Ticket | None:
        """Waiting or taken: the web chat keeps listening for lines."""
        return self._tickets.get(owner_id)

    def saw(self, owner_id: str, items: list) -> None:
        """Rasa's answer to a turn: the handover action marks a request that joined a queue."""
        for item in items:
            custom = item.get("custom") if isinstance(item, dict) else None
            if isinstance(custom, dict) and isinstance(custom.get(QUEUED_MARK), int):
                self._queued(owner_id, custom[QUEUED_MARK])

    def _queued(self, owner_id: str, ticket_id: int) -> None:
        known = self._tickets.get(owner_id)
        if known is None or known.id != ticket_id:
            self._changes += 1
            self._notify(QUEUE)
            # Only the id is known here (the action server wrote the ticket); the rest is read
            # when a medewerker takes it.
            self._tickets[owner_id] = Ticket(ticket_id, owner_id, owner_id.split(":", 1)[0],
                                             "", "", None, {}, WAITING, EPOCH, None)

    async def from_resident(self, owner_id: str, text: str) -> None:
        """What the resident typed (personal data replaced already), for the medewerker."""
        ticket = self._tickets[owner_id]
        await asyncio.to_thread(self.queue.add_line, ticket, RESIDENT, text)
        self._notify(f"ticket:{ticket.id}")

    async def lines_for_resident(self, owner_id: str, after: int,
                                 wait: float = WAIT_SECONDS) -> list[Line]:
        """The medewerker's lines and the notices after ``after``; waits up to ``wait``
        seconds for one when there is none yet."""
        return await self._wait_for(f"resident:{owner_id}", wait, lambda: [
            line for line in self.queue.lines_of(owner_id, after) if line.author != RESIDENT])

    # the medewerker's side

    async def take(self, ticket_id: int, staff_email: str, staff_name: str) -> Ticket | None:
        """Take a waiting request: the resident is told a person joined."""
        ticket = await asyncio.to_thread(self.queue.take, ticket_id, staff_email)
        if ticket is None:
            return None
        self._changes += 1
        self._tickets[ticket.owner_id] = ticket
        self._notify(QUEUE)
        await self._tell(ticket, JOINED, staff_name)
        return ticket

    async def say(self, ticket: Ticket, text: str, staff_name: str) -> Line:
        line = await asyncio.to_thread(self.queue.add_line, ticket, STAFF, text,
                                       staff_name=staff_name)
        await self._deliver(ticket, line)
        return line

    async def end(self, ticket: Ticket, hand_back: bool, staff_name: str) -> Ticket | None:
        """Close the request; the resident is told the medewerker left and, when handed back,
        that the assistant answers again. A waiting request closes without a notice."""
        closed = await asyncio.to_thread(self.queue.close, ticket.id)
        if closed is None:
            return None
        self._changes += 1
        if self._tickets.get(ticket.owner_id, closed).id == closed.id:
            self._tickets.pop(ticket.owner_id, None)
        self._notify(QUEUE)
        if ticket.status == TAKEN:
            await self._tell(closed, HANDED_BACK if hand_back else CLOSED_BY_STAFF, staff_name)
        else:
            self._notify(f"resident:{ticket.owner_id}")
        return closed

    async def lines_for_staff(self, ticket_id: int, after: int,
                              wait: float = WAIT_SECONDS) -> list[Line]:
        return await self._wait_for(f"ticket:{ticket_id}", wait,
                                    lambda: self.queue.lines(ticket_id, after))

    # delivery

    def text_of(self, line: Line, language: str) -> str:
        """A line as the resident reads it: a notice in their language."""
        return self.reply_of(line, language).text

    def reply_of(self, line: Line, language: str) -> Reply:
        """A line as the resident gets it: a notice in their language, with its button (the
        call-back request when nobody was free)."""
        if line.author != NOTICE or not line.key:
            return Reply(line.text, language=language)
        buttons = []
        team = line.args.get("team_code") if isinstance(line.args, dict) else None
        if line.key == NO_ONE_FREE and isinstance(team, str):
            buttons = [button("callback.offer",
                              f'{CALLBACK_OFFER}{{"team":"{team}","soon":true}}')]
        return self.render(message(line.key, buttons, **line.args), language)

    async def _tell(self, ticket: Ticket, key: str, staff_name: str) -> None:
        line = await asyncio.to_thread(self.queue.add_line, ticket, NOTICE, key=key,
                                       args={"name": staff_name}, staff_name=staff_name)
        await self._deliver(ticket, line)

    async def _deliver(self, ticket: Ticket, line: Line) -> None:
        """Wake the web chat's and the console's long polls; send it on Telegram."""
        self._notify(f"resident:{ticket.owner_id}")
        self._notify(f"ticket:{ticket.id}")
        if ticket.channel != "telegram" or self.push is None:
            return
        reply = self.reply_of(line, ticket.language)
        if line.author == STAFF:  # the name tells a person's words from the assistant's
            reply = Reply(f"{line.staff_name}: {reply.text}", language=ticket.language)
        try:
            await self.push(ticket.owner_id, [reply])
        except Exception:  # Telegram down, or the person blocked the bot: the line is kept
            logger.exception("a live line did not reach Telegram")

    async def queue_changed(self, timeout: float) -> None:
        """Wait until a request joins, is taken or ends in this process, or ``timeout``."""
        event = self._wake.setdefault(QUEUE, asyncio.Event())
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def _notify(self, key: str) -> None:
        event = self._wake.pop(key, None)
        if event is not None:
            event.set()

    async def _wait_for(self, key: str, wait: float,
                        read: Callable[[], list[Line]]) -> list[Line]:
        """Lines as soon as there are some: woken by this process's lines, and reading the
        queue every ``POLL_SECONDS`` for another process's; [] after ``wait`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            event = self._wake.setdefault(key, asyncio.Event())
            lines = await asyncio.to_thread(read)
            left = deadline - loop.time()
            if lines or left <= 0:
                return lines
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), min(left, POLL_SECONDS))
