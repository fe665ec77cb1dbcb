"""Staff accounts from the command line.

``python -m bot.staff create-admin --email EMAIL --name NAME`` makes the first beheerder;
``create-staff`` adds a medewerker of one or more teams (``--team CODE``, repeatable);
``disable --email EMAIL`` ends an account's access at once (``enable`` restores it). The
password is asked twice (or read from standard input with ``--password-stdin``); the
authenticator app is linked at the first login, by QR code.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from assistant.policy.municipality import load_municipality
from assistant.settings import get_settings
from bot.staff.accounts import BEHEERDER, MEDEWERKER, AccountError, StaffAccounts
from bot.staff.texts import StaffTexts


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
    if getpass.getpass("Nog een keer: ") != first:
        raise SystemExit("De wachtwoorden zijn niet gelijk.")
    return first


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("create-admin", "create-staff"):
        command = commands.add_parser(name)
        command.add_argument("--email", required=True)
        command.add_argument("--name", required=True)
        command.add_argument("--password-stdin", action="store_true")
        if name == "create-staff":
            command.add_argument("--team", action="append", required=True)
    for name in ("disable", "enable"):
        commands.add_parser(name).add_argument("--email", required=True)
    options = parser.parse_args(arguments)
    settings = get_settings()
    if options.command in ("disable", "enable"):
        found = StaffAccounts(settings.database_url).set_disabled(
            options.email, options.command == "disable")
        print(f"{options.email}: {'uitgeschakeld' if options.command == 'disable' else 'actief'}"
              if found else f"Geen account {options.email}.", file=sys.stdout if found
              else sys.stderr)
        return 0 if found else 1
    teams = frozenset(getattr(options, "team", None) or ())
    unknown = teams - load_municipality(settings.municipality_dir).teams.keys()
    if unknown:
        print(f"Onbekend team: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    role = BEHEERDER if options.command == "create-admin" else MEDEWERKER
    try:
        member = StaffAccounts(settings.database_url).create(
            options.email, options.name, read_password(options.password_stdin), role, teams)
    except AccountError as error:
        print(StaffTexts.load(settings.locales_dir)(str(error)), file=sys.stderr)
        return 1
    print(f"Account {member.email} ({member.role}) gemaakt. Log in op "
          f"http://localhost:{settings.web_port}/staff en koppel daar de authenticator-app.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
