"""The weighted-scheme engine (DESIGN.md §4). Pure Python, exact Decimal arithmetic.

One engine serves module grades (continuous assessment 40 / practical project 35 / certification 25)
and certification exams (theory 60 / practical 40, pass at 75). Weights are Decimal percentages that
must sum to exactly 100; scores are Decimal percentages in [0, 100]. Pass means the exact weighted
score is at least the pass mark; rounding is only for display (one decimal, half-up). A French mark
out of 20 is another display of the same percentage.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Mapping

HUNDRED = Decimal(100)
TWENTY = Decimal(20)


class SchemeError(ValueError):
    """A scheme or a mark that cannot be used (weights not summing to 100, mark out of range…)."""


def as_decimal(value, what: str = "value") -> Decimal:
    """Convert an int, str or Decimal to Decimal. Floats are refused: they are not exact."""
    if isinstance(value, float):
        raise SchemeError(f"{what} must be a Decimal, an int or a string, not a float")
    if isinstance(value, bool):
        raise SchemeError(f"{what} must be a number")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise SchemeError(f"{what} is not a number: {value!r}") from None
    if not result.is_finite():
        raise SchemeError(f"{what} must be a finite number")
    return result


def check_percentage(value, what: str = "score") -> Decimal:
    pct = as_decimal(value, what)
    if pct < 0 or pct > HUNDRED:
        raise SchemeError(f"{what} must be between 0 and 100 %, got {pct}")
    return pct


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class ComponentResult:
    component: Component
    score: Decimal | None  # percentage, None when not yet marked
    contribution: Decimal  # score × weight / 100 (0 when not marked)


@dataclass(frozen=True)
class SchemeResult:
    total: Decimal  # exact weighted score, in percent
    passed: bool  # exact total >= pass mark, and every component marked
    complete: bool  # every component has a score
    pass_mark: Decimal
    breakdown: tuple[ComponentResult, ...]

    @property
    def display(self) -> str:
        return display(self.total)

    @property
    def out_of_twenty(self) -> Decimal:
        return to_twenty(self.total)


@dataclass(frozen=True)
class Scheme:
    components: tuple[Component, ...]
    pass_mark: Decimal

    def __post_init__(self):
        validate(self.components, self.pass_mark)

    @classmethod
    def of(cls, parts, pass_mark) -> "Scheme":
        """Build from (key, label, weight) triples: Scheme.of([("theory", "Theory", "60"), …], "75")."""
        comps = tuple(Component(k, label, as_decimal(w, f"weight of {label}")) for k, label, w in parts)
        return cls(comps, as_decimal(pass_mark, "pass mark"))


def validate(components, pass_mark) -> None:
    """Raise SchemeError unless the weights are positive and sum to exactly 100 and keys are unique."""
    if not components:
        raise SchemeError("a scheme needs at least one component")
    keys = [c.key for c in components]
    if len(set(keys)) != len(keys):
        raise SchemeError("component keys must be unique")
    total = Decimal(0)
    for c in components:
        w = as_decimal(c.weight, f"weight of {c.label}")
        if w <= 0:
            raise SchemeError(f"weight of {c.label} must be positive")
        total += w
    if total != HUNDRED:
        raise SchemeError(f"weights must sum to 100, they sum to {total.normalize():f}")
    check_percentage(pass_mark, "pass mark")


def score(scheme: Scheme, marks: Mapping[str, object]) -> SchemeResult:
    """Weighted score of `marks` (component key -> percentage or None) under `scheme`.

    Unknown keys are refused. The total is exact; `passed` requires every component to be marked."""
    unknown = set(marks) - {c.key for c in scheme.components}
    if unknown:
        raise SchemeError(f"unknown component(s): {', '.join(sorted(unknown))}")
    parts = []
    total = Decimal(0)
    complete = True
    for c in scheme.components:
        raw = marks.get(c.key)
        if raw is None:
            complete = False
            parts.append(ComponentResult(c, None, Decimal(0)))
            continue
        pct = check_percentage(raw, f"score of {c.label}")
        contribution = pct * c.weight / HUNDRED
        total += contribution
        parts.append(ComponentResult(c, pct, contribution))
    return SchemeResult(
        total=total,
        passed=complete and total >= scheme.pass_mark,
        complete=complete,
        pass_mark=scheme.pass_mark,
        breakdown=tuple(parts),
    )


def points_to_percent(points, out_of) -> Decimal:
    """Points earned out of a maximum, as an exact percentage (0 when the maximum is 0)."""
    earned, maximum = as_decimal(points, "points"), as_decimal(out_of, "maximum")
    if maximum < 0 or earned < 0 or earned > maximum:
        raise SchemeError(f"points {earned} out of {maximum} are out of range")
    return Decimal(0) if maximum == 0 else earned * HUNDRED / maximum


def from_twenty(mark) -> Decimal:
    """A French mark out of 20 as a percentage (15/20 -> 75)."""
    m = as_decimal(mark, "mark")
    if m < 0 or m > TWENTY:
        raise SchemeError(f"a mark must be between 0 and 20, got {m}")
    return m * 5


def to_twenty(pct) -> Decimal:
    """A percentage shown as a mark out of 20 (exact; round with `display`)."""
    return check_percentage(pct) / 5


def round_half_up(value, places: int = 1) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return as_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def display(pct, places: int = 1) -> str:
    """One decimal, half-up: 74.95 -> "75.0". For display only; never compare displayed values."""
    return f"{round_half_up(pct, places):f}"
