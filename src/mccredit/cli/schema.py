"""`mccredit schema`: what rule files and educator input may say.

`mccredit schema matchers` prints the one table of matcher fields and operators
(`rules._fields`): each field a `when` may name, by context, with its type, allowed values and
meaning, then each operator with its operand and meaning; a table for people (fitting the
screen, 80 columns through a pipe; `--wide` lifts it) or, with `--format json`, a document
with stable keys. `mccredit schema [rules|educator|schedule|catalog|jurisdiction|all]` prints
the JSON Schema of those files for editors (their `when` fields list the same table).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.table import Table

from ..views import print_table
from ._common import err, out

__all__ = ["register"]

MATCHERS = "matchers"
FORMATS = ("table", "json")


def schema(
    what: Annotated[
        str,
        typer.Argument(
            help="matchers (the field and operator table) | rules | educator | schedule | "
            "catalog | jurisdiction | all (every JSON Schema)"
        ),
    ] = "all",
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write <name>.schema.json (matchers: matchers.json) here."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="matchers: table (default) or json; the JSON Schemas are json only.",
        ),
    ] = None,
) -> None:
    """Print the matcher field and operator table, or the JSON Schema of rule files and of
    educator input, for editors."""
    from ..io.educator import Educator
    from ..rules._models import CatalogFile, JurisdictionFile, RuleFile, ScheduleFile

    models: dict[str, type[BaseModel]] = {
        "rules": RuleFile,
        "educator": Educator,
        "schedule": ScheduleFile,
        "catalog": CatalogFile,
        "jurisdiction": JurisdictionFile,
    }
    if what != "all" and what != MATCHERS and what not in models:
        choices = ", ".join(["all", MATCHERS, *models])
        err.print(f"error: unknown schema {what!r}; choose one of: {choices}")
        raise typer.Exit(2)
    if fmt is not None and fmt not in FORMATS:
        err.print(f"error: unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        raise typer.Exit(2)
    if what == MATCHERS:
        _matchers(fmt or ("json" if out_dir is not None else "table"), out_dir)
        return
    if fmt == "table":
        err.print(f"error: --format table is for `schema {MATCHERS}`; a JSON Schema is json")
        raise typer.Exit(2)
    chosen = models if what == "all" else {what: models[what]}
    docs = {name: m.model_json_schema(mode="validation") for name, m in chosen.items()}
    if out_dir is not None:
        for name, d in docs.items():
            _write(out_dir, f"{name}.schema.json", d)
        return
    sys.stdout.write(json.dumps(docs if what == "all" else docs[what], indent=2) + "\n")


def _write(out_dir: Path, name: str, doc: Any) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        err.print(f"error: --out {out_dir}: cannot make a folder there ({e.strerror})")
        raise typer.Exit(2) from None
    (out_dir / name).write_text(json.dumps(doc, indent=2) + "\n")
    out.print(f"wrote {out_dir / name}", markup=False)


def _matchers(fmt: str, out_dir: Path | None) -> None:
    from ..rules._fields import table_document

    doc = table_document()
    if fmt == "json":
        if out_dir is not None:
            _write(out_dir, "matchers.json", doc)
        else:
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    if out_dir is not None:
        err.print("error: --out writes json; drop --format table")
        raise typer.Exit(2)
    contexts = list(dict.fromkeys(f["context"] for f in doc["fields"]))
    for context in contexts:
        t = Table(title=f"{context} fields (when{_KEY[context]})", title_justify="left")
        t.add_column("field", no_wrap=True)
        t.add_column("type", no_wrap=True)
        t.add_column("allowed values", overflow="fold")
        t.add_column("meaning")
        for f in doc["fields"]:
            if f["context"] == context:
                t.add_row(f["name"], f["type"], _allowed(f), _meaning(f))
        print_table(out, t)
    ops = Table(title="operators (field: {operator: operand})", title_justify="left")
    ops.add_column("operator", no_wrap=True)
    ops.add_column("operand")
    ops.add_column("field types")
    ops.add_column("meaning")
    for op in doc["operators"]:
        types = op["field_types"]
        every = len(types) == len(_TYPES)
        ops.add_row(op["name"], op["operand"], "any" if every else ", ".join(types), op["meaning"])
    print_table(out, ops)
    comb = Table(title="combining matchers", title_justify="left")
    comb.add_column("key", no_wrap=True)
    comb.add_column("meaning")
    for c in doc["combinators"]:
        comb.add_row(c["name"], c["meaning"])
    print_table(out, comb)
    out.print(
        "A field written with a bare value means eq; a mapping of several fields must match "
        "them all. A value outside a field's allowed values is a load error "
        "(file:line:col, with the nearest allowed value).",
        markup=False,
        soft_wrap=False,
    )


#: the field types (`FieldType`), in the table's order
_TYPES = ("string", "strings", "number", "date", "boolean")
# which rule keys hold a matcher of each context
_KEY = {"credential": ":", "educator": "_educator:", "license": "_license:"}


def _allowed(f: dict[str, Any]) -> str:
    if f["values"] is not None:  # one a line: a closed set is read down, never cut mid-name
        return "\n".join(f["values"])
    if f["declared_in"] is not None:
        from ..rules._fields import DECLARED

        return "declared " + DECLARED[f["declared_in"]][1].replace("`", "")
    return "any"


def _meaning(f: dict[str, Any]) -> str:
    text: str = f["description"]
    return text if f["batch_column"] is not None else f"{text} (batch: per educator)"


def register(app: typer.Typer) -> None:
    app.command()(schema)
