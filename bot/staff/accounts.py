"""Staff accounts, their logins and what they opened: the console's security, without HTTP.

Passwords are argon2 hashes; the second factor is a TOTP code (each code accepted once);
sessions live on the server (the browser holds a random token, we keep its hash) and end
after a quiet spell or a working day; wrong passwords and codes are counted per account and
per address, and too many in a while refuse further tries for that while.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from assistant.storage import (
    StaffAccount,
    StaffAuditEntry,
    StaffLoginFailure,
    StaffSession,
    StaffTeamMember,
    session_scope,
    utc_now,
)

BEHEERDER = "beheerder"
MEDEWERKER = "medewerker"
ROLES = (BEHEERDER, MEDEWERKER)

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=10)
SECOND_FACTOR_TIMEOUT = timedelta(minutes=5)  # between the password and the code
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD_LENGTH = 12
ISSUER = "Werk en inkomen console"

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong
# password and does not tell which accounts exist.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """An account cannot be made as asked; the message is a staff catalog id."""


@dataclass(frozen=True)
class StaffMember:
    id: int
    email: str
    name: str
    role: str
    teams: frozenset[str]
    enrolled: bool
    disabled: bool = False

    @property
    def is_beheerder(self) -> bool:
        return self.role == BEHEERDER

    def may_see_team(self, team_code: str) -> bool:
        return self.is_beheerder or team_code in self.teams


@dataclass(frozen=True)
class LiveSession:
    token: str
    member: StaffMember
    csrf_token: str
    verified: bool


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    email: str
    action: str
    subject: str
    team_code: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


class StaffAccounts:
    """Every operation on staff accounts, sessions, throttling and the audit log."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    # accounts

    def create(self, email: str, name: str, password: str, role: str,
               teams: frozenset[str] = frozenset()) -> StaffMember:
        email = normalise_email(email)
        if "@" not in email or not name.strip():
            raise AccountError("staff.account.error.fields")
        if role not in ROLES:
            raise AccountError("staff.account.error.role")
        if role == MEDEWERKER and not teams:
            raise AccountError("staff.account.error.teams")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError("staff.account.error.password")
        with session_scope(self.database_url) as session:
            if session.execute(select(StaffAccount.id)
                               .where(StaffAccount.email == email)).first():
                raise AccountError("staff.account.error.exists")
            row = StaffAccount(email=email, name=name.strip(), role=role,
                               password_hash=_hasher.hash(password),
                               totp_secret=pyotp.random_base32())
            session.add(row)
            session.flush()
            for team in sorted(teams):
                session.add(StaffTeamMember(account_id=row.id, team_code=team))
            session.flush()
            return self._member(session, row)

    def all_members(self) -> list[StaffMember]:
        with session_scope(self.database_url) as session:
            rows = session.execute(select(StaffAccount).order_by(StaffAccount.email)).scalars()
            return [self._member(session, row) for row in rows]

    def set_disabled(self, email: str, disabled: bool) -> bool:
        """Disable (or enable again) an account; a disabled one's sessions end at once."""
        with session_scope(self.database_url) as session:
            row = session.execute(select(StaffAccount).where(
                StaffAccount.email == normalise_email(email))).scalar_one_or_none()
            if row is None:
                return False
            row.disabled_at = utc_now() if disabled else None
            if disabled:
                session.execute(delete(StaffSession)
                                .where(StaffSession.account_id == row.id))
            return True

    def provisioning_uri(self, member: StaffMember) -> str:
        """What the authenticator app reads from the QR code (only before enrolment)."""
        with session_scope(self.database_url) as session:
            secret = session.get(StaffAccount, member.id).totp_secret
        return pyotp.TOTP(secret).provisioning_uri(name=member.email, issuer_name=ISSUER)

    # logging in

    def check_password(self, email: str, password: str) -> StaffMember | None:
        """The account when the password is right (and it is not disabled), else None."""
        email = normalise_email(email)
        with session_scope(self.database_url) as session:
            row = session.execute(select(StaffAccount)
                                  .where(StaffAccount.email == email)).scalar_one_or_none()
            stored = row.password_hash if row is not None else _DUMMY_HASH
            try:
                _hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return None
            if row is None or row.disabled_at is not None:
                return None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            return self._member(session, row)

    def check_code(self, member: StaffMember, code: str, *,
                   now: datetime | None = None) -> bool:
        """A TOTP code of the current, previous or next 30 seconds, never one used before;
        the first right code completes the enrolment."""
        code = "".join(code.split())
        if not (code.isdigit() and len(code) == 6):
            return False
        moment = now or datetime.now(timezone.utc)
        with session_scope(self.database_url) as session:
            row = session.get(StaffAccount, member.id)
            totp = pyotp.TOTP(row.totp_secret)
            current = totp.timecode(moment)
            for counter in (current - 1, current, current + 1):
                if row.last_totp_counter is not None and counter <= row.last_totp_counter:
                    continue
                if hmac.compare_digest(totp.generate_otp(counter), code):
                    row.last_totp_counter = counter
                    if row.totp_enrolled_at is None:
                        row.totp_enrolled_at = utc_now()
                    return True
            return False

    # throttling

    def note_failure(self, *keys: str) -> None:
        with session_scope(self.database_url) as session:
            for key in keys:
                session.add(StaffLoginFailure(key=key))
            session.execute(delete(StaffLoginFailure)
                            .where(StaffLoginFailure.at < utc_now() - THROTTLE_WINDOW * 4))

    def throttled(self, key: str, limit: int) -> bool:
        """True when ``key`` had ``limit`` failures within the throttle window."""
        with session_scope(self.database_url) as session:
            count = session.execute(
                select(func.count()).select_from(StaffLoginFailure)
                .where(StaffLoginFailure.key == key,
                       StaffLoginFailure.at >= utc_now() - THROTTLE_WINDOW)).scalar_one()
        return count >= limit

    # sessions

    def start_session(self, member: StaffMember) -> LiveSession:
        """A new session that still needs the second factor."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with session_scope(self.database_url) as session:
            # sessions nobody came back to are deleted here, not kept forever
            session.execute(delete(StaffSession)
                            .where(StaffSession.created_at < utc_now() - ABSOLUTE_TIMEOUT))
            session.add(StaffSession(token_hash=token_hash(token), account_id=member.id,
                                     csrf_token=csrf))
        return LiveSession(token, member, csrf, verified=False)

    def verify_session(self, live: LiveSession) -> LiveSession:
        """The second factor was given: a fresh token (no fixation) for a full session."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with session_scope(self.database_url) as session:
            session.execute(delete(StaffSession)
                            .where(StaffSession.token_hash == token_hash(live.token)))
            now = utc_now()
            session.add(StaffSession(token_hash=token_hash(token), account_id=live.member.id,
                                     csrf_token=csrf, created_at=now, last_seen_at=now,
                                     verified_at=now))
            member = self._member(session, session.get(StaffAccount, live.member.id))
        return LiveSession(token, member, csrf, verified=True)

    def session(self, token: str) -> LiveSession | None:
        """The live session of this token (its quiet time restarted), or None when it is
        unknown, expired or its account disabled."""
        if not token:
            return None
        now = utc_now()
        with session_scope(self.database_url) as session:
            row = session.get(StaffSession, token_hash(token))
            if row is None:
                return None
            account = session.get(StaffAccount, row.account_id)
            idle_limit = IDLE_TIMEOUT if row.verified_at else SECOND_FACTOR_TIMEOUT
            if (account is None or account.disabled_at is not None
                    or now - row.last_seen_at > idle_limit
                    or now - row.created_at > ABSOLUTE_TIMEOUT):
                session.delete(row)
                return None
            row.last_seen_at = now
            return LiveSession(token, self._member(session, account), row.csrf_token,
                               verified=row.verified_at is not None)

    def end_session(self, token: str) -> None:
        with session_scope(self.database_url) as session:
            session.execute(delete(StaffSession)
                            .where(StaffSession.token_hash == token_hash(token)))

    # audit

    def audit(self, member: StaffMember, action: str, subject: str,
              team_code: str | None = None) -> None:
        with session_scope(self.database_url) as session:
            session.add(StaffAuditEntry(account_id=member.id, action=action, subject=subject,
                                        team_code=team_code))

    def audit_lines(self, limit: int = 500) -> list[AuditLine]:
        with session_scope(self.database_url) as session:
            rows = session.execute(
                select(StaffAuditEntry, StaffAccount.email)
                .join(StaffAccount, StaffAccount.id == StaffAuditEntry.account_id)
                .order_by(StaffAuditEntry.at.desc(), StaffAuditEntry.id.desc())
                .limit(limit)).all()
            return [AuditLine(entry.at.replace(tzinfo=timezone.utc), email, entry.action,
                              entry.subject, entry.team_code) for entry, email in rows]

    @staticmethod
    def _member(session, row: StaffAccount) -> StaffMember:
        teams = frozenset(session.execute(select(StaffTeamMember.team_code)
                                          .where(StaffTeamMember.account_id == row.id))
                          .scalars())
        return StaffMember(row.id, row.email, row.name, row.role, teams,
                           enrolled=row.totp_enrolled_at is not None,
                           disabled=row.disabled_at is not None)
