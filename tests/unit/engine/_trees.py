"""Small rule files for engine tests (written into tmp_path by the `make_tree` fixture)."""

from __future__ import annotations

from typing import Any

RULE = """\
  - id: {id}
    title: {title}
    source: {{ref: law, section: "{id}"}}
"""


def award(
    id: str, when: str, per: str = "contact_hours", amount: str = "1", extra: str = ""
) -> str:
    return (
        RULE.format(id=id, title=id.replace(".", " "))
        + f"    when: {when}\n    unit: hr\n    per: {per}\n    amount: {amount}\n"
        + extra
    )


WORKSHOP = award("xx.hr.workshop", "{kind: {in: [workshop, conference]}}")
MICRO = award("xx.hr.micro", "{kind: micro_credential, accepted: true}", "credential", "6")


def awards(*rules: str) -> str:
    return "awards:\n" + "".join(rules)


def requirement(hours: int = 90, extra: str = "") -> str:
    return (
        "requirements:\n"
        + RULE.format(id="xx.renew.professional", title="Renew with hours")
        + f"    license: professional\n    cycle_years: 5\n    requires: {{hr: {hours}}}\n"
        + extra
    )


def educator(*creds: dict[str, Any], **kw: Any) -> dict[str, Any]:
    ed: dict[str, Any] = {
        "id": "E-1",
        "jurisdiction": "xx-yy",
        "licenses": [{"type": "professional", "issued": "2020-07-01", "expires": "2025-06-30"}],
        "credentials": list(creds),
    }
    ed.update(kw)
    return ed


def ws(id: str, earned: str, hours: Any, **kw: Any) -> dict[str, Any]:
    return {"id": id, "kind": "workshop", "earned": earned, "contact_hours": hours, **kw}


def mc(id: str, earned: str, code: str, issuer: str = "acme", **kw: Any) -> dict[str, Any]:
    return {
        "id": id,
        "kind": "micro_credential",
        "issuer": issuer,
        "code": code,
        "earned": earned,
        **kw,
    }


def by_credential(doc: dict[str, Any]) -> dict[str, str]:
    return {e["credential"]: e["amount"] for e in doc["ledger"]}
