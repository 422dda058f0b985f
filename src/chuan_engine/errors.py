"""One exception hierarchy, so callers can catch ``ChuanError`` and nothing else.

Every error says *where*: the file, the entity or rule, and the position or
field path, because a user fixing a 60-person roster or a 55-rule pack needs
the exact spot, not a traceback.
"""

from __future__ import annotations


class ChuanError(Exception):
    """Base of every error raised by chuan_engine."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, where: str | None = None) -> None:
        self.message = message
        self.file = file
        self.where = where
        super().__init__(self.describe())

    def describe(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class FactsError(ChuanError):
    """Input facts are malformed, mistyped or impossible."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        entity: str | None = None,
        field: str | None = None,
    ) -> None:
        self.entity = entity
        self.field = field
        where = ", ".join(
            p for p in (f"entity '{entity}'" if entity else "", f"field '{field}'" if field else "") if p
        )
        super().__init__(message, file=file, where=where or None)


class RuleError(ChuanError):
    """A rule pack is malformed: bad YAML, unknown field, type mismatch, cycle."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        rule: str | None = None,
        position: int | None = None,
        expression: str | None = None,
    ) -> None:
        self.rule = rule
        self.position = position
        self.expression = expression
        where = f"rule '{rule}'" if rule else ""
        if position is not None:
            where += f" (column {position + 1})" if where else f"column {position + 1}"
        super().__init__(message, file=file, where=where or None)

    def describe(self) -> str:
        text = super().describe()
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
        message: str,
        *,
        file: str | None = None,
        rule: str | None = None,
        parameter: str | None = None,
        position: int | None = None,
        expression: str | None = None,
    ) -> None:
        self.parameter = parameter
        super().__init__(message, file=file, rule=rule, position=position, expression=expression)
        if parameter is not None:
            self.where = ", ".join(p for p in (self.where, f"parameter '{parameter}'") if p)
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
