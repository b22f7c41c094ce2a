"""Models of this app (see its docs in docs/)."""

from .declaration_models import (  # noqa: F401  (models of the declarations, requests and reports)
    AllocationRequest,
    Declaration,
    DeclarationLine,
    ProgressGoalStatus,
    ProgressReport,
)
