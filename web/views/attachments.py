"""Staff side of attachments: add files on the case page, download them, see thumbnails.

Who may fetch a file is `attachments.selectors.attachment_for_staff` (the
case visibility rule); anything else is a 404 that does not reveal the file.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from attachments.models import Source
from attachments.responses import attachment_response
from attachments.selectors import attachment_for_staff
from attachments.services import attachments_add

from .. import forms
from .base import case_or_404, run_action


@login_required
@require_POST
def attachment_upload(request: HttpRequest, reference: str) -> HttpResponse:
    """Attach the chosen files to the case (all or none)."""
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="attachments",
        form=forms.AttachmentForm(request.POST, request.FILES),
        call=lambda d: attachments_add(
            case=case, files=d["files"], source=Source.CASE_PAGE, by=request.user
        ),
        success=_("File attached."),
        anchor="#attachments",
    )


@login_required
@require_safe
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """The file itself, always as a download."""
    return attachment_response(_visible(request, attachment_id))


@login_required
@require_safe
def attachment_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """The generated PNG preview of an image (the only inline answer)."""
    return attachment_response(_visible(request, attachment_id), thumbnail=True)


def _visible(request: HttpRequest, attachment_id: int):
    attachment = attachment_for_staff(request.user, attachment_id)
    if attachment is None:
        raise Http404(_("No such file."))
    return attachment
