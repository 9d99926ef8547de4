"""Ed-Fi interchange (issue 15): staff, their licenses and school assignments in; earned
professional development out.

In: a folder of Ed-Fi Data Standard JSON, one file per resource named as the API's endpoint
(`staffs`, `credentials`, `staffEducationOrganizationAssignmentAssociations`, and optionally
`professionalDevelopmentEvents` / `professionalDevelopmentEventAttendances`), each a JSON array
(`.json`) or JSON Lines (`.jsonl`). Every document is checked against the bundled JSON Schema
of its resource (`edfi_schemas/`, hand-written subsets after the public Ed-Fi Data Standard 5
resource definitions: the required fields and their types; other Ed-Fi fields are allowed);
a document that fails is refused with the JSON pointer of each problem and the rest of the
file still goes through. No network: the schemas and their references resolve locally.

Mapping: `Staff.staffUniqueId` → educator id, `firstName lastSurname` → name; each
`Staff.credentials[].credentialReference` → the `Credential` it names → a license (type: the
code value of `teachingCredentialDescriptor`, else of `credentialTypeDescriptor`, lower-cased;
issued: `issuanceDate`; expires: `expirationDate`; id: `credentialIdentifier`); each
assignment → the educator's schools (`educationOrganizationId`, with its dates). A
`ProfessionalDevelopmentEventAttendance` is an earned credential: its `_ext.mccredit` extension
(written by mccredit) carries the credential id, kind, issuer, code and measures; without it,
the credential is a `workshop` of the event's `totalHours` contact hours, dated by
`attendanceDate`, its id derived from the event and the date.

Out: `earned_pd` writes what the engine credited (each credential with a ledger entry) as
`ProfessionalDevelopmentEvent` and `ProfessionalDevelopmentEventAttendance` JSON Lines, each
line validated against the same schemas before it is written.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..io.educator import Educator, parse_educator
from ..result import Evaluation

__all__ = [
    "RESOURCES",
    "EdfiRoster",
    "earned_pd",
    "is_edfi_folder",
    "jsonl",
    "read_edfi",
    "validate_resource",
]

# resource name (the API endpoint) -> schema file
RESOURCES = {
    "staffs": "staff",
    "credentials": "credential",
    "staffEducationOrganizationAssignmentAssociations": (
        "staffEducationOrganizationAssignmentAssociation"
    ),
    "professionalDevelopmentEvents": "professionalDevelopmentEvent",
    "professionalDevelopmentEventAttendances": "professionalDevelopmentEventAttendance",
}
NS = "uri://mccredit.org/pd"
SOURCE_SYSTEM = "uri://ed-fi.org/SourceSystemDescriptor#District"
IN_ATTENDANCE = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#In Attendance"
OFFERED_BY = "uri://mccredit.org/ProfessionalDevelopmentOfferedByDescriptor#"


@functools.cache
def _validators() -> dict[str, Any]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    root = resources.files("mccredit.handoff") / "edfi_schemas"
    docs = {}
    for entry in root.iterdir():
        if entry.name.endswith(".json"):
            docs[entry.name[:-5]] = json.loads(entry.read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in docs.values()
    )
    return {
        name: Draft202012Validator(docs[schema], registry=registry)
        for name, schema in RESOURCES.items()
    }


def validate_resource(resource: str, doc: Any) -> list[tuple[str, str]]:
    """(JSON pointer, message) for each way `doc` fails its resource's bundled schema."""
    out = []
    for e in sorted(_validators()[resource].iter_errors(doc), key=lambda e: list(e.path)):
        pointer = "".join(f"/{p}" for p in e.absolute_path)
        out.append((pointer or "/", e.message))
    return out


@dataclass
class EdfiRoster:
    educators: list[Educator] = field(default_factory=list)
    # educator id -> [(educationOrganizationId, beginDate, endDate or "")]
    schools: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    # every refused document: file, line, JSON pointer, message
    problems: list[Problem] = field(default_factory=list)


def is_edfi_folder(path: Path) -> bool:
    return path.is_dir() and any((path / f"staffs.{x}").is_file() for x in ("json", "jsonl"))


def _documents(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line or index, document, None) or (line, None, error) per document of a file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield n, json.loads(line), None
                except ValueError as e:
                    yield n, None, f"not JSON: {e}"
        return
    try:
        data = json.loads(text)
    except ValueError as e:
        yield 1, None, f"not JSON: {e}"
        return
    if not isinstance(data, list):
        yield 1, None, "an Ed-Fi file is a JSON array of resources (or .jsonl, one a line)"
        return
    for i, doc in enumerate(data):
        yield i, doc, None


def _load(folder: Path, resource: str, problems: list[Problem]) -> list[dict[str, Any]]:
    path = next(
        (
            folder / f"{resource}.{x}"
            for x in ("jsonl", "json")
            if (folder / f"{resource}.{x}").is_file()
        ),
        None,
    )
    if path is None:
        return []
    good: list[dict[str, Any]] = []
    for where, doc, error in _documents(path):
        line = where if path.suffix == ".jsonl" else None
        base = "" if path.suffix == ".jsonl" else f"/{where}"
        if error is not None:
            problems.append(Problem(type="edfi.json", message=error, path=str(path), line=where))
            continue
        found = validate_resource(resource, doc)
        if found:
            for pointer, message in found:
                problems.append(
                    Problem(
                        type="edfi.schema",
                        message=f"{base}{'' if pointer == '/' else pointer} {message}",
                        path=str(path),
                        line=line,
                        loc=(resource, where, *[p for p in pointer.split("/") if p]),
                    )
                )
            continue
        good.append(doc)
    return good


def _code(descriptor: str) -> str:
    return descriptor.split("#", 1)[1]


def _measure(v: Any) -> str | None:
    return None if v in (None, "") else str(v)


def _credential(
    att: dict[str, Any], events: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, Any]:
    ref = att["professionalDevelopmentEventReference"]
    key = (ref["namespace"], ref["professionalDevelopmentTitle"])
    ext = (att.get("_ext") or {}).get("mccredit")
    if ext:
        c: dict[str, Any] = {
            "id": ext["credentialId"],
            "kind": ext["kind"],
            "earned": att["attendanceDate"],
        }
        for k in ("issuer", "code", "title"):
            if ext.get(k):
                c[k] = ext[k]
        for src, dst in (
            ("contactHours", "contact_hours"),
            ("semesterCredits", "semester_credits"),
            ("ceus", "ceus"),
        ):
            if ext.get(src) is not None:
                c[dst] = ext[src]
        if ext.get("categories"):
            c["categories"] = list(ext["categories"])
        return c
    event = events.get(key, {})
    digest = hashlib.sha256(json.dumps([*key, att["attendanceDate"]]).encode()).hexdigest()[:12]
    c = {
        "id": f"edfi-{digest}",
        "kind": "workshop",
        "earned": att["attendanceDate"],
        "title": ref["professionalDevelopmentTitle"],
    }
    if event.get("totalHours") is not None:
        c["contact_hours"] = str(event["totalHours"])
    return c


def read_edfi(folder: Path, *, jurisdiction: str) -> EdfiRoster:
    """The educators an Ed-Fi folder describes (each refused document in `problems`)."""
    out = EdfiRoster()
    p = out.problems
    staffs = _load(folder, "staffs", p)
    creds = {
        (c["credentialIdentifier"], c["stateOfIssueStateAbbreviationDescriptor"]): c
        for c in _load(folder, "credentials", p)
    }
    for a in _load(folder, "staffEducationOrganizationAssignmentAssociations", p):
        out.schools.setdefault(a["staffReference"]["staffUniqueId"], []).append(
            (
                int(a["educationOrganizationReference"]["educationOrganizationId"]),
                a["beginDate"],
                a.get("endDate") or "",
            )
        )
    events = {
        (e["namespace"], e["professionalDevelopmentTitle"]): e
        for e in _load(folder, "professionalDevelopmentEvents", p)
    }
    earned: dict[str, list[dict[str, Any]]] = {}
    for att in _load(folder, "professionalDevelopmentEventAttendances", p):
        earned.setdefault(att["personReference"]["personId"], []).append(_credential(att, events))
    for s in staffs:
        sid = s["staffUniqueId"]
        licenses = []
        for ref in s.get("credentials") or []:
            r = ref["credentialReference"]
            c = creds.get((r["credentialIdentifier"], r["stateOfIssueStateAbbreviationDescriptor"]))
            if c is None:
                p.append(
                    Problem(
                        type="edfi.reference",
                        message=f"staff {sid!r} names credential {r['credentialIdentifier']!r}, "
                        "which no credentials document holds",
                        path=str(folder / "staffs"),
                        loc=("staffs", sid, "credentials"),
                    )
                )
                continue
            lic: dict[str, Any] = {
                "type": _code(
                    c.get("teachingCredentialDescriptor") or c["credentialTypeDescriptor"]
                ).lower(),
                "id": c["credentialIdentifier"],
                "issued": c["issuanceDate"],
            }
            if c.get("expirationDate"):
                lic["expires"] = c["expirationDate"]
            licenses.append(lic)
        doc: dict[str, Any] = {
            "id": sid,
            "jurisdiction": jurisdiction,
            "name": f"{s['firstName']} {s['lastSurname']}",
            "licenses": sorted(licenses, key=lambda x: (x["issued"], x["type"])),
            "credentials": sorted(earned.get(sid, []), key=lambda c: (c["earned"], c["id"])),
        }
        current = sorted(out.schools.get(sid, []), key=lambda a: (a[2] == "", a[1]))
        if current:  # the open (or latest) assignment
            doc["school"] = str(current[-1][0])
        if s.get("yearsOfPriorProfessionalExperience") is not None:
            doc["experience_years"] = str(s["yearsOfPriorProfessionalExperience"])
        try:
            out.educators.append(parse_educator(doc))
        except InputError as e:
            p.extend(
                Problem(
                    type=pr.type,
                    message=f"staff {sid!r}: {pr.message}",
                    path=str(folder / "staffs"),
                    loc=("staffs", sid, *pr.loc),
                )
                for pr in e.problems
            )
    return out


# ── out ────────────────────────────────────────────────────────────────────────────────────


def _num(text: str) -> float | int:
    d = Decimal(text)
    return int(d) if d == d.to_integral_value() else float(d)


def earned_pd(
    pairs: Iterable[tuple[Educator, Evaluation | Mapping[str, Any]]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(events, attendances) for every credential the engine credited, from (educator, its
    evaluation) pairs (the `Evaluation`, or its JSON document); each Ed-Fi document checked
    against the bundled schema (a failure is a bug here, raised as InputError)."""
    events: dict[tuple[str, str], dict[str, Any]] = {}
    attendances: list[dict[str, Any]] = []
    for ed, result in pairs:
        credit: dict[str, dict[str, Decimal]] = {}
        for entry in Evaluation.read(result).ledger:
            if entry.credential:
                u = credit.setdefault(entry.credential, {})
                u[entry.unit] = u.get(entry.unit, Decimal(0)) + entry.amount
        for c in ed.credentials:
            if c.id not in credit:
                continue
            title = (c.code or c.title or c.id)[:60]
            ns = f"{NS}/{c.kind}"
            key = (ns, title)
            if key not in events:
                ev: dict[str, Any] = {
                    "namespace": ns,
                    "professionalDevelopmentTitle": title,
                    "professionalDevelopmentOfferedByDescriptor": OFFERED_BY
                    + (c.issuer or "Other"),
                }
                if c.contact_hours is not None:
                    ev["totalHours"] = _num(str(c.contact_hours))
                events[key] = ev
            ext: dict[str, Any] = {"credentialId": c.id, "kind": c.kind}
            for k, v in (("issuer", c.issuer), ("code", c.code), ("title", c.title)):
                if v:
                    ext[k] = v
            for k, m in (
                ("contactHours", c.contact_hours),
                ("semesterCredits", c.semester_credits),
                ("ceus", c.ceus),
            ):
                if m is not None:
                    ext[k] = format(m, "f")
            if c.categories:
                ext["categories"] = list(c.categories)
            ext["credit"] = {u: str(a) for u, a in sorted(credit[c.id].items())}
            attendances.append(
                {
                    "attendanceDate": c.earned.isoformat(),
                    "attendanceEventCategoryDescriptor": IN_ATTENDANCE,
                    "personReference": {"personId": ed.id, "sourceSystemDescriptor": SOURCE_SYSTEM},
                    "professionalDevelopmentEventReference": {
                        "namespace": ns,
                        "professionalDevelopmentTitle": title,
                    },
                    "_ext": {"mccredit": ext},
                }
            )
    out_events = [events[k] for k in sorted(events)]
    problems = [
        Problem(type="edfi.schema", message=f"{res} {i}{ptr}: {msg}")
        for res, docs in (
            ("professionalDevelopmentEvents", out_events),
            ("professionalDevelopmentEventAttendances", attendances),
        )
        for i, d in enumerate(docs)
        for ptr, msg in validate_resource(res, d)
    ]
    if problems:
        raise InputError(problems)
    return out_events, attendances


def jsonl(docs: Sequence[dict[str, Any]]) -> str:
    """JSON Lines: one document a line, keys in order, UTF-8."""
    return "".join(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n" for d in docs)
