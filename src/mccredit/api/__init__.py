"""The HTTP API (FastAPI under `/v1`, DESIGN.md §4): `create_app`, served by `mccredit serve`.

```
GET  /healthz  /readyz                                    liveness; database + schema + rules
GET  /v1/jurisdictions[/{id}]                              rules, versions, sources, sha256
POST /v1/evaluate[?store=true]                             exactly `mccredit evaluate --json`
POST /v1/evaluate/batch                                    NDJSON, one line per educator
POST /v1/explain                                           exactly `mccredit explain`
POST /v1/scenarios   GET /v1/scenarios/{id}                 costing runs (background), status
GET  /v1/scenarios/{id}/result|report|tables/{name}        aggregates; union: small groups hidden
POST /v1/scenarios/cost                                    a proposal costed, aggregates only
GET  /v1/educators   GET|PUT /v1/educators/{id}             stored input documents
POST /v1/educators/{id}/credentials                        idempotent by issuer + credential id
GET  /v1/educators/{id}/evaluation[?as_of=]                evaluate stored data, store, propose
GET  /v1/educators/{id}/evaluations                        stored evaluations, newest first
GET  /v1/evaluations/{id}[/result]  POST …/{id}/replay     reproducibility checks
GET  /v1/payroll/changes[/{id}]  POST …/{id}/approve|reject
POST /v1/payroll/exports   GET /v1/payroll/exports[/{id}]   CSV, each change exported once
GET  /v1/audit                                             append-only log (admin)
```
Keys, roles and scopes: see `deps`; errors: see `problems`; limits: `ApiSettings`.
"""

from .deps import ApiSettings, Evaluator, Principal
from .main import create_app

__all__ = ["ApiSettings", "Evaluator", "Principal", "create_app"]
