"""Routes of the agents' pages (CONTRACT §8): the inbox, cases, customers."""

from django.urls import path

from .views import (
    attachments,
    bulk,
    case,
    case_edit,
    customers,
    followups,
    inbox,
    intake,
    letters,
    live,
    notifications,
    offers,
    promises,
    records,
    recovery,
    saved,
    search,
)

app_name = "web"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("live/inbox/", live.inbox_live, name="inbox_live"),
    path("bulk/", bulk.inbox_bulk, name="inbox_bulk"),
    path("new-case/", intake.case_new, name="case_new"),
    path("views/", saved.saved_view_save, name="saved_view_save"),
    path(
        "views/<int:view_id>/delete/",
        saved.saved_view_remove,
        name="saved_view_delete",
    ),
    path("new-case/customers/", intake.customer_search, name="customer_search"),
    path("search/", search.search, name="search"),
    path("cases/<str:reference>/", case.case_detail, name="case"),
    path("cases/<str:reference>/live/", live.case_live, name="case_live"),
    path("cases/<str:reference>/take/", case.case_take, name="case_take"),
    path("cases/<str:reference>/assign/", case.case_assign_view, name="case_assign"),
    path("cases/<str:reference>/route/", case.case_route_view, name="case_route"),
    path(
        "cases/<str:reference>/details/",
        case_edit.case_details_edit,
        name="case_details",
    ),
    path("cases/<str:reference>/start/", case.case_start, name="case_start"),
    path(
        "cases/<str:reference>/listening/", case.case_listening, name="case_listening"
    ),
    path("cases/<str:reference>/outcome/", case.case_outcome, name="case_outcome"),
    path("cases/<str:reference>/resolve/", case.case_resolve, name="case_resolve"),
    path("cases/<str:reference>/skip/", case.case_skip, name="case_skip"),
    path("cases/<str:reference>/reopen/", case.case_reopen, name="case_reopen"),
    path("cases/<str:reference>/close/", case.case_close, name="case_close"),
    path(
        "cases/<str:reference>/links/revoke/",
        case.case_links_revoke_view,
        name="case_links_revoke",
    ),
    path("cases/<str:reference>/awaiting/", case.case_awaiting, name="case_awaiting"),
    path("cases/<str:reference>/messages/", case.case_message, name="case_message"),
    path("cases/<str:reference>/offers/", offers.offer_create, name="offer_create"),
    path(
        "cases/<str:reference>/attachments/",
        attachments.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "attachments/<int:attachment_id>/",
        attachments.attachment_download,
        name="attachment",
    ),
    path(
        "attachments/<int:attachment_id>/thumbnail/",
        attachments.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    path("offers/<int:offer_id>/<str:action>/", offers.offer_move, name="offer_move"),
    path(
        "cases/<str:reference>/followups/",
        followups.followup_create,
        name="followup_create",
    ),
    path(
        "followups/<int:followup_id>/complete/",
        followups.followup_done,
        name="followup_complete",
    ),
    path(
        "followups/<int:followup_id>/cancel/",
        followups.followup_cancel_view,
        name="followup_cancel",
    ),
    path(
        "cases/<str:reference>/consent/",
        followups.customer_consent,
        name="customer_consent",
    ),
    path(
        "cases/<str:reference>/promises/",
        promises.promise_create,
        name="promise_create",
    ),
    path("promises/<int:promise_id>/keep/", promises.promise_kept, name="promise_keep"),
    path("cases/<str:reference>/merge/", promises.case_merge_view, name="case_merge"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path(
        "customers/<int:customer_id>/export.<str:fmt>",
        records.customer_export,
        name="customer_export",
    ),
    path(
        "customers/<int:customer_id>/holds/",
        records.customer_hold,
        name="customer_hold",
    ),
    path("holds/<int:hold_id>/lift/", records.hold_lift, name="hold_lift"),
    path("recovery/incidents/", recovery.incident_list, name="incidents"),
    path(
        "recovery/incidents/<int:incident_id>/",
        recovery.incident_detail,
        name="incident",
    ),
    path(
        "recovery/incidents/<int:incident_id>/close/",
        recovery.incident_close,
        name="incident_close",
    ),
    path(
        "cases/<str:reference>/incidents/<int:incident_id>/link/",
        recovery.case_incident_link,
        name="case_incident_link",
    ),
    path("recovery/problems/", recovery.problem_list, name="problems"),
    path(
        "recovery/problems/<int:problem_id>/",
        recovery.problem_detail,
        name="problem",
    ),
    path(
        "cases/<str:reference>/letters/", letters.case_letter_action, name="case_letter"
    ),
    path(
        "cases/<str:reference>/letters/<int:letter_id>/",
        letters.case_letter_pdf,
        name="case_letter_pdf",
    ),
    *[
        path(
            f"letter-approvals/<int:approval_id>/{verb}/",
            letters.letter_approval_move,
            {"action": verb},
            name=f"letter_approval_{verb}",
        )
        for verb in ("approve", "refuse", "send")
    ],
    path(
        "cases/<str:reference>/vulnerability/",
        letters.case_vulnerability,
        name="case_vulnerability",
    ),
    path(
        "cases/<str:reference>/representative/",
        letters.case_representative,
        name="case_representative",
    ),
    path("pitch-check/", case.pitch_check, name="pitch_check"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/bell/", notifications.notification_bell, name="bell"),
    path(
        "notifications/email/",
        notifications.email_preferences,
        name="email_preferences",
    ),
    path(
        "notifications/read/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:notification_id>/open/",
        notifications.notification_open,
        name="notification_open",
    ),
]
