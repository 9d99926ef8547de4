"""Canonicalization: RDFC-1.0 (pyld's URDNA2015) in safe mode with a budget, and JCS (RFC 8785).

- Safe mode: a property or type that the contexts do not define is an error (`undefined_term`),
  never silently dropped, so an unsigned field cannot ride along with a valid signature.
- Budget: URDNA2015's n-degree hashing is exponential on crafted blank-node graphs; past
  `budget` n-degree hash calls canonicalization stops with `canonicalization_budget`.
"""

from __future__ import annotations

import functools
from typing import Any

import rfc8785

from ..errors import CredentialCheckError
from ._contexts import ContextLoader, context_urls

__all__ = ["DEFAULT_BUDGET", "jcs", "rdfc"]

DEFAULT_BUDGET = 2_000
# pyld resolves a relative IRI against this base when the document has none: a type that
# expands under it is one no context defines. (= pyld's `jsonld.DEFAULT_BASE_IRI`; written out
# so that importing mccredit does not import pyld and requests: a test checks they agree.)
_BASE = "http://example.org/base/"


@functools.cache
def _budgeted() -> type[Any]:
    """URDNA2015 with a budget on its n-degree hashing (pyld loads on first use only)."""
    from pyld.canon import URDNA2015  # type: ignore[import-untyped]

    class _Budgeted(URDNA2015):  # type: ignore[misc]
        def __init__(self, budget: int) -> None:
            super().__init__()
            self._left = budget

        def hash_n_degree_quads(self, id_: Any, issuer: Any) -> Any:
            self._left -= 1
            if self._left < 0:
                raise CredentialCheckError(
                    "canonicalization_budget",
                    "canonicalization exceeded its budget (crafted graph?)",
                )
            return super().hash_n_degree_quads(id_, issuer)

    return _Budgeted


def _relative_types(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "@type" and "@value" not in node:
                for t in v if isinstance(v, list) else [v]:
                    if isinstance(t, str) and (":" not in t or t.startswith(_BASE)):
                        out.append(t.removeprefix(_BASE))
            else:
                _relative_types(v, out)
    elif isinstance(node, list):
        for v in node:
            _relative_types(v, out)


def rdfc(doc: dict[str, Any], loader: ContextLoader, *, budget: int = DEFAULT_BUDGET) -> str:
    """The canonical N-Quads of a JSON-LD document (RDFC-1.0 / URDNA2015)."""
    from pyld import jsonld  # type: ignore[import-untyped]

    for url in context_urls(doc):
        if not loader.knows(url):
            raise CredentialCheckError(
                "unknown_context", f"JSON-LD context {url!r} is not one of the vendored contexts"
            )
    dropped: list[str] = []
    proc = jsonld.JsonLdProcessor(on_property_dropped=lambda p: dropped.append(str(p)))
    options = {"documentLoader": loader, "base": "", "processingMode": "json-ld-1.1"}
    try:
        expanded = proc.expand(doc, dict(options))
    except CredentialCheckError:
        raise
    except jsonld.JsonLdError as e:
        cause = _check_cause(e)
        if cause is not None:
            raise cause from None
        raise CredentialCheckError("malformed_jsonld", f"JSON-LD expansion failed: {e}") from None
    relative: list[str] = []
    _relative_types(expanded, relative)
    if dropped or relative:
        terms = sorted(set(dropped) | set(relative))
        raise CredentialCheckError(
            "undefined_term", "terms the contexts do not define: " + ", ".join(terms)
        )
    try:
        dataset = proc.to_rdf(expanded, {**options, "produceGeneralizedRdf": False})
    except jsonld.JsonLdError as e:
        raise CredentialCheckError("malformed_jsonld", f"JSON-LD to RDF failed: {e}") from None
    out: str = _budgeted()(budget).main(dataset, {"format": "application/n-quads"})
    return out


def _check_cause(e: BaseException) -> CredentialCheckError | None:
    seen: set[int] = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, CredentialCheckError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme bytes (the `rfc8785` package)."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as e:
        raise CredentialCheckError("malformed", f"cannot canonicalize as JCS: {e}") from None
