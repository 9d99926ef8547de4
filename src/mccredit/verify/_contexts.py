"""The JSON-LD contexts canonicalization may use, served from files shipped in the package.

Nothing is fetched: a context URL outside `CONTEXTS` is refused with reason `unknown_context`.
The files in `contexts/` are 1EdTech's copies (digital-credentials-public-validator, Apache-2.0,
`contexts/LICENSE`) of the W3C, W3ID and 1EdTech contexts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import CredentialCheckError

__all__ = ["CONTEXTS", "ContextLoader", "context_urls"]

_DIR = Path(__file__).parent / "contexts"

#: context URL -> file in `contexts/`
CONTEXTS: Mapping[str, str] = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "2018-credentials-v1.jsonld",
    "https://www.w3.org/2018/credentials/examples/v1": "2018-credentials-examples-v1.jsonld",
    "https://www.w3.org/ns/odrl.jsonld": "odrl.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://imsglobal.github.io/openbadges-specification/context.json": "obv3x.jsonld",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json": "clr-v2p0.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-2.0.1.json",
    "https://w3id.org/openbadges/v2": "ob-v2p0.json",
    "https://openbadgespec.org/v2/context.json": "ob-v2p0.json",
    "https://w3id.org/openbadges/extensions/exampleExtension/context.json": (
        "obv2x-example-extension.json"
    ),
    "https://w3id.org/openbadges/extensions/applyLinkExtension/context.json": (
        "obv2x-applylink-extensions.json"
    ),
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "suites-ed25519-2020.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
}


class ContextLoader:
    """A pyld document loader over the vendored contexts (plus `extra`, e.g. for tests).

    `extra` maps a URL to a parsed context document or a path to one.
    """

    def __init__(self, extra: Mapping[str, dict[str, Any] | Path] | None = None) -> None:
        self._paths: dict[str, Path | dict[str, Any]] = {u: _DIR / f for u, f in CONTEXTS.items()}
        self._paths.update(extra or {})
        self._parsed: dict[str, dict[str, Any]] = {}

    def knows(self, url: str) -> bool:
        return url in self._paths

    def load(self, url: str) -> dict[str, Any]:
        if url not in self._paths:
            raise CredentialCheckError(
                "unknown_context", f"JSON-LD context {url!r} is not one of the vendored contexts"
            )
        if url not in self._parsed:
            value = self._paths[url]
            doc = value if isinstance(value, dict) else json.loads(value.read_text("utf-8"))
            self._parsed[url] = doc
        return self._parsed[url]

    def __call__(self, url: str, _options: Any = None) -> dict[str, Any]:
        """The pyld document-loader protocol: a RemoteDocument dict."""
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.load(url),
        }


def context_urls(node: Any) -> list[str]:
    """Every context URL a document names, at any depth (inline contexts are walked)."""
    out: list[str] = []

    def ctx(value: Any) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for v in value:
                ctx(v)
        elif isinstance(value, dict):
            walk(value)

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "@context":
                    ctx(v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(node)
    return out
