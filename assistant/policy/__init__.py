"""Policy knowledge as data, in one package:

- ``data``: the model (entries, facts, problems) and reading policy/ with line numbers;
- ``validation``: every entry of provisions.yml against the vocabulary of facts.yml;
- ``checks``: checks.yml as typed (pydantic) models; ``roles``: the team roles of
  municipality.yml; ``referrals``: referrals.yml;
- ``service``: the policy in force on a day and the one validator over all of it.

Imports go one way (data <- validation/checks/roles/referrals <- service <- cli), so no module
imports another lazily. ``python -m assistant.policy validate`` prints ``file:line: problem``.
"""

from assistant.policy.checks import (
    Check,
    ChecklistItem,
    Choice,
    Question,
    check_for_intent,
    load_checklist,
    load_checks,
    validate_checks,
)
from assistant.policy.cli import main
from assistant.policy.data import (
    CONFIDENCES,
    NATIONAL,
    SECTIONS,
    Amount,
    Condition,
    Duration,
    Entry,
    Fact,
    Item,
    Policy,
    PolicyError,
    Problem,
    catalog_keys,
    entries_of,
    municipalities,
    read_sources,
    read_vocabulary,
)
from assistant.policy.roles import TeamRoles, validate_roles
from assistant.policy.service import load_policy, validate_policy

__all__ = ["CONFIDENCES", "NATIONAL", "SECTIONS", "Amount", "Check", "ChecklistItem", "Choice",
           "Condition", "Duration", "Entry", "Fact", "Item", "Policy", "PolicyError", "Problem",
           "Question", "TeamRoles", "catalog_keys", "check_for_intent", "entries_of",
           "load_checklist", "load_checks", "load_policy", "main", "municipalities",
           "read_sources", "read_vocabulary", "validate_checks", "validate_policy",
           "validate_roles"]
