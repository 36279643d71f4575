"""Forms of the agents' pages: they parse and validate input, nothing more.

Most fields are optional on purpose: the lifecycle decides what a move needs
and says exactly what is missing, so the page shows its refusal rather than
a second, diverging set of rules. Every form that changes a case carries the
case `version` it was rendered from, so a stale save is refused. Every form
holds its fields to `complaints.bounds` (text limits, the date range).

The views use them as `forms.<Name>`, and a refused form comes back by that
name (`web.views.base.recall_refusal`), so every form is named here.
"""

from .base import ID_MAX, TEXT, BoundedForm, VersionedForm
from .inbox import BulkForm, NewCaseForm
from .regulated import (
    LetterDecisionForm,
    LetterForm,
    RepresentativeForm,
    VulnerabilityForm,
)
from .steps import (
    FORGIVENESS_QUESTION,
    SUGGESTED_APOLOGY,
    AssignForm,
    CaseDetailsForm,
    CloseForm,
    ListeningForm,
    OutcomeForm,
    ReopenForm,
    ResolveForm,
    RouteForm,
    SkipForm,
)
from .workspace import (
    AttachmentForm,
    ConsentForm,
    FollowUpCancelForm,
    FollowUpCompleteForm,
    FollowUpForm,
    MergeForm,
    MessageForm,
    OfferForm,
    OfferNoteForm,
    PromiseForm,
    RevokeLinksForm,
)

__all__ = [
    "FORGIVENESS_QUESTION",
    "ID_MAX",
    "SUGGESTED_APOLOGY",
    "TEXT",
    "AssignForm",
    "AttachmentForm",
    "BoundedForm",
    "BulkForm",
    "CaseDetailsForm",
    "CloseForm",
    "ConsentForm",
    "FollowUpCancelForm",
    "FollowUpCompleteForm",
    "FollowUpForm",
    "LetterDecisionForm",
    "LetterForm",
    "ListeningForm",
    "MergeForm",
    "MessageForm",
    "NewCaseForm",
    "OfferForm",
    "OfferNoteForm",
    "OutcomeForm",
    "PromiseForm",
    "ReopenForm",
    "RepresentativeForm",
    "ResolveForm",
    "RevokeLinksForm",
    "RouteForm",
    "SkipForm",
    "VersionedForm",
    "VulnerabilityForm",
]
