"""Problem records shared by the catalogue check and the consolidation.

Each problem is a typed record with a stable code declared in ``workbook.core.problems``;
checks collect them and keep going.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from workbook.core.problems import kind

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(slots=True)
class Problem:
    """One problem found in a catalogue or a returned workbook."""

    code: str
    severity: str
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

    def __post_init__(self) -> None:
        declared = kind(self.code)  # an undeclared code is refused here
        if self.severity != declared.severity:
            raise ValueError(
                f"problem {self.code!r} made as {self.severity!r}; declared {declared.severity!r}"
            )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """A list of problems with convenience counts."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, severity: str, message: str, **kw: Any) -> Problem:
        p = Problem(code=code, severity=severity, message=message, **kw)
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
