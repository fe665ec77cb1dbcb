"""``python -m bot.staff create-admin`` makes the first beheerder, who can then log in."""

from __future__ import annotations

import io

import pytest

from assistant.settings import get_settings
from bot.staff.__main__ import main
from bot.staff.accounts import BEHEERDER, MEDEWERKER, StaffAccounts


@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch, sqlite_url: str):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def run(monkeypatch: pytest.MonkeyPatch, password: str, *arguments: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main([*arguments, "--password-stdin"])


def test_create_admin_then_staff_of_a_team(monkeypatch, cli_database, capsys) -> None:
    assert run(monkeypatch, "een lang genoeg wachtwoord", "create-admin",
               "--email", "Beheer@Gemeente.nl", "--name", "Bea Beheer") == 0
    assert "/staff" in capsys.readouterr().out
    assert run(monkeypatch, "nog een lang wachtwoord", "create-staff", "--email",
               "klant@gemeente.nl", "--name", "Karel", "--team", "klantmanager") == 0
    accounts = StaffAccounts(cli_database)
    members = {m.email: m for m in accounts.all_members()}
    assert members["beheer@gemeente.nl"].role == BEHEERDER
    assert members["klant@gemeente.nl"].role == MEDEWERKER
    assert members["klant@gemeente.nl"].teams == {"klantmanager"}
    assert accounts.check_password("beheer@gemeente.nl", "een lang genoeg wachtwoord")
    assert not accounts.check_password("beheer@gemeente.nl", "een ander wachtwoord")


def test_refusals_are_explained(monkeypatch, cli_database, capsys) -> None:
    assert run(monkeypatch, "kort", "create-admin", "--email", "a@b.nl", "--name", "A") == 1
    assert "12 tekens" in capsys.readouterr().err
    assert run(monkeypatch, "een lang genoeg wachtwoord", "create-staff", "--email",
               "a@b.nl", "--name", "A", "--team", "bestaat_niet") == 2
    assert "bestaat_niet" in capsys.readouterr().err
    assert run(monkeypatch, "een lang genoeg wachtwoord", "create-admin", "--email", "a@b.nl",
               "--name", "A") == 0
    assert run(monkeypatch, "een lang genoeg wachtwoord", "create-admin", "--email", "A@b.nl",
               "--name", "A") == 1
    assert "al een account" in capsys.readouterr().err


def test_disabling_an_account_ends_its_sessions_and_logins(monkeypatch, cli_database,
                                                          capsys) -> None:
    assert run(monkeypatch, "een lang genoeg wachtwoord", "create-admin", "--email",
               "a@b.nl", "--name", "A") == 0
    accounts = StaffAccounts(cli_database)
    member = accounts.check_password("a@b.nl", "een lang genoeg wachtwoord")
    live = accounts.start_session(member)
    assert accounts.session(live.token) is not None
    assert main(["disable", "--email", "A@B.nl"]) == 0
    assert accounts.session(live.token) is None
    assert accounts.check_password("a@b.nl", "een lang genoeg wachtwoord") is None
    assert main(["enable", "--email", "a@b.nl"]) == 0
    assert accounts.check_password("a@b.nl", "een lang genoeg wachtwoord") is not None
    assert main(["disable", "--email", "nobody@b.nl"]) == 1
    assert "nobody@b.nl" in capsys.readouterr().err
