"""Badge files as they arrive: JSON, VC-JWT, baked PNG and baked SVG (issue 12).

`read_badge(data, source=...)` takes the bytes of one file and returns a `BadgeFile`: the
original bytes, kept byte for byte, and the credential inside (a JSON object, or a VC-JWT
compact string), ready for `mccredit.io.badges.normalize_badges` and verification.
`read_badge_paths(paths)` reads files and folders (sorted, recursively) and returns what it
could read plus one located `Problem` per file it could not: one bad file never stops a folder.

Formats (Open Badges 3.0 §5.3 "baking", Open Badges 2.0 baking):
- `.json`: a credential object (UTF-8, a BOM tolerated);
- a VC-JWT: `header.payload.signature`, base64url (`.jwt`, or any file holding only that);
- PNG: an `iTXt` chunk with keyword `openbadgecredential` (OB 3.0) or `openbadges` (OB 2.0),
  zlib-compressed or not, or an OB 2.0 `tEXt` chunk `openbadges`; its text is the credential
  (JSON or VC-JWT);
- SVG: an `<openbadges:credential>` element (namespace `https://purl.imsglobal.org/ob/v3p0`)
  whose text (CDATA) is the credential, or whose `verify` attribute holds a VC-JWT; an OB 2.0
  `<openbadges:assertion>` (namespace `http://openbadges.org`) likewise.
A baked badge that holds only a URL (a hosted OB 2.0 assertion) is reported: nothing is fetched.

Limits: a file over `MAX_BYTES` (1 MB) is refused before it is read; an inflated chunk may not
exceed it either; an SVG that declares entities (`<!ENTITY`) is refused (no entity expansion).
Every failure is an `InputError`-shaped `Problem` (`badge.unreadable`, `badge.too_large`,
`badge.not_baked`, `badge.hosted_reference`), never another exception.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import InputError, Problem
from ..verify import MAX_BYTES

__all__ = ["BADGE_SUFFIXES", "BadgeFile", "read_badge", "read_badge_file", "read_badge_paths"]

#: the file name endings a folder is searched for
BADGE_SUFFIXES = (".json", ".jsonld", ".jwt", ".png", ".svg", ".1ob")
_PNG = b"\x89PNG\r\n\x1a\n"
_KEYWORDS = (b"openbadgecredential", b"openbadges")
_OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
_OB2_NS = "http://openbadges.org"
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class BadgeFile:
    """One badge as received: `original` byte for byte, `container` (`json`, `jwt`, `png`,
    `svg`), and `credential`, the credential it holds (a JSON object or a VC-JWT string)."""

    source: str
    original: bytes
    container: str
    credential: dict[str, Any] | str


def _fail(source: str, type_: str, message: str, **kw: Any) -> InputError:
    return InputError([Problem(type=type_, message=message, path=source, **kw)])


def _text_credential(text: str, source: str, where: str) -> dict[str, Any] | str:
    """The credential in a text: a JSON object or a VC-JWT."""
    stripped = text.strip().lstrip("\ufeff").strip()
    if _JWT.match(stripped):
        return stripped
    if stripped.startswith(("http://", "https://")) and len(stripped.split()) == 1:
        raise _fail(
            source,
            "badge.hosted_reference",
            f"{where} holds only a link to a hosted assertion ({stripped[:200]}); mccredit "
            "fetches nothing: send the assertion JSON itself",
        )
    try:
        doc = json.loads(stripped)
    except ValueError as e:
        line = getattr(e, "lineno", None)
        col = getattr(e, "colno", None)
        raise _fail(
            source,
            "badge.unreadable",
            f"{where} is neither JSON nor a VC-JWT: {getattr(e, 'msg', e)}",
            line=line,
            col=col,
        ) from None
    except RecursionError:
        raise _fail(source, "badge.unreadable", f"{where} nests too deeply") from None
    if not isinstance(doc, dict):
        raise _fail(
            source,
            "badge.unreadable",
            f"{where} holds JSON {type(doc).__name__}, not a credential object",
        )
    return doc


def _decode(data: bytes, source: str, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _fail(
            source, "badge.unreadable", f"{where} is not UTF-8 (byte {e.start}): {e.reason}"
        ) from None


def _inflate(data: bytes, source: str) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, MAX_BYTES + 1)
    except zlib.error as e:
        raise _fail(source, "badge.unreadable", f"PNG iTXt chunk does not inflate: {e}") from None
    if len(out) > MAX_BYTES or d.unconsumed_tail:
        raise _fail(
            source,
            "badge.too_large",
            f"the PNG's badge chunk inflates to over {MAX_BYTES} bytes",
            expected=f"at most {MAX_BYTES} bytes",
        )
    return out


def _png(data: bytes, source: str) -> dict[str, Any] | str:
    pos = len(_PNG)
    ended = False
    while pos + 8 <= len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + size]
        if len(body) < size:
            raise _fail(source, "badge.unreadable", f"PNG chunk {kind!r} at byte {pos} is cut")
        pos += 12 + size
        if kind == b"IEND":
            ended = True
            break
        if kind == b"iTXt":
            keyword, sep, rest = body.partition(b"\0")
            if keyword not in _KEYWORDS:
                continue
            if not sep or len(rest) < 2:
                raise _fail(source, "badge.unreadable", "PNG iTXt badge chunk is cut")
            compressed, method, rest = rest[0], rest[1], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            if compressed:
                if method != 0:
                    raise _fail(source, "badge.unreadable", f"PNG iTXt compression {method}")
                text = _inflate(text, source)
            where = f"the PNG's iTXt {keyword.decode()} chunk"
            return _text_credential(_decode(text, source, where), source, where)
        if kind == b"tEXt":
            keyword, _, text = body.partition(b"\0")
            if keyword in _KEYWORDS:
                where = f"the PNG's tEXt {keyword.decode()} chunk"
                return _text_credential(text.decode("latin-1"), source, where)
    if not ended:
        raise _fail(source, "badge.unreadable", "the PNG is cut (no IEND chunk)")
    raise _fail(
        source,
        "badge.not_baked",
        "the PNG holds no Open Badges chunk (iTXt openbadgecredential / openbadges)",
    )


def _svg(text: str, source: str) -> dict[str, Any] | str:
    if "<!ENTITY" in text:
        raise _fail(source, "badge.unreadable", "an SVG badge may not declare XML entities")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as e:
        line, col = e.position
        raise _fail(
            source, "badge.unreadable", f"not well-formed XML: {e}", line=line, col=col
        ) from None
    except (ValueError, RecursionError) as e:
        raise _fail(source, "badge.unreadable", f"not well-formed XML: {e}") from None
    for ns, name in ((_OB3_NS, "credential"), (_OB2_NS, "assertion")):
        for el in root.iter(f"{{{ns}}}{name}"):
            where = f"the SVG's openbadges:{name}"
            body = (el.text or "").strip()
            if body:
                return _text_credential(body, source, where)
            verify = el.get("verify")
            if verify:
                return _text_credential(verify, source, f"{where} verify attribute")
            raise _fail(source, "badge.unreadable", f"{where} element is empty")
    raise _fail(
        source,
        "badge.not_baked",
        "the SVG holds no <openbadges:credential> (or OB 2.0 <openbadges:assertion>) element",
    )


def read_badge(data: bytes, *, source: str = "<input>") -> BadgeFile:
    """The credential in one badge file's bytes; raises `InputError` (one located problem)."""
    if len(data) > MAX_BYTES:
        raise _fail(
            source,
            "badge.too_large",
            f"a badge file may be at most {MAX_BYTES} bytes; this one is {len(data)}",
            expected=f"at most {MAX_BYTES} bytes",
            got=str(len(data)),
        )
    if data.startswith(_PNG):
        return BadgeFile(source, data, "png", _png(data, source))
    text = _decode(data, source, "the file")
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if head.startswith("<"):
        if "<svg" not in text[:4096].lower():
            raise _fail(source, "badge.unreadable", "an XML file that is not an SVG badge")
        return BadgeFile(source, data, "svg", _svg(text, source))
    credential = _text_credential(text, source, "the file")
    return BadgeFile(source, data, "jwt" if isinstance(credential, str) else "json", credential)


def read_badge_file(path: Path | str) -> BadgeFile:
    """Read one badge file (size checked before reading)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise _fail(
                str(p),
                "badge.too_large",
                f"a badge file may be at most {MAX_BYTES} bytes; this one is {size}",
                expected=f"at most {MAX_BYTES} bytes",
                got=str(size),
            )
        data = p.read_bytes()
    except OSError as e:
        raise _fail(str(p), "badge.unreadable", f"cannot read the file: {e.strerror}") from None
    return read_badge(data, source=str(p))


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                sorted(
                    q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in BADGE_SUFFIXES
                )
            )
        else:
            out.append(p)
    return out


def read_badge_paths(paths: Iterable[Path | str]) -> tuple[list[BadgeFile], list[Problem]]:
    """Every badge file under `paths` (files, or folders searched for `BADGE_SUFFIXES`), with
    one problem per file that cannot be read; the others still go through."""
    files: list[BadgeFile] = []
    problems: list[Problem] = []
    for p in _expand(paths):
        try:
            files.append(read_badge_file(p))
        except InputError as e:
            problems.extend(e.problems)
    return files, problems
