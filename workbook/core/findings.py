"""Problem records shared by the catalogue check and the consolidation.

Each problem is a typed record with a stable code declared in ``workbook.core.problems``, which
also fixes its severity; checks collect them in ``Findings`` and keep going.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from workbook.core.problems import problem_kind


@dataclass(slots=True)
class Problem:
    """One problem found in a catalogue or a returned workbook. Its severity is the one the
    registry declares for its code; ``severity`` is given only when a stored problem is read
    back, and must then agree."""

    code: str
    message: str
    action: str = ""  # what to do, in Chinese
    unit: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    seq: int | None = None
    path: str = ""  # JSON path, for catalogue problems
    found: str = ""
    detail: str = ""  # a technical detail (e.g. the schema validator's English sentence)
    severity: str = ""

    def __post_init__(self) -> None:
        declared = problem_kind(self.code).severity  # an undeclared code is refused here
        if self.severity and self.severity != declared:
            raise ValueError(
                f"problem {self.code!r} read back as {self.severity!r}; declared {declared!r}"
            )
        self.severity = declared

    def as_dict(self) -> dict[str, Any]:
        """The record as the JSON report and the ledger store it (code, severity, ...)."""
        d = asdict(self)
        return {"code": d.pop("code"), "severity": d.pop("severity"), **d}


@dataclass
class Findings:
    """The problems a check found, in the order found, with convenience counts."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, message: str, **kw: Any) -> Problem:
        p = Problem(code=code, message=message, **kw)
        self.problems.append(p)
        return p

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors
