from django.urls import path

from ballots import views, views_engine, views_nominations, views_provisional

app_name = "ballots"
urlpatterns = [
    path("", views.ballot_list, name="list"),
    path("engine/<str:filename>", views_engine.engine_download, name="engine"),
    path("<int:ballot_id>/", views.ballot_vote, name="vote"),
    path("<int:ballot_id>/result/", views.ballot_result, name="result"),
    path("<int:ballot_id>/result/sheet.json", views.ballot_count_sheet_json, name="sheet-json"),
    path("<int:ballot_id>/result/papers/<int:question_id>.<str:fmt>", views.ballot_papers_download, name="papers"),
    path("<int:ballot_id>/result/trackers.txt", views.ballot_trackers, name="trackers"),
    path("<int:ballot_id>/receipt/", views.receipt_check, name="receipt-check"),
    path("<int:ballot_id>/receipt/email/", views.receipt_email, name="receipt-email"),
    path("<int:ballot_id>/nominations/", views_nominations.nominations, name="nominations"),
    path("<int:ballot_id>/provisional/", views_provisional.ballot_provisional, name="provisional"),
    path("<int:ballot_id>/provisional/recount/", views_provisional.ballot_recount, name="recount"),
    path("<int:ballot_id>/provisional/scrutineers/", views_provisional.ballot_scrutineers, name="scrutineers"),
    path("<int:ballot_id>/declare/", views_provisional.ballot_declare, name="declare"),
]

# Officers set ballots up (ballots/views_manage.py).
from ballots import views_manage  # noqa: E402 - appended with its routes

urlpatterns += [
    path("new/<slug:unit_slug>/", views_manage.ballot_new, name="new"),
    path("<int:ballot_id>/manage/", views_manage.ballot_manage, name="manage"),
    path("<int:ballot_id>/manage/edit/", views_manage.ballot_edit, name="manage-edit"),
    path("<int:ballot_id>/manage/questions/", views_manage.question_add, name="manage-question-add"),
    path(
        "<int:ballot_id>/manage/questions/<int:question_id>/",
        views_manage.question_edit,
        name="manage-question-edit",
    ),
    path(
        "<int:ballot_id>/manage/questions/<int:question_id>/remove/",
        views_manage.question_remove,
        name="manage-question-remove",
    ),
    path(
        "<int:ballot_id>/manage/questions/<int:question_id>/options/",
        views_manage.option_add,
        name="manage-option-add",
    ),
    path(
        "<int:ballot_id>/manage/options/<int:option_id>/withdraw/",
        views_manage.option_withdraw,
        name="manage-option-withdraw",
    ),
    path("<int:ballot_id>/manage/cancel/", views_manage.ballot_cancel, name="manage-cancel"),
    path("<int:ballot_id>/manage/reopen/", views_manage.ballot_reopen, name="manage-reopen"),
    path("<int:ballot_id>/manage/closing-time/", views_manage.ballot_closing_time, name="manage-closing-time"),
    path("<int:ballot_id>/manage/step/<slug:step>/", views_manage.ballot_step, name="manage-step"),
]

# The verifiable mode's pages (ballots/views_verifiable.py).
from ballots import views_verifiable  # noqa: E402 - appended with its routes

urlpatterns += [
    path("<int:ballot_id>/manage/verifiable/", views_verifiable.verifiable_manage, name="verifiable-manage"),
    path(
        "<int:ballot_id>/manage/verifiable/restart/",
        views_verifiable.verifiable_ceremony_restart,
        name="verifiable-ceremony-restart",
    ),
    path(
        "<int:ballot_id>/manage/verifiable/end-shuffles/",
        views_verifiable.verifiable_end_shuffles,
        name="verifiable-end-shuffles",
    ),
    path("<int:ballot_id>/trustee/", views_verifiable.trustee_page, name="trustee"),
    path("<int:ballot_id>/trustee/tally.json", views_verifiable.trustee_tally, name="trustee-tally"),
    path("<int:ballot_id>/box/", views_verifiable.ballot_box, name="box"),
    path("<int:ballot_id>/checks/", views_verifiable.checks, name="checks"),
]
