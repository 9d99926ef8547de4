"""YAML (and JSON) loading that keeps the line and column of every node.

Rule files and educator documents are read with `load_located`, which returns plain Python
data plus a map from each node's path (a tuple of keys and indexes) to its 1-based line and
column, so a pydantic error location can be turned into `file:line:col`.

YAML is scanned and parsed by libyaml (PyYAML's C parser) when PyYAML has it, under the same
Python composer, limits and constructor (a fourth of the time of loading the bundled rules);
a document libyaml does not read cleanly is read again by the pure-Python parser, so every
problem is reported exactly as it reports it.

Choices that keep data exact:
- timestamps are *not* resolved implicitly: `2024-02-30` stays a string, so pydantic reports an
  impossible date as a field error instead of the YAML parser crashing;
- floats become `Decimal` from their written text (`0.1` is exactly `Decimal("0.1")`);
- duplicate mapping keys are errors, with the line of the second key.

Limits that keep a hostile or broken file from hanging or crashing the reader (each refused as
a located problem, before any recursion or expansion happens):
- control characters (NUL, BEL, ... and lone surrogates) are refused with their line and column;
- nesting deeper than `MAX_DEPTH` levels is refused where the level opens;
- at most `MAX_ALIASES` alias uses, and aliases may add at most `MAX_ALIAS_NODES` nodes when
  expanded (a "billion laughs" file is refused, not expanded);
- an alias that refers to a node still being read (a self-referencing alias) is refused.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import FieldValueError, Problem, ProblemException

__all__ = [
    "Located",
    "ProblemException",
    "load_file",
    "load_located",
    "locate",
    "pydantic_problems",
]

Loc = tuple[str | int, ...]

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences a document may have."""
MAX_ALIASES = 100
"""Most alias uses (`*name`) one document may contain."""
MAX_ALIAS_NODES = 10_000
"""Most nodes that expanding a document's aliases may add to it."""

# C0 controls but tab, newline and carriage return; DEL; C1 controls but NEL; lone surrogates;
# the two noncharacters U+FFFE/U+FFFF. PyYAML refuses most of these, without a location.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class _Refused(Exception):
    def __init__(self, type: str, message: str, line: int | None, col: int | None) -> None:
        self.type, self.message, self.line, self.col = type, message, line, col


def _at(mark: Any) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


class _Limits:
    """The composer's limits (depth, aliases, self-reference), enforced while it reads: mixed
    into both loaders below, ahead of PyYAML's `Composer`, whose `compose_node` it wraps."""

    depth: int
    nodes: int
    aliases: int
    open_anchors: set[str]

    def _start_limits(self) -> None:
        self.depth = 0
        self.nodes = 0
        self.aliases = 0
        self.open_anchors = set()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if event.anchor in self.open_anchors:
                raise _Refused(
                    "yaml.recursive_alias",
                    f"alias *{event.anchor} refers to the node it is inside of "
                    "(a self-referencing alias)",
                    *_at(event.start_mark),
                )
            if self.aliases > MAX_ALIASES:
                raise _Refused(
                    "yaml.alias_budget",
                    f"more than {MAX_ALIASES} aliases in one document",
                    *_at(event.start_mark),
                )
            return super().compose_node(parent, index)  # type: ignore[misc]
        self.nodes += 1
        anchor = getattr(event, "anchor", None)
        nests = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if nests:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    "yaml.too_deep",
                    f"nested more than {MAX_DEPTH} levels deep",
                    *_at(event.start_mark),
                )
        if anchor is not None:
            self.open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            if anchor is not None:
                self.open_anchors.discard(anchor)
            if nests:
                self.depth -= 1


class _Loader(_Limits, yaml.SafeLoader):
    """PyYAML's pure-Python reader, scanner and parser under the limited composer: the
    reference reader, whose error messages a problem reports."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._start_limits()


_CParser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)
if _CParser is None:  # PyYAML built without libyaml
    _CLoader: Any = None
else:

    class _CLoader(  # type: ignore[no-redef]
        _Limits,
        yaml.composer.Composer,
        _CParser,  # type: ignore[misc]
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """libyaml's scanner and parser (in C, ~10x faster) feeding the same Python composer,
        limits, resolver and constructor: the same nodes, values and marks. Used first; a
        document it fails on is read again by `_Loader`, whose message is reported."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_limits()
            self._last_line = stream.count("\n")

        def compose_node(self, parent: Any, index: Any) -> Any:
            # libyaml reads a few plain scalars the pure parser refuses ('?' in one of a flow
            # collection: `[a?]`) or marks elsewhere (an empty one of a flow collection:
            # `{a: }` at the `}`, not after the `:`; one past the text's last line break: a
            # bare `?` ending the text): the pure parser decides those documents
            event = self.peek_event()
            if (
                isinstance(event, yaml.ScalarEvent)
                and not event.style  # plain (libyaml: "", PyYAML: None)
                and (
                    (
                        parent is not None
                        and parent.flow_style
                        and (not event.value or "?" in event.value)
                    )
                    or (not event.value and _at(event.start_mark)[0] or 0) > self._last_line + 1
                )
            ):
                raise _PureDecides
            return super().compose_node(parent, index)


class _PureDecides(Exception):
    """libyaml's reading may differ from the pure parser's: the pure parser reads it."""


# Drop the implicit timestamp resolver: dates stay strings and pydantic parses them.
_RESOLVERS = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _RESOLVERS
if _CLoader is not None:
    _CLoader.yaml_implicit_resolvers = _RESOLVERS

_BLOCK_COMMENT = re.compile(r"[|>][-+0-9]{0,2}#")

_FLOAT_SPECIAL = re.compile(r"^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$")


class _LazyMarks(dict[Loc, tuple[int, int]]):
    """The line/column map of a document read by the JSON fast path, built (by re-reading the
    text with the located YAML loader) only when a problem has to be located."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__()
        self._text: str | None = text
        self._path = path

    def _fill(self) -> None:
        if self._text is not None:
            text, self._text = self._text, None
            self.update(_load_yaml(text, path=self._path).marks)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __getitem__(self, key: Loc) -> tuple[int, int]:
        self._fill()
        return super().__getitem__(key)

    def get(self, key: Loc, default: Any = None) -> Any:
        self._fill()
        return super().get(key, default)


@dataclass(frozen=True)
class Located:
    data: Any
    marks: dict[Loc, tuple[int, int]]
    path: str


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, col: int, loc: Loc) -> None:
        self.key, self.line, self.col, self.loc = key, line, col, loc


def _scalar(loader: Any, node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:float" and not _FLOAT_SPECIAL.match(node.value):
        return Decimal(node.value.replace("_", ""))
    if tag == "tag:yaml.org,2002:timestamp":
        return node.value
    return loader.construct_object(node, deep=True)


def _convert(loader: Any, node: yaml.Node, loc: Loc, marks: dict[Loc, tuple[int, int]]) -> Any:
    marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    loader.nodes -= 1
    if loader.nodes < -MAX_ALIAS_NODES:
        raise _Refused(
            "yaml.alias_budget",
            f"aliases expand to more than {MAX_ALIAS_NODES} extra nodes",
            *_at(node.start_mark),
        )
    if isinstance(node, yaml.MappingNode):
        explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        loader.flatten_mapping(node)
        merged = len(node.value) - explicit  # flatten puts `<<` merged pairs first
        out: dict[Any, Any] = {}
        from_merge: set[Any] = set()
        for index, (knode, vnode) in enumerate(node.value):
            key = _scalar(loader, knode) if isinstance(knode, yaml.ScalarNode) else str(knode)
            if isinstance(key, Decimal):
                key = str(key)
            if index < merged:
                if key in out:
                    continue  # an earlier merge wins over a later one (YAML merge key spec)
                from_merge.add(key)
            elif key in from_merge:
                from_merge.discard(key)  # a key written beside `<<` overrides the merged one
                del out[key]
            if key in out:
                raise _DuplicateKey(
                    str(key), knode.start_mark.line + 1, knode.start_mark.column + 1, loc
                )
            child = (*loc, key if isinstance(key, (str, int)) else str(key))
            out[key] = _convert(loader, vnode, child, marks)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, item, (*loc, i), marks) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(loader, node)


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"\[\]|\{\}")
_ENCLOSES = re.compile(rb"[\[{].*[\]}]", re.DOTALL)


def json_too_deep(body: bytes) -> bool:
    """Whether JSON text nests deeper than `MAX_DEPTH`, decided without recursion in time
    linear in its size (strings removed, then innermost bracket pairs peeled off)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    if len(brackets) <= 2 * MAX_DEPTH:
        return False
    for _ in range(MAX_DEPTH):
        brackets = _INNERMOST.sub(b"", brackets)
        if not brackets:
            return False
    # MAX_DEPTH levels peeled off and an opener still encloses a closer: deeper than allowed.
    # (Openers or closers alone are left by invalid JSON, which the parser reports.)
    return _ENCLOSES.search(brackets) is not None


class _NotPlainJson(Exception):
    """The JSON fast path declines (a duplicate key); the located loader decides."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _NotPlainJson
    return out


def _load_json(text: str, *, path: str) -> Located | None:
    """JSON read by the standard parser (about 100x faster than the YAML composer on large
    files): numbers with a fraction or exponent as Decimal, as the YAML path reads them. None
    when the text is no plain JSON (YAML, invalid, a duplicate key, too deep), so that the
    located loader reports the problem where it is."""
    if not text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        return None
    if json_too_deep(text.encode("utf-8", "surrogatepass")):
        return None
    try:
        data = json.loads(text.lstrip("\ufeff"), parse_float=Decimal, object_pairs_hook=_pairs)
    except (ValueError, _NotPlainJson, RecursionError):
        return None
    return Located(data=data, marks=_LazyMarks(text, path), path=path)


def load_located(text: str, *, path: str) -> Located:
    """Parse YAML or JSON text; raise `ProblemException` carrying a located `Problem`.

    Plain JSON takes a fast path (the standard parser; line numbers worked out only if a
    problem needs them); everything else, and any JSON the fast path declines, is read by the
    located YAML loader with its limits."""
    bad = _CONTROL.search(text)
    if bad is not None:
        before = text[: bad.start()]
        raise ProblemException(
            Problem(
                type="yaml.control_character",
                message=f"control character U+{ord(bad.group()):04X} is not allowed",
                path=path,
                line=before.count("\n") + 1,
                col=bad.start() - (before.rfind("\n") + 1) + 1,
            )
        )
    return _load_json(text, path=path) or _load_yaml(text, path=path)


def _load_yaml(text: str, *, path: str) -> Located:
    """Read with libyaml's parser when PyYAML has it; a document it does not read cleanly
    (any problem at all) is read again by the pure-Python parser, which decides and whose
    located problem is raised, so problems are reported exactly as without libyaml."""
    # libyaml takes tabs and comments right after a block scalar's `|` that the pure one refuses
    if _CLoader is not None and "\t" not in text and _BLOCK_COMMENT.search(text) is None:
        loader = _CLoader(text)
        marks: dict[Loc, tuple[int, int]] = {}
        try:
            node = loader.get_single_node()
            data = None if node is None else _convert(loader, node, (), marks)
        except Exception:  # noqa: BLE001 - the reference reader reads it again and reports
            pass
        else:
            return Located(data=data, marks=marks, path=path)
        finally:
            loader.dispose()
    return _load_pure(text, path=path)


def _load_pure(text: str, *, path: str) -> Located:
    loader = _Loader(text)
    marks: dict[Loc, tuple[int, int]] = {}
    try:
        node = loader.get_single_node()
        data = None if node is None else _convert(loader, node, (), marks)
    except _Refused as e:
        raise ProblemException(
            Problem(type=e.type, message=e.message, path=path, line=e.line, col=e.col)
        ) from None
    except _DuplicateKey as e:
        raise ProblemException(
            Problem(
                type="yaml.duplicate_key",
                message=f"duplicate key {e.key!r}",
                path=path,
                line=e.line,
                col=e.col,
                loc=(*e.loc, e.key),
            )
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise ProblemException(
            Problem(
                type="yaml.syntax",
                message=f"malformed YAML/JSON: {e.problem or e.context}",
                path=path,
                line=mark.line + 1 if mark else None,
                col=mark.column + 1 if mark else None,
            )
        ) from None
    except (yaml.YAMLError, ValueError) as e:
        raise ProblemException(
            Problem(type="yaml.syntax", message=f"malformed YAML/JSON: {e}", path=path)
        ) from None
    finally:
        loader.dispose()
    return Located(data=data, marks=marks, path=path)


def load_file(path: Path, *, display: str | None = None) -> Located:
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProblemException(
            Problem(type="file.unreadable", message=f"cannot read file: {e}", path=shown)
        ) from None
    return load_located(text, path=shown)


def locate(located: Located | None, loc: Loc) -> tuple[int | None, int | None]:
    """The line and column of the deepest node on `loc` that the document has."""
    if located is None:
        return None, None
    probe = tuple(loc)
    while True:
        if probe in located.marks:
            return located.marks[probe]
        if not probe:
            return None, None
        probe = probe[:-1]


def pydantic_problems(
    exc: Any, *, located: Located | None, prefix: Loc = (), kind: str = "input"
) -> list[Problem]:
    """Turn a pydantic `ValidationError` into located problems (all of them)."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldValueError):  # a value deep inside the field: point at it
            loc = (*loc, *cause.loc)
        full = (*prefix, *loc)
        line, col = locate(located, full)
        got = err.get("input")
        etype = err["type"]
        expected = _expected(err)
        message = err["msg"]
        shown = None if got is None or isinstance(got, (dict, list)) else repr(got)
        if isinstance(cause, FieldValueError):
            etype, expected, shown, message = cause.type, cause.expected, cause.got, str(cause)
        if etype == "extra_forbidden":
            message = f"unknown field {str(full[-1])!r}" if full else "unknown field"
            shown = None
        if etype == "literal_error" and isinstance(got, str) and expected is not None:
            message += _nearest(got, re.findall(r"'([^']*)'", expected))
        out.append(
            Problem(
                type=f"{kind}.{etype}",
                message=message,
                path=located.path if located else None,
                line=line,
                col=col,
                loc=full,
                expected=expected,
                got=shown,
            )
        )
    return out


def _nearest(value: str, allowed: list[str]) -> str:
    """ "; did you mean 'x'?" for a misspelt value of a closed set (a `Literal`), else ""."""
    near = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    return f"; did you mean {near[0]!r}?" if near else ""


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        "[" in part and part.endswith("]") or part.startswith("function-")
    )


def _expected(err: Any) -> str | None:
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    etype = err["type"]
    if etype.startswith("date"):
        return "a real date YYYY-MM-DD"
    if etype.startswith(("decimal", "float")):
        return "a number"
    if etype.startswith("int"):
        return "an integer"
    if etype == "missing":
        return "a value (this field is required)"
    if "ge" in ctx:
        return f">= {ctx['ge']}"
    if "gt" in ctx:
        return f"> {ctx['gt']}"
    return None
