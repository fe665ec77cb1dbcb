"""Policy knowledge as data, in one package, every file read and checked the same way:

- ``reading``: YAML with line numbers, and the one problem style (``file:line: problem``)
  through pydantic models (``parse``);
- ``models``: typed entries of provisions.yml and facts of facts.yml, the policy of a day;
- ``municipality``: municipality.yml (contact, teams and opening hours, roles, topics);
- ``data``: reading policy/ for one municipality; ``validation``: what an entry cannot check
  alone; ``checks``: checks.yml; ``referrals``: referrals.yml;
- ``service``: the policy in force on a day and the one validator over all of it.

Imports go one way (reading <- models <- municipality <- data <- validation/checks/referrals
<- service <- cli), so no module imports another lazily. ``python -m assistant.policy
validate`` prints ``file:line: problem``.
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
    catalog_keys,
    entries_of,
    municipalities,
    read_sources,
    read_vocabulary,
)
from assistant.policy.models import (
    CONFIDENCES,
    NATIONAL,
    SECTIONS,
    Amount,
    Condition,
    Duration,
    Entry,
    Fact,
    Policy,
    figures_of,
)
from assistant.policy.municipality import Municipality, Team, TeamRoles, Topic, load_municipality
from assistant.policy.reading import Item, PolicyError, Problem
from assistant.policy.referrals import (
    Organisation,
    Referral,
    ReferralMap,
    Subject,
    load_referrals,
    validate_referrals,
)
from assistant.policy.service import load_policy, validate_policy

__all__ = ["CONFIDENCES", "NATIONAL", "SECTIONS", "Amount", "Check", "ChecklistItem", "Choice",
           "Condition", "Duration", "Entry", "Fact", "Item", "Municipality", "Organisation",
           "Policy", "PolicyError", "Problem", "Question", "Referral", "ReferralMap", "Subject",
           "Team", "TeamRoles", "Topic", "catalog_keys", "check_for_intent", "entries_of",
           "figures_of", "load_checklist", "load_checks", "load_municipality", "load_policy",
           "load_referrals", "main", "municipalities", "read_sources", "read_vocabulary",
           "validate_checks", "validate_policy", "validate_referrals"]
