"""Schemathesis against /openapi.json with every operation, bounded examples: never a 5xx.

The app is built at import (schemathesis needs the schema at collection) over a throw-away
SQLite file holding an admin key and two educators, so stored-data routes are reached too.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from api_support import TN, pwcs
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

import mccredit
from mccredit.api import create_app
from mccredit.store import make_engine, upgrade, write_session
from mccredit.store.repositories import create_api_key, put_educator

_dir = Path(tempfile.mkdtemp(prefix="mccredit-fuzz-"))
atexit.register(shutil.rmtree, _dir, ignore_errors=True)
_engine = make_engine(f"sqlite:///{_dir / 'api.db'}")
atexit.register(_engine.dispose)
upgrade(_engine)
with write_session(_engine) as _s:
    TOKEN = create_api_key(session=_s, role="admin", scopes=["*"])[1]
    for _data in (TN, pwcs()):
        put_educator(session=_s, educator=mccredit.to_educator(_data), scopes=["*"], actor="t")
    _s.commit()

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(engine=_engine))


@schema.parametrize()
@settings(max_examples=6, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error]
    )
