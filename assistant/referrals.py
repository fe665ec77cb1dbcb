"""Referrals live in the policy package (assistant/policy/referrals.py); this name stays for
the actions that read them."""

from assistant.policy.referrals import (  # noqa: F401 - re-exported
    Organisation,
    Referral,
    ReferralMap,
    Subject,
    load_referrals,
    validate_referrals,
)
