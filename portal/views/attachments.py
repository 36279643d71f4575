"""The customer's files on their status page: add some while the case is open,
download those they sent.

The signed token alone opens the case; a file is looked up within that case
only (`attachments.selectors.attachment_for_customer`), so a link never
reaches another case's files.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from attachments.exceptions import AttachmentRefused
from attachments.models import Source
from attachments.responses import attachment_response
from attachments.selectors import attachment_for_customer
from attachments.services import attachments_add
from complaints.actors import Actor

from ..forms import AttachmentForm
from ..selectors import case_for_status_token
from .common import link_invalid, rate_limited
from .status import back, status_page


@require_POST
@rate_limited("status")
def attachment_send(request: HttpRequest, token: str) -> HttpResponse:
    """Attach the customer's files to their open case."""
    case = case_for_status_token(token)
    if case is None:
        return link_invalid(request)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return status_page(request, case, token, attachment_form=form)
    try:
        attachments_add(
            case=case,
            files=form.cleaned_data["files"],
            source=Source.STATUS_PAGE,
            by=Actor.customer(),
        )
    except AttachmentRefused as refused:
        form.add_error("files", refused.detail)
        return status_page(request, case, token, attachment_form=form)
    messages.success(request, _("Thank you. Your files are with our team."))
    return back(token, "files")


@require_safe
def attachment_get(request: HttpRequest, token: str, attachment_id: int):
    """One of the files the customer sent, as a download."""
    case = case_for_status_token(token)
    if case is None:
        return link_invalid(request)
    attachment = attachment_for_customer(case=case, attachment_id=attachment_id)
    if attachment is None:
        raise Http404(_("No such file."))
    return attachment_response(attachment)
