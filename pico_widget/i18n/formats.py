"""Numbers, money, dates, lists and plural forms in a language's own style, from Babel (CLDR).

Why Babel rather than hand-written rules: which plural form a count takes, how a date or
a price is written ("RM450" in Malaysia, 2026年3月5日) and how a list is joined ("a, b and
c", "a、b和c", "a, b dan c") are facts about each language that CLDR records and Babel
reads; written by hand they were wrong as soon as a language was added. Each locale file
names its CLDR locale in `[locale] cldr` (the territory is Malaysia's, where the app is
used: a clinic elsewhere changes it there).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent

from .wording import wording


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(str(wording("locale", "cldr", language=language)))


def cldr(language: str) -> Locale:
    """The CLDR locale of `language`."""
    return _locale(language)


def plural(section: str, key: str, n: int, language: str, **values: Any) -> str:
    """`key_<form>` for CLDR's plural form of n in the language ("one" for 1 in English;
    Chinese and Malay have only "other"), falling back to `key_other`; filled in with n
    and `values`."""
    say = wording(section, language=language)
    form = f"{key}_{cldr(language).plural_form(n)}"
    return str(say[form] if form in say else say[f"{key}_other"]).format(n=n, **values)


def long_date(day: date, language: str) -> str:
    """'25 November 2026', '2026年11月25日', '25 November 2026' (CLDR's long date)."""
    return format_date(day, "long", locale=cldr(language))


def join(items: Iterable[object], language: str,
         style: Literal["standard", "or"] = "standard") -> str:
    """'a, b and c', 'a、b和c', 'a, b dan c' ('or': 'a, b or c' for a choice)."""
    return format_list([str(item) for item in items], style=style, locale=cldr(language))


def number(value: float, language: str) -> str:
    """A count with the language's grouping ('1,234')."""
    return format_decimal(value, locale=cldr(language))


def percent(value: float, language: str) -> str:
    """A percentage given as 0-100 ('50%')."""
    return format_percent(value / 100, locale=cldr(language))


def money(amount: float, currency: str, language: str) -> str:
    """A price: whole from 100 up ('RM450', 'RM1,350'), else with its cents ('RM12.50').
    `currency` is an ISO code (MYR, written RM where CLDR says so) or a symbol, kept as
    given."""
    pattern = cldr(language).currency_formats["standard"].pattern
    cents = amount < 100 and amount != int(amount)
    if not cents:
        pattern = pattern.replace("0.00", "0")
    return format_currency(amount, currency, pattern, locale=cldr(language),
                           currency_digits=False)
