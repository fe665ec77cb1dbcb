"""The detectors' test tables: per kind, messages with personal data (what must be found)
and messages without (what must be left alone), in several languages and digit scripts.

Used by tests/privacy/test_detectors.py and by scripts/privacy_detector_scores.py, which
prints precision and recall on these tables.
"""

from __future__ import annotations

from datetime import date

# The day the tables are read on: fixed, so "a date twelve years ago" stays one.
TODAY = date(2026, 12, 6)

# (message, the personal data in it exactly as typed)
POSITIVES: dict[str, list[tuple[str, str]]] = {
    "bsn": [
        ("mijn bsn is 111222333 en ik wil bijstand aanvragen", "111222333"),
        ("BSN: 1112.22.333", "1112.22.333"),
        ("burgerservicenummer 123456782", "123456782"),
        ("my citizen service number is 111 222 333", "111 222 333"),
        ("رقمي الشخصي ١١١٢٢٢٣٣٣", "١١١٢٢٢٣٣٣"),
        ("شماره من ۱۱۱۲۲۲۳۳۳ است", "۱۱۱۲۲۲۳۳۳"),
        ("мій BSN 123456782, хочу допомогу", "123456782"),
        ("BSN numaram 111.222.333", "111.222.333"),
        ("bsn111222333", "111222333"),
    ],
    "iban": [
        ("mijn rekeningnummer is NL91ABNA0417164300", "NL91ABNA0417164300"),
        ("IBAN NL91 ABNA 0417 1643 00 graag", "NL91 ABNA 0417 1643 00"),
        ("my account nl91abna0417164300.", "nl91abna0417164300"),
        ("German account DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
        ("رقم حسابي NL91ABNA0417164300", "NL91ABNA0417164300"),
        ("hesabım TR33 0006 1005 1978 6457 8413 26", "TR33 0006 1005 1978 6457 8413 26"),
        ("мій рахунок UA21 3223 1300 0002 6007 2335 6600 1",
         "UA21 3223 1300 0002 6007 2335 6600 1"),
        ("compte BE71 0961 2345 6769", "BE71 0961 2345 6769"),
    ],
    "phone": [
        ("bel me op 0612345678", "0612345678"),
        ("mijn nummer is 06-12345678", "06-12345678"),
        ("telefoon 06 1234 5678 na vijven", "06 1234 5678"),
        ("vast nummer 0593 123 456", "0593 123 456"),
        ("call me on +31 6 12345678", "+31 6 12345678"),
        ("my number is +44 20 7946 0958", "+44 20 7946 0958"),
        ("رقمي ٠٦١٢٣٤٥٦٧٨", "٠٦١٢٣٤٥٦٧٨"),
        ("شماره من ۰۶۱۲۳۴۵۶۷۸", "۰۶۱۲۳۴۵۶۷۸"),
        ("мій номер +380 44 123 4567", "+380 44 123 4567"),
        ("numaram +90 532 123 45 67", "+90 532 123 45 67"),
        ("0031 6 12345678 is mijn nummer", "0031 6 12345678"),
        ("tel:0612345678", "0612345678"),
        ("bel 06-123 456 78 of mail", "06-123 456 78"),
    ],
    "email": [
        ("mail me op jan.jansen@example.nl", "jan.jansen@example.nl"),
        ("e-mail: fatima+post@gmail.com.", "fatima+post@gmail.com"),
        ("بريدي ahmad_99@hotmail.com شكرا", "ahmad_99@hotmail.com"),
        ("моя пошта olena@ukr.net", "olena@ukr.net"),
        ("JAN.JANSEN@EXAMPLE.NL", "JAN.JANSEN@EXAMPLE.NL"),
    ],
    "date_of_birth": [
        ("ik ben geboren op 12-03-1985", "12-03-1985"),
        ("geboortedatum 1 januari 1990", "1 januari 1990"),
        ("born 1990-05-17, need help", "1990-05-17"),
        ("12/03/1985", "12/03/1985"),
        ("doğum tarihim 3 Mart 1992", "3 Mart 1992"),
        ("تاريخ الميلاد ١٢-٠٣-١٩٨٥", "١٢-٠٣-١٩٨٥"),
        ("я народилася 5 травня 2001", "5 травня 2001"),
        ("geboren 02.02.2020, mijn dochter", "02.02.2020"),
        ("geb. 12-03-85", "12-03-85"),
    ],
    "address": [
        ("ik woon op 9411 AB 12", "9411 AB 12"),
        ("adres: Hoofdstraat 12, 9411 AB Beilen", "Hoofdstraat 12, 9411 AB"),
        ("postcode 9411AB huisnummer 3", "9411AB huisnummer 3"),
        ("Kerkstraat 4a 9401 KA Assen", "Kerkstraat 4a 9401 KA"),
        ("عنواني 9411 AB 7", "9411 AB 7"),
        ("ik woon op 9411ab 12", "9411ab 12"),
    ],
    "v_number": [
        ("mijn V-nummer is 1234567890", "1234567890"),
        ("vreemdelingennummer 2345 67 8901", "2345 67 8901"),
        ("my V-number: 3456789012", "3456789012"),
        ("رقم V-nummer ١٢٣٤٥٦٧٨٩٠", "١٢٣٤٥٦٧٨٩٠"),
    ],
}

# Messages whose numbers, dates and codes are not personal data: nothing may be found.
NEGATIVES: dict[str, list[str]] = {
    "reference": [
        "ik wil afspraak ABC-DEF verzetten",
        "annuleer KXM-PQR alsjeblieft",
        "my reference is abc def",
        "رقم الموعد ABC-DEF",
    ],
    "age": [
        "ik ben 29", "ik ben 29 jaar en heb twee kinderen van 3 en 7",
        "I am 58 years old", "عمري ٢٩ سنة", "سنم ۲۹ ساله است", "мені 45 років",
    ],
    "amount": [
        "ik verdien 1250 euro per maand", "€ 1.234,56 netto", "een schuld van 12.500 euro",
        "I earn 2,100.50 a month", "huur 850,00", "ik heb 123456 euro schuld",
        "spaargeld 25000", "my debt is 1 234 567 euros",
    ],
    "time": [
        "dinsdag 10 december om 10:00", "morgen om 9.30", "kan het om 14:00 uur",
        "الثلاثاء ١٠:٣٠", "вівторок 10:30", "donderdag 12 december 2026 om 11:00",
        "10-12 om 10:00", "liever 15 januari 2027",
    ],
    "date": [
        "sinds 1 januari 2024 werkloos", "ik ben op 01-06-2025 begonnen",
        "de brief van 2025-11-30", "ik woon hier sinds 2019",
    ],
    "other": [
        "ik wil bijstand aanvragen", "artikel 004 §5.3", "Participatiewet artikel 31",
        "we hebben 3 vacatures voor 32 uur", "postcode 9411", "mijn kind is 12",
        "ik werk 24 uur per week", "1234 AB", "telefoon nummer graag", "a@b",
        "room 12 on floor 3", "kvk nummer 12345678", "3 januari 2020 om 10 uur",
        "in 2019 en 3 kinderen", "sinds 2015 ik 4 jaar werk", "NL12 ABCD 0123 4567 89 (a typo)",
        "bsn 111222334 klopt niet", "order 1234567890", "1.111.222.333 euro",
    ],
}
