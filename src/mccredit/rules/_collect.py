"""Problems are collected, never raised one at a time: every problem in every file is
reported together, each at its file:line:col."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .._yaml import Located, ProblemException, load_file, locate, pydantic_problems
from ..errors import Problem

__all__ = ["Collector", "dedupe", "rule_problem"]


class Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def load(self, path: Path) -> Located | None:
        try:
            return load_file(path, display=self.rel(path))
        except ProblemException as e:
            self.problems.append(e.problem)
            return None

    def validate(
        self, model: type[BaseModel], data: Any, located: Located, loc: tuple[Any, ...] = ()
    ) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as e:
            self.problems.extend(pydantic_problems(e, located=located, prefix=loc, kind="rule"))
            return None

    def problem(
        self, located: Located | None, loc: tuple[Any, ...], type_: str, message: str, **kw: Any
    ) -> None:
        line, col = locate(located, loc)
        self.problems.append(
            Problem(
                type=type_,
                message=message,
                path=located.path if located else None,
                line=line,
                col=col,
                loc=loc,
                **kw,
            )
        )


def dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        key = p.one_line()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def rule_problem(col: Collector, rule: Any, type_: str, message: str, **kw: Any) -> None:
    o = rule.origin
    col.problems.append(
        Problem(
            type=type_,
            message=message,
            path=o.path if o else None,
            line=o.line if o else None,
            col=o.col if o else None,
            loc=(rule.id,),
            **kw,
        )
    )
