"""The exception tree and the located `Problem` shape."""

from __future__ import annotations

import pytest

from mccredit import (
    InputError,
    MccreditError,
    Problem,
    ProblemsError,
    RuleError,
    UnknownJurisdictionError,
)


def test_the_tree() -> None:
    assert issubclass(RuleError, ProblemsError)
    assert issubclass(InputError, ProblemsError)
    for exc in (ProblemsError, UnknownJurisdictionError):
        assert issubclass(exc, MccreditError)


def test_problem_one_line_form() -> None:
    p = Problem(
        type="rule.unknown_key",
        message="unknown field 'efective'",
        path="jurisdictions/tx/rules/salary.yaml",
        line=14,
        col=5,
        loc=("salary", "steps", 2, "efective"),
        expected="one of from, until, value",
        got="'efective'",
    )
    assert p.field == "salary.steps[2].efective"
    assert p.where() == "jurisdictions/tx/rules/salary.yaml:14:5"
    assert p.one_line() == (
        "jurisdictions/tx/rules/salary.yaml:14:5: rule.unknown_key: unknown field 'efective' "
        "(field: salary.steps[2].efective, expected: one of from, until, value, got: 'efective')"
    )
    assert p.json_pointer() == "/salary/steps/2/efective"
    d = p.as_dict()
    assert set(d) == {"type", "msg", "loc", "pointer", "file", "line", "col", "expected", "got"}
    assert d["loc"] == ["salary", "steps", 2, "efective"]


@pytest.mark.parametrize(
    ("path", "line", "col", "where"),
    [
        (None, None, None, "<input>"),
        ("f.yaml", None, None, "f.yaml"),
        ("f.yaml", 3, None, "f.yaml:3:1"),
    ],
)
def test_where(path, line, col, where: str) -> None:
    assert Problem(type="t", message="m", path=path, line=line, col=col).where() == where


def test_a_leading_index_and_escapes_in_pointers() -> None:
    p = Problem(type="t", message="m", loc=(0, "a/b", "c~d"))
    assert p.field == "[0].a/b.c~d"
    assert p.json_pointer() == "/0/a~1b/c~0d"
    assert Problem(type="t", message="m").one_line() == "<input>: t: m"


def test_problems_error_lists_every_problem_on_its_own_line() -> None:
    problems = [Problem(type="a", message="one"), Problem(type="b", message="two")]
    exc = InputError(problems)
    assert exc.problems == problems
    assert str(exc) == "<input>: a: one\n<input>: b: two"


def test_unknown_jurisdiction_error() -> None:
    e = UnknownJurisdictionError("zz-zz", known=["us-tn", "us-nc"])
    assert (e.jurisdiction, e.known) == ("zz-zz", ["us-tn", "us-nc"])
    assert str(e) == "unknown jurisdiction 'zz-zz'; known jurisdictions: us-tn, us-nc"


def test_one_line_is_one_line_whatever_the_keys() -> None:
    p = Problem(type="educator.extra_forbidden", message="unknown field 'a\\nb'", loc=("a\nb",))
    assert "\n" not in p.one_line()


def test_the_docstring_tree_draws_every_class_under_its_parent() -> None:
    import re

    from mccredit import errors

    tree = errors.__doc__.split("```")[1]
    drawn: dict[str, str] = {}
    parents: list[tuple[int, str]] = []
    for line in tree.strip("\n").splitlines():
        m = re.match(r"^([ │├└─]*)(\w+)", line)
        if m is None or not m.group(2)[0].isupper():
            continue
        depth = len(m.group(1))
        while parents and parents[-1][0] >= depth:
            parents.pop()
        drawn[m.group(2)] = parents[-1][1] if parents else "Exception"
        parents.append((depth, m.group(2)))
    classes = {
        name: cls
        for name, cls in vars(errors).items()
        if isinstance(cls, type)
        and issubclass(cls, BaseException)
        and cls.__module__ == errors.__name__
    }
    assert set(drawn) - {"Exception", "ValueError"} == set(classes)
    for name, cls in classes.items():
        assert cls.__bases__[0].__name__ == drawn[name], name


#: exceptions allowed outside errors.py: the private control-flow signals and the HTTP
#: response the errors.py docstring names (module, class)
OUTSIDE = {
    ("mccredit._yaml", "_Refused"),
    ("mccredit._yaml", "_DuplicateKey"),
    ("mccredit._yaml", "_NotPlainJson"),
    ("mccredit._yaml", "_PureDecides"),
    ("mccredit.batch._compile", "Unsupported"),
    ("mccredit.batch._roster", "Unsorted"),
    ("mccredit.scenarios._columns", "NotColumnar"),
    ("mccredit.api.problems", "ApiProblem"),
    ("mccredit.store._writer", "WriterClosed"),
}


def test_every_exception_lives_in_errors_or_is_a_named_private_signal() -> None:
    import importlib
    import pkgutil

    import mccredit
    from mccredit import errors

    found: set[tuple[str, str]] = set()
    for info in pkgutil.walk_packages(mccredit.__path__, "mccredit."):
        if ".alembic" in info.name:
            continue  # migration scripts run inside alembic, never imported on their own
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                isinstance(obj, type)
                and issubclass(obj, BaseException)
                and obj.__module__ == info.name
            ):
                found.add((info.name, name))
    outside = {(m, n) for m, n in found if m != errors.__name__}
    assert outside == OUTSIDE
    doc = errors.__doc__ or ""
    for m, n in OUTSIDE:
        assert f"{m.removeprefix('mccredit.')}.{n}" in doc, n
