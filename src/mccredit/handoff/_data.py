"""Loading hand-off shapes (payroll layouts, work lists): YAML files under the rules root, one
pydantic model each, whose `id` is the file name; every problem located (file:line:col) and
every file's problems reported at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._yaml import ProblemException, load_file, locate, pydantic_problems
from ..errors import Problem, RuleError

__all__ = ["Shape", "load_all", "load_named"]

M = TypeVar("M", bound=BaseModel)


class Shape(BaseModel):
    """What every hand-off shape file says first: its id (the file name), title, the system it
    feeds and where that system's format is documented (`sourced`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str
    system: str
    sourced: str


def load_named(
    path: Path, model: type[M], *, kind: str, what: str, display: str | None = None
) -> M:
    """The `model` in the YAML file `path`; RuleError with file:line:col for each problem
    (`kind` prefixes the problem types, `what` names the thing in messages)."""
    try:
        located = load_file(path, display=display)
    except ProblemException as e:
        raise RuleError([e.problem]) from None
    try:
        obj = model.model_validate(located.data)
    except ValidationError as e:
        raise RuleError(pydantic_problems(e, located=located, kind=kind)) from None
    got = getattr(obj, "id", None)
    if got != path.stem:
        line, col = locate(located, ("id",))
        raise RuleError(
            [
                Problem(
                    type=f"{kind}.id",
                    message=f"{what}'s id must be its file name",
                    path=located.path,
                    line=line,
                    col=col,
                    loc=("id",),
                    expected=path.stem,
                    got=str(got),
                )
            ]
        )
    return obj


def load_all(root: Path, files: dict[str, Path], load: Callable[[Path, str], M]) -> dict[str, M]:
    """Every file of `files` (id → path) loaded with `load(path, shown path)`, by id; one
    RuleError lists the problems of all of them."""
    out: dict[str, M] = {}
    problems: list[Problem] = []
    for key, path in sorted(files.items()):
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = str(path)
        try:
            out[key] = load(path, rel)
        except RuleError as e:
            problems.extend(e.problems)
    if problems:
        raise RuleError(problems)
    return out
