"""Finds personal data in what people type and replaces it before anything keeps it.

Regular expressions only find candidates; whether a candidate is a BSN, an IBAN, a postcode
or a phone number is decided by python-stdnum and phonenumbers (check digits, number plans).
Digits of any script count ("١١١٢٢٢٣٣٣"): the text is searched with its digits as 0-9, one
character for one, so every span found is a span of the original text too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum import iban
from stdnum.nl import bsn, postcode

from assistant.when_parser import calendar_words

# What replaces a finding: the usual mark of a cut in a quotation. Without letters or digits it
# is no token for the NLU (no entity, no intent: "mijn bsn is […] en ik wil bijstand
# aanvragen" is understood as without the BSN); a word such as "persoonsgegeven" was read as
# the intent to delete one's data.
PLACEHOLDER = "[…]"
KINDS = ("bsn", "iban", "phone", "email", "date_of_birth", "address", "v_number")

_SEP = r"[ .\-]?"
_BSN = re.compile(rf"(?<!\d)(?<!\d[.,:/-])(\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}|"
                  rf"\d{{4}}{_SEP}\d{{2}}{_SEP}\d{{3}}|\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}})"
                  r"(?!\w)(?![.,:/-]\d)")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}"
                   r"(?: ?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
_POSTCODE = re.compile(r"(?<![\w-])([1-9]\d{3}) ?([A-Za-z]{2})(?![\w-])")
_HOUSE_NUMBER_AFTER = re.compile(r"[ ,]{1,3}(?:(?:huis)?(?:nummer|nr\.?|no\.?|number) ?)?"
                                 r"\d{1,5}(?: ?[A-Za-z](?![A-Za-z]))?(?:[ -]\d{1,4})?(?![\d:.,])",
                                 re.IGNORECASE)
_ADDRESS_WORDS = re.compile(r"postcode|post code|adres|address|woon|straat|laan|plein|عنوان|"
                            r"آدرس|نشانی|адрес|адреса|mahalle|sokak", re.IGNORECASE)
_STREET_BEFORE = re.compile(r"[^\W\d_]{3,} \d{1,5}(?: ?[A-Za-z])?,? ?$")
_V_NUMBER_WORD = re.compile(r"v-?\s?(?:nummer|number|nr|no|num)\b|vreemdelingen ?nummer|"
                            r"ind[- ]?(?:nummer|number)", re.IGNORECASE)
_V_NUMBER = re.compile(r"(?<![\w/-])V?-?(\d{4}[ .]?\d{2}[ .]?\d{4}|\d{10})(?![\w/-])",
                       re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(?<![\w/.-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?![\w/.-])")
_ISO_DATE = re.compile(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/.-])")
_WORD_DATE = re.compile(r"(?<!\w)(\d{1,2})\.?\s+([^\W\d_]+\.?)\s+(\d{4})(?!\w)")
_BIRTH_WORDS = re.compile(
    r"geboren|geboorte|born|birth|doğum|dogum|народ|تولد|ميلاد|مواليد|ولدت|ተወለድ|ልደት",
    re.IGNORECASE)
# A full date this long ago is someone's birthday, not an appointment or an event.
BIRTH_YEARS_AGO = 12
_PHONE_REGIONS = ("NL", None)
_MIN_PHONE_DIGITS = 9


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    text: str
    findings: tuple[Finding, ...]

    @property
    def kinds(self) -> set[str]:
        return {finding.kind for finding in self.findings}


def ascii_digits(text: str) -> str:
    """Every decimal digit as 0-9, one character for one (so spans stay valid)."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def find_personal_data(text: str, today: date | None = None) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, none overlapping."""
    plain = ascii_digits(text)
    today = today or date.today()
    found: list[Finding] = []
    for detector in (_emails, _ibans, _v_numbers, _bsns, _addresses, _dates_of_birth, _phones):
        for finding in detector(plain, today):
            if not any(finding.start < f.end and f.start < finding.end for f in found):
                found.append(finding)
    return sorted(found, key=lambda finding: finding.start)


def redact(text: str, today: date | None = None) -> Redacted:
    """``text`` with every finding replaced by the placeholder."""
    findings = find_personal_data(text, today)
    parts, position = [], 0
    for finding in findings:
        parts += [text[position:finding.start], PLACEHOLDER]
        position = finding.end
    parts.append(text[position:])
    return Redacted("".join(parts), tuple(findings))


def _emails(text: str, _today: date) -> list[Finding]:
    return [Finding("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]


def _ibans(text: str, _today: date) -> list[Finding]:
    return [Finding("iban", m.start(), m.end()) for m in _IBAN.finditer(text)
            if iban.is_valid(m.group())]


def _bsns(text: str, _today: date) -> list[Finding]:
    return [Finding("bsn", m.start(), m.end()) for m in _BSN.finditer(text)
            if bsn.is_valid(re.sub(r"\D", "", m.group()))]


def _v_numbers(text: str, _today: date) -> list[Finding]:
    """The IND's V-number has no check digit: ten digits count only when called one."""
    if not _V_NUMBER_WORD.search(text):
        return []
    return [Finding("v_number", m.start(), m.end()) for m in _V_NUMBER.finditer(text)]


def _addresses(text: str, _today: date) -> list[Finding]:
    """A postcode with the house number after it, or the street and number before it
    (a postcode alone is a street, not a person's address)."""
    findings = []
    address_context = bool(_ADDRESS_WORDS.search(text))
    for match in _POSTCODE.finditer(text):
        if not postcode.is_valid(match.group(1) + match.group(2)):
            continue
        letters = match.group(2)
        if not (letters.isupper() or (letters.islower() and address_context)):
            continue  # "3 januari 2020 om 10 uur": lower case only where an address is meant
        start, end = match.start(), match.end()
        after = _HOUSE_NUMBER_AFTER.match(text, end)
        window = text[max(0, start - 60):start]
        before = _STREET_BEFORE.search(window)
        if after is None and before is None:
            continue
        if after:
            end = after.end()
        if before:
            start -= len(window) - before.start()
        findings.append(Finding("address", start, end))
    return findings


def _dates_of_birth(text: str, today: date) -> list[Finding]:
    """A full date (with a year) long enough ago, or any past date next to "born"."""
    birth_context = bool(_BIRTH_WORDS.search(text))
    findings = []
    for found, start, end in _full_dates(text):
        if found is None or found >= today:
            continue
        if birth_context or found.year <= today.year - BIRTH_YEARS_AGO:
            findings.append(Finding("date_of_birth", start, end))
    return findings


def _full_dates(text: str) -> list[tuple[date | None, int, int]]:
    months = calendar_words()[1]
    dates = [(_date(m.group(3), m.group(2), m.group(1)), m.start(), m.end())
             for m in _NUMERIC_DATE.finditer(text)]
    dates += [(_date(m.group(1), m.group(2), m.group(3)), m.start(), m.end())
              for m in _ISO_DATE.finditer(text)]
    for match in _WORD_DATE.finditer(text):
        month = months.get(match.group(2).lower().rstrip("."))
        if month is not None:
            dates.append((_date(match.group(3), month, match.group(1)), match.start(),
                          match.end()))
    return dates


def _date(year: str | int, month: str | int, day: str | int) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _phones(text: str, _today: date) -> list[Finding]:
    findings: list[Finding] = []
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region,
                                                     leniency=phonenumbers.Leniency.VALID):
            digits = sum(ch.isdigit() for ch in match.raw_string)
            if digits < _MIN_PHONE_DIGITS:
                continue
            if not any(match.start < f.end and f.start < match.end for f in findings):
                findings.append(Finding("phone", match.start, match.end))
    return findings
