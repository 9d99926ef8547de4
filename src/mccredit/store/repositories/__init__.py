"""Data access for the store: keyword-only functions, session first, one module a resource.

None of these commit: the caller owns the transaction (one request, one transaction), so a
failure half-way leaves nothing behind. Writers should use `write_session` so SQLite takes its
write lock up front. Scope filtering lives here too: a function that takes `scopes` returns
None (not an error) for rows outside them, so callers answer 404 and existence never leaks.

Scopes are jurisdiction ids; a scope covers itself and everything beneath it (`us-va` covers
`us-va/pwcs`), and `*` covers every jurisdiction.

| module | resource |
|---|---|
| `_common` | canonical JSON and hashes, scopes, `scoped_get`, `insert_or_nothing` |
| `_audit` | the audit log |
| `_educators` | educators, credentials, badge files, a jurisdiction's roster |
| `_evaluations` | stored evaluations |
| `_payroll` | payroll changes, transitions, exports |
| `_keys` | API keys |
| `_scenarios` | costing runs |
"""

from ...errors import ConflictError, StoreError
from ._audit import audit, list_audit
from ._common import (
    canonical_json,
    educator_document,
    in_scope,
    insert_or_nothing,
    scope_filter,
    scoped_get,
    sha256_text,
)
from ._educators import (
    count_jurisdiction_educators,
    credentials_of,
    educator_input,
    educator_inputs,
    get_credential,
    get_educator,
    intake_credential,
    jurisdiction_educator_inputs,
    list_educators,
    put_educator,
    store_badge_document,
)
from ._evaluations import (
    evaluation_values,
    get_evaluation,
    insert_evaluations,
    list_evaluations,
    store_evaluation,
)
from ._keys import ROLES, authenticate, create_api_key, list_api_keys, revoke_api_key
from ._payroll import (
    EXPORT_COLUMNS,
    PayrollStatus,
    export_payroll,
    get_payroll_change,
    get_payroll_export,
    list_payroll_changes,
    list_payroll_exports,
    list_transitions,
    propose_payroll_change,
    transition_payroll_change,
)
from ._scenarios import (
    create_scenario_run,
    fail_unfinished_scenario_runs,
    finish_scenario_run,
    get_scenario_run,
    start_scenario_run,
)

__all__ = [
    "EXPORT_COLUMNS",
    "ROLES",
    "ConflictError",
    "PayrollStatus",
    "StoreError",
    "audit",
    "authenticate",
    "canonical_json",
    "count_jurisdiction_educators",
    "create_api_key",
    "create_scenario_run",
    "credentials_of",
    "educator_document",
    "educator_input",
    "educator_inputs",
    "export_payroll",
    "fail_unfinished_scenario_runs",
    "finish_scenario_run",
    "get_credential",
    "get_educator",
    "evaluation_values",
    "get_evaluation",
    "insert_evaluations",
    "get_payroll_change",
    "get_payroll_export",
    "get_scenario_run",
    "in_scope",
    "insert_or_nothing",
    "intake_credential",
    "jurisdiction_educator_inputs",
    "list_api_keys",
    "list_audit",
    "list_educators",
    "list_evaluations",
    "list_payroll_changes",
    "list_payroll_exports",
    "list_transitions",
    "propose_payroll_change",
    "put_educator",
    "revoke_api_key",
    "scope_filter",
    "scoped_get",
    "sha256_text",
    "start_scenario_run",
    "store_badge_document",
    "store_evaluation",
    "transition_payroll_change",
]
