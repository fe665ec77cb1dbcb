"""The policy in force on a day, and one validator for all of policy/ (file:line: problem)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from assistant.policy.checks import validate_checks
from assistant.policy.data import Sources, entries_of, read_sources, resolve
from assistant.policy.models import SECTIONS, Policy
from assistant.policy.reading import PolicyError, Problem
from assistant.policy.referrals import validate_referrals
from assistant.policy.validation import check_sources


def load_policy(policy_dir: Path, municipality: str, on: date | None = None) -> Policy:
    """The policy in force on ``on`` (default today); PolicyError when the data has problems."""
    sources = read_sources(policy_dir, municipality)
    problems = sorted(_problems_of(sources, catalog=None))
    if problems:
        raise PolicyError(problems)
    day = on or date.today()
    entries = entries_of(sources)
    current = {section: resolve(entries, section, day) for section in SECTIONS}
    return Policy(municipality, day, current["provisions"], current["target_groups"],
                  current["partners"], tuple(e for e in entries if e.status == "superseded"))


def validate_policy(policy_dir: Path, municipality: str,
                    catalog_keys: Iterable[str]) -> list[Problem]:
    """Every problem of the national layer plus ``municipality`` (facts, municipality.yml,
    provisions, checks, referrals), with file and line. Whatever the day: an entry that
    ends is not a problem, so the result is the same on 1 January 2027 as today."""
    sources = read_sources(policy_dir, municipality)
    catalog = frozenset(catalog_keys)
    found = _problems_of(sources, catalog)
    if not found:  # the checks weigh provisions, so they are checked against sound entries
        found += validate_checks(policy_dir / municipality, entries_of(sources),
                                 sources.vocabulary.facts, sources.teams, catalog)
    found += validate_referrals(policy_dir, municipality, catalog)
    return sorted(set(found))


def _problems_of(sources: Sources, catalog: frozenset[str] | None) -> list[Problem]:
    return [*sources.problems, *check_sources(sources, catalog)]
