"""One exception hierarchy, so callers can catch ``ChuanError`` and nothing else.

Every error says *where*: the file, the entity or rule, and the position or
field path, because a user fixing a 60-person roster or a 55-rule pack needs
the exact spot, not a traceback.
"""

from __future__ import annotations

from typing import NamedTuple


class Text(NamedTuple):
    """A message in both languages: the command line shows the one asked for (``--lang``, Vietnamese by
    default); the exception's own text, for a Python caller, carries both."""

    vi: str
    en: str

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"

    def pick(self, lang: str | None) -> str:
        match lang:
            case "vi":
                return self.vi
            case "en":
                return self.en
            case _:
                return str(self)


def at(where: str | Text, said: str | Text) -> str | Text:
    """``where: message``, in both languages when either part has them (a plain string stands for both)."""
    if not isinstance(where, Text) and not isinstance(said, Text):
        return f"{where}: {said}"
    w = where if isinstance(where, Text) else Text(where, where)
    s = said if isinstance(said, Text) else Text(said, said)
    return Text(f"{w.vi}: {s.vi}", f"{w.en}: {s.en}")


_PLACES = {"entity": ("đối tượng", "entity"), "field": ("trường", "field"), "rule": ("quy tắc", "rule"),
           "column": ("cột", "column"), "parameter": ("tham số", "parameter")}


def place(kind: str, value: object, lang: str | None) -> str:
    """``entity 'x'`` in English, ``đối tượng 'x'`` in Vietnamese: the where-part of a message."""
    vi, en = _PLACES[kind]
    word = vi if lang == "vi" else en
    return f"{word} {value}" if kind == "column" else f"{word} '{value}'"


class ChuanError(Exception):
    """Base of every error raised by chuan_engine."""

    exit_code = 2

    def __init__(self, message: str | Text, *, file: str | None = None, where: str | None = None) -> None:
        self.text = message if isinstance(message, Text) else None
        self.message = str(message)
        self.file = file
        self.where = where
        super().__init__(self.describe())

    def located(self, lang: str | None) -> str | None:
        """Where the error is, in ``lang`` (subclasses that know entities, fields or rules rebuild it)."""
        return self.where

    def describe(self, lang: str | None = None) -> str:
        """The message with its file and place; in one language when ``lang`` is 'vi' or 'en'."""
        message = self.text.pick(lang) if self.text is not None else self.message
        parts = [p for p in (self.file, self.located(lang)) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {message}" if prefix else message


class FactsError(ChuanError):
    """Input facts are malformed, mistyped or impossible."""

    def __init__(
        self,
        message: str | Text,
        *,
        file: str | None = None,
        entity: str | None = None,
        field: str | None = None,
    ) -> None:
        self.entity = entity
        self.field = field
        super().__init__(message, file=file, where=self._where(None))

    def _where(self, lang: str | None) -> str | None:
        parts = [place("entity", self.entity, lang) if self.entity else "",
                 place("field", self.field, lang) if self.field else ""]
        return ", ".join(p for p in parts if p) or None

    def located(self, lang: str | None) -> str | None:
        return self._where(lang) if lang in ("vi", "en") else self.where


class RuleError(ChuanError):
    """A rule pack is malformed: bad YAML, unknown field, type mismatch, cycle."""

    def __init__(
        self,
        message: str | Text,
        *,
        file: str | None = None,
        rule: str | None = None,
        position: int | None = None,
        expression: str | None = None,
    ) -> None:
        self.rule = rule
        self.position = position
        self.expression = expression
        self.parameter: str | None = None
        super().__init__(message, file=file, where=self._where(None))

    def _where(self, lang: str | None) -> str | None:
        where = place("rule", self.rule, lang) if self.rule else ""
        if self.position is not None:
            col = place("column", self.position + 1, lang)
            where += f" ({col})" if where else col
        if self.parameter is not None:
            where = ", ".join(p for p in (where, place("parameter", self.parameter, lang)) if p)
        return where or None

    def located(self, lang: str | None) -> str | None:
        return self._where(lang) if lang in ("vi", "en") else self.where

    def describe(self, lang: str | None = None) -> str:
        text = super().describe(lang)
        if self.expression is not None and self.position is not None:
            text += f"\n    {self.expression}\n    {' ' * self.position}^"
        return text


class ExpressionSyntaxError(RuleError):
    """The expression text does not parse."""


class ExpressionTypeError(RuleError):
    """The expression parses but names an unknown field or mixes types."""


class CycleError(RuleError):
    """Rules or variables depend on each other in a loop."""


class ParameterError(RuleError):
    """A parameter is undefined, undated, has no value on the date asked, or an override of it is malformed."""

    def __init__(
        self,
        message: str | Text,
        *,
        file: str | None = None,
        rule: str | None = None,
        parameter: str | None = None,
        position: int | None = None,
        expression: str | None = None,
    ) -> None:
        super().__init__(message, file=file, rule=rule, position=position, expression=expression)
        if parameter is not None:
            self.parameter = parameter
            self.where = self._where(None)
            self.args = (self.describe(),)


class EvaluationError(ChuanError):
    """Evaluation could not proceed for one entity (reported per entity in batches)."""


class PackNotFoundError(ChuanError):
    """No pack by that name or path."""


class OutputError(ChuanError, OSError):
    """An output file cannot be written: a folder, not a regular file, a read-only place, a too-long name.

    It is also an ``OSError``, as the failure it names is one.
    """


class UsageError(ChuanError):
    """The command line asks for something that cannot be decided, such as an evaluation without a date."""
