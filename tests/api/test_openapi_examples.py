"""The OpenAPI page lists every route with an example of its success response."""

from __future__ import annotations

from mccredit.api import create_app


def test_every_route_has_a_success_example() -> None:
    spec = create_app().openapi()
    missing = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            media = [
                m
                for code, resp in op["responses"].items()
                if code.startswith("2")
                for m in resp.get("content", {}).values()
            ]
            if not any("example" in m or "examples" in m for m in media):
                missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_the_evaluate_example_is_the_engine_document() -> None:
    spec = create_app().openapi()
    media = spec["paths"]["/v1/evaluate"]["post"]["responses"]["200"]["content"]
    example = next(m["example"] for m in media.values() if "example" in m)
    assert example["totals"] == {"pdp": "35.00"}
    assert example["renewal"][0]["remaining"] == {"pdp": "25.00"}
