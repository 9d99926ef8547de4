"""The offline issuer trust registry: `rules/issuers/*.yaml`.

Each file holds `issuers:`, a list of entries. An entry says who an issuer is (its ids: URL,
`did:key`, `did:web`), which catalog issuer it is and which jurisdictions' catalogs it relates to,
and which public keys sign for it (each with an id and validity dates). Nothing is fetched when a
credential is verified: a key the registry does not hold is not trusted.

```yaml
issuers:
  - id: example-corp            # registry entry id
    name: Example Corp
    test: true                  # a test entry (published test keys), never for production
    catalog_issuer: digital-promise   # optional: the catalog issuer id it is
    jurisdictions: [us-tn]      # jurisdictions whose catalogs this issuer's badges relate to
    ids: ["https://example.com/issuers/876543"]
    keys:
      - id: "https://example.com/issuers/876543#z6Mkj…"
        public_key_multibase: z6Mkj…        # Ed25519 Multikey
        valid_from: 2010-01-01
      - id: "https://example.edu/issuers/565049#rsa-1"
        jwk: {kty: RSA, e: AQAB, n: "…"}    # for VC-JWT
    status_lists:               # pinned status lists (revocation / suspension), never fetched
      - id: "https://example.com/status/3"  # the statusListCredential URL credentials name
        file: status/example-3.json         # beside this file (or `document:` inline)
```
Files are validated like rule files: every problem at once, with `file:line:col` and field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .._yaml import ProblemException, load_file, pydantic_problems
from ..errors import CredentialCheckError, Problem, RuleError
from ._multibase import ed25519_multikey

__all__ = ["IssuerEntry", "RegistryKey", "StatusListPin", "TrustRegistry", "load_registry"]


class RegistryKey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    public_key_multibase: str | None = None
    jwk: dict[str, str] | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @model_validator(mode="after")
    def _one_key(self) -> RegistryKey:
        if (self.public_key_multibase is None) == (self.jwk is None):
            raise ValueError("a key has exactly one of public_key_multibase or jwk")
        if self.public_key_multibase is not None:
            try:
                ed25519_multikey(self.public_key_multibase)
            except CredentialCheckError as e:
                raise ValueError(e.message) from None
        if self.jwk is not None and self.jwk.get("kty") not in ("RSA", "EC", "OKP"):
            raise ValueError("jwk.kty must be RSA, EC or OKP")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )


class StatusListPin(BaseModel):
    """A status list pinned for an issuer (issue 12): `id` is the URL credentials name
    (`statusListCredential` of a `BitstringStatusListEntry` / `StatusList2021Entry`, or the `id`
    of a `1EdTechRevocationList` status); the list itself is `document` (inline) or `file` (a
    JSON file beside the registry file). Pinned means trusted: it is the registry author's
    copy, checked when pinned, never fetched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    file: str | None = None
    document: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> StatusListPin:
        if (self.file is None) == (self.document is None):
            raise ValueError("a status list has exactly one of file or document")
        return self


class IssuerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    test: bool = False
    catalog_issuer: str | None = None
    jurisdictions: tuple[str, ...] = ()
    ids: tuple[str, ...] = Field(min_length=1)
    keys: tuple[RegistryKey, ...] = ()
    status_lists: tuple[StatusListPin, ...] = ()
    note: str | None = None


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuers: list[IssuerEntry]


class TrustRegistry:
    """Issuers by any of their ids, and keys by key id."""

    def __init__(self, entries: Iterable[IssuerEntry] = ()) -> None:
        self.entries: tuple[IssuerEntry, ...] = tuple(entries)
        self._by_id: dict[str, IssuerEntry] = {}
        self._keys: dict[str, tuple[IssuerEntry, RegistryKey]] = {}
        self._status: dict[str, tuple[IssuerEntry, dict[str, Any]]] = {}
        for e in self.entries:
            for i in e.ids:
                self._by_id[i] = e
            for k in e.keys:
                self._keys[k.id] = (e, k)
            for sl in e.status_lists:
                if sl.document is not None:
                    self._status[sl.id] = (e, sl.document)

    def status_list(self, url: str) -> tuple[IssuerEntry, dict[str, Any]] | None:
        """The pinned status list at `url` and the entry it is pinned under."""
        return self._status.get(url)

    def issuer(self, issuer_id: str) -> IssuerEntry | None:
        return self._by_id.get(issuer_id)

    def key(self, key_id: str) -> tuple[IssuerEntry, RegistryKey] | None:
        return self._keys.get(key_id)


def _files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


def load_registry(*paths: Path) -> TrustRegistry:
    """Read registry files (or folders of them); `RuleError` lists every problem, located."""
    problems: list[Problem] = []
    entries: list[IssuerEntry] = []
    seen_entry: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    seen_keys: dict[str, str] = {}
    for path in _files(paths):
        try:
            located = load_file(path)
        except ProblemException as e:
            problems.append(e.problem)
            continue
        try:
            parsed = _File.model_validate(located.data)
        except ValidationError as e:
            problems.extend(pydantic_problems(e, located=located, kind="registry"))
            continue
        for n, entry in enumerate(parsed.issuers):
            where = f"{located.path} issuers[{n}]"

            def dup(
                kind: str, value: str, first: str, loc: tuple[str | int, ...], *, at: Any = located
            ) -> Problem:
                line, col = at.marks.get(loc[:2], (None, None))
                return Problem(
                    type=f"registry.duplicate_{kind}",
                    message=f"{kind} {value!r} is already declared at {first}",
                    path=at.path,
                    line=line,
                    col=col,
                    loc=loc,
                )

            if entry.id in seen_entry:
                problems.append(dup("entry", entry.id, seen_entry[entry.id], ("issuers", n, "id")))
            seen_entry.setdefault(entry.id, where)
            for i in entry.ids:
                if i in seen_ids:
                    problems.append(dup("issuer_id", i, seen_ids[i], ("issuers", n, "ids")))
                seen_ids.setdefault(i, where)
            for k in entry.keys:
                if k.id in seen_keys:
                    problems.append(dup("key", k.id, seen_keys[k.id], ("issuers", n, "keys")))
                seen_keys.setdefault(k.id, where)
            pins = []
            for m, pin in enumerate(entry.status_lists):
                if pin.file is None:
                    pins.append(pin)
                    continue
                target = located.path and Path(located.path).parent / pin.file
                try:
                    doc = json.loads(Path(str(target)).read_text(encoding="utf-8"))
                except (OSError, ValueError) as e:
                    line, col = located.marks.get(("issuers", n), (None, None))
                    problems.append(
                        Problem(
                            type="registry.status_list",
                            message=f"status list file {pin.file!r} cannot be read: {e}",
                            path=located.path,
                            line=line,
                            col=col,
                            loc=("issuers", n, "status_lists", m, "file"),
                        )
                    )
                    continue
                pins.append(
                    pin.model_copy(update={"document": doc if isinstance(doc, dict) else {}})
                )
            entries.append(entry.model_copy(update={"status_lists": tuple(pins)}))
    if problems:
        raise RuleError(problems)
    return TrustRegistry(entries)


def registry_from_data(data: Any) -> TrustRegistry:
    """A registry from already-parsed data (tests, API bodies)."""
    try:
        parsed = _File.model_validate(data)
    except ValidationError as e:
        raise RuleError(pydantic_problems(e, located=None, kind="registry")) from None
    return TrustRegistry(parsed.issuers)
