"""The located loader reads with libyaml's parser when PyYAML has it: the same data, types
and marks as the pure-Python parser for every YAML file of the repository, and any document
libyaml does not read cleanly is reported exactly as the pure-Python parser reports it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mccredit import _yaml
from mccredit._yaml import ProblemException

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for folder in ("rules", "jurisdictions", "tests", "examples", "proposals")
    if (ROOT / folder).is_dir()
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".yaml", ".yml")
)

needs_libyaml = pytest.mark.skipif(_yaml._CLoader is None, reason="PyYAML without libyaml")


def _typed(x: Any) -> Any:
    if isinstance(x, dict):
        return {(type(k).__name__, k): _typed(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_typed(v) for v in x]
    return (type(x).__name__, x)


def _read(fn: Any, text: str) -> Any:
    try:
        doc = fn(text, path="f.yaml")
    except ProblemException as e:
        return ("problem", e.problem)
    return ("ok", _typed(doc.data), dict(doc.marks))


@needs_libyaml
def test_the_repository_yaml_files_read_the_same_with_libyaml() -> None:
    assert len(FILES) > 50
    for f in FILES:
        text = f.read_text(encoding="utf-8")
        assert _read(_yaml._load_yaml, text) == _read(_yaml._load_pure, text), f


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n  b: 2\n",  # bad indentation
        "a: [1, 2\n",  # unclosed flow sequence
        "a: 'x\n",  # unclosed quote
        "a: 1\na: 2\n",  # duplicate key
        "a: *nowhere\n",  # undefined alias
        "a: &x [*x]\n",  # self-referencing alias
        "- " * 80 + "x\n",  # too deep
        "a: !!python/object:os.system x\n",  # unsafe tag
        "a: b: c\n",
        "\t- x\n",
        "key: @reserved\n",
        "a: 0.1\nb: 1_000.5\nc: 2024-02-30\nd: [&a 1, *a]\ne: {<<: {x: 1}, y: 2}\n",
        # libyaml reads these, the pure parser refuses them (or marks them elsewhere)
        "a:\tb\n",  # a tab before a value
        "{a: 1,\tb: 2}\n",  # a tab in a flow mapping
        "a: [x ?, y]\n",  # '?' in a plain scalar of a flow sequence
        "{a: b?}\n",
        "a: {b:  }\n",  # an empty flow value: marked after the ':' (libyaml: at the '}')
        "a: {b: , c: 1}\n",
        "[a: ]\n",
        "a: |#c\n  x\n",  # a comment right after a block scalar's indicator
        "a: 1\n? ",  # an empty key's empty value past the last line break
    ],
)
def test_libyaml_and_the_pure_parser_agree_on_good_and_bad_documents(text: str) -> None:
    assert _read(_yaml._load_yaml, text) == _read(_yaml._load_pure, text)


@needs_libyaml
def test_libyaml_is_the_reader_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the pure-Python parser read a clean document")

    monkeypatch.setattr(_yaml, "_load_pure", refuse)
    assert _yaml.load_located("a: [1, 2]\n", path="f.yaml").data == {"a": [1, 2]}
