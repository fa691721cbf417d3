"""Message catalogues and locale-aware formatting (Babel).

Every word of the report and of the messages comes from ``messages/<lang>/*.yml``.
Plural forms are chosen with the language's CLDR plural rules, so "1 label" /
"5 labels" and "0 label" (French uses the singular for 0 and 1) come out right.
Dates, numbers and amounts are written here, and only here.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from labels_report.core.dates import DatePrecision
from labels_report.core.errors import LabelsReportError, ParameterError
from labels_report.core.files import read_yaml

LOCALES: dict[str, str] = {"fr": "fr_FR", "en": "en_GB"}
"""Registry of report languages: adding a language is adding an entry and a catalogue."""

@dataclass(frozen=True)
class Catalogue:
    lang: str
    messages: dict[str, Any]

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(LOCALES[self.lang])

    def text(self, key: str, **params: object) -> str:
        """The message ``key`` with its ``{placeholders}`` filled."""
        try:
            template = self.messages[key]
        except KeyError:
            raise KeyError(f"message {key!r} missing from the {self.lang!r} catalogue") from None
        if isinstance(template, dict):
            raise KeyError(f"message {key!r} has plural forms: use plural()")
        return _fill(template, params)

    def plural(self, key: str, n: float, **params: object) -> str:
        """The plural form of ``key`` that fits ``n`` (``{n}`` is formatted for the locale)."""
        forms = self.messages[key]
        form = self.locale.plural_form(n)
        template = forms.get(form) or forms["other"]
        return _fill(template, {"n": self.number(n), **params})

    def has(self, key: str) -> bool:
        return key in self.messages

    # -- formatting -------------------------------------------------------
    def date(self, value: dt.date | None, precision: str = DatePrecision.DAY) -> str:
        """``14 décembre 2016``, ``1er mars 2020`` (the catalogue's pattern for a month's first
        day); ``décembre 2016`` or ``2016`` for a partial date; "non renseigné" for none."""
        if not isinstance(value, dt.date):
            return self.text("value.unknown")
        if precision == DatePrecision.YEAR:
            return str(value.year)
        if precision == DatePrecision.MONTH:
            written = format_date(value, "LLLL y", locale=self.locale)
        elif value.day == 1:
            written = format_date(value, self.text("format.date_first_day"), locale=self.locale)
        else:
            written = format_date(value, "long", locale=self.locale)
        # A date never breaks across lines: "31 / décembre" is not French typography.
        return written.replace(" ", "\u00a0")

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return self.text("value.unknown")
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=fmt, locale=self.locale)

    def money(self, value: float | None) -> str:
        """``500 000 €`` in French, ``€500,000`` in English; cents only when there are some."""
        if value is None:
            return self.text("value.unknown")
        pattern = self.text("format.money_cents" if round(value * 100) % 100 else "format.money")
        return format_currency(value, "EUR", locale=self.locale, format=pattern, currency_digits=False)

    def percent(self, value: float | None) -> str:
        if value is None:
            return self.text("value.unknown")
        return format_percent(value / 100, locale=self.locale)


def _fill(template: str, params: dict[str, object]) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = names - params.keys()
    if missing:
        raise KeyError(f"message {template!r} needs {sorted(missing)}")
    return template.format(**params)


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang``: every ``messages/<lang>/*.yml`` file, merged."""
    if lang not in LOCALES:
        raise ParameterError("lang_unknown", value=lang, expected=", ".join(LOCALES))
    messages: dict[str, Any] = {}
    folder = resources.files("labels_report").joinpath("messages", lang)
    for part in sorted(folder.iterdir(), key=lambda p: p.name):
        if part.name.endswith(".yml"):
            for key, value in (read_yaml(part.read_text("utf-8")) or {}).items():
                if key in messages:
                    raise KeyError(f"message {key!r} defined twice in the {lang!r} catalogue")
                messages[key] = value
    return Catalogue(lang, messages)


def describe(error: LabelsReportError, lang: str) -> str:
    """The error as one sentence in ``lang`` (``error.<code>`` of the catalogue)."""
    cat = catalogue(lang)
    key = f"error.{error.code}"
    if not cat.has(key):
        return cat.text("error.unexpected", detail=str(error))
    return cat.text(key, **{name: "" if value is None else value for name, value in error.params.items()})
