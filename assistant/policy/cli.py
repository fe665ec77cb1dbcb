"""python -m assistant.policy validate [--municipality NAME]: every problem as file:line."""

from __future__ import annotations

import argparse
import sys

from assistant.policy.data import catalog_keys, municipalities
from assistant.policy.service import validate_policy
from assistant.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.policy",
                                     description="Check the policy data of the assistant.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="report problems with file and line")
    validate.add_argument("--municipality", help="folder under policy/ (default: all of them)")
    args = parser.parse_args(argv)
    settings = load_settings()
    names = [args.municipality] if args.municipality else municipalities(settings.policy_dir)
    keys = catalog_keys(settings.locales_dir)
    problems = sorted({p for name in names
                       for p in validate_policy(settings.policy_dir, name, keys)})
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in the policy of: {', '.join(names)}", file=sys.stderr)
    return 1 if problems else 0
