"""Canonicalization guards: JSON-LD safe mode and the canonicalization budget."""

from __future__ import annotations

import pytest

from mccredit.errors import CredentialCheckError
from mccredit.verify import ContextLoader
from mccredit.verify._canon import jcs, rdfc

CYCLE = [
    {"@id": "_:a", "http://example.org/p": {"@id": "_:b"}},
    {"@id": "_:b", "http://example.org/p": {"@id": "_:c"}},
    {"@id": "_:c", "http://example.org/p": {"@id": "_:a"}},
]


def test_an_undefined_term_is_an_error_not_dropped() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "notInAnyContext": "rides along unsigned",
    }
    with pytest.raises(CredentialCheckError) as e:
        rdfc(doc, ContextLoader())
    assert e.value.code == "undefined_term"
    assert "notInAnyContext" in e.value.message


def test_an_undefined_type_is_an_error() -> None:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["NoSuchType"]}
    with pytest.raises(CredentialCheckError) as e:
        rdfc(doc, ContextLoader())
    assert e.value.code == "undefined_term"


def test_a_symmetric_blank_node_graph_stops_at_the_budget() -> None:
    assert rdfc(CYCLE, ContextLoader()).count("\n") == 3  # fine with the default budget
    with pytest.raises(CredentialCheckError) as e:
        rdfc(CYCLE, ContextLoader(), budget=0)
    assert e.value.code == "canonicalization_budget"


def test_unknown_context_in_a_nested_context_is_refused() -> None:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "x": {"@context": "http://e/c"}}
    with pytest.raises(CredentialCheckError) as e:
        rdfc(doc, ContextLoader())
    assert e.value.code == "unknown_context"


def test_jcs_orders_keys_and_numbers_per_rfc8785() -> None:
    assert jcs({"b": 1, "a": [1.0, 1e21, "é"]}) == '{"a":[1,1e+21,"é"],"b":1}'.encode()
