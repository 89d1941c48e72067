"""Pages for members, officers, the projector and observers, under /meetings/."""

from django.urls import path

from meetings.views import console, discussion, meetings, motions, orders, paper, papers, proxies, room

app_name = "meetings"
urlpatterns = [
    path("", meetings.meeting_index, name="index"),
    path("motions/", motions.motion_list, name="motions"),
    path("motions/new/<slug:unit_slug>/", motions.motion_propose, name="motion_propose"),
    path("motions/<int:motion_id>/", motions.motion_detail, name="motion"),
    path("motions/<int:motion_id>/amend/", motions.amendment_propose, name="amendment_propose"),
    path("motions/<int:motion_id>/<slug:action>/", motions.motion_action, name="motion_action"),
    path("amendments/<int:amendment_id>/<slug:action>/", motions.amendment_action, name="amendment_action"),
    path("discussion/motions/<int:motion_id>/", discussion.discussion_post_view, name="discussion_post"),
    path("discussion/motions/<int:motion_id>/email/", discussion.discussion_email_view, name="discussion_email"),
    path("discussion/posts/<int:post_id>/edit/", discussion.discussion_post_edit_view, name="discussion_edit"),
    path("discussion/posts/<int:post_id>/hide/", discussion.discussion_post_hide_view, name="discussion_hide"),
    path("schedule/<slug:unit_slug>/", console.meeting_schedule, name="schedule"),
    path("standing-orders/<slug:unit_slug>/", orders.standing_orders_edit, name="standing_orders"),
    path("requisitions/<slug:unit_slug>/", meetings.requisition_list, name="requisitions"),
    path("requisition/<int:requisition_id>/sign/", meetings.requisition_sign_view, name="requisition_sign"),
    path("votes/<int:vote_id>/cast/", meetings.vote_cast, name="vote_cast"),
    path("<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("<int:meeting_id>/check-in/", meetings.meeting_check_in, name="check_in"),
    path("<int:meeting_id>/projector/<str:token>/", room.projector, name="projector"),
    path("<int:meeting_id>/projector/<str:token>/live.json", room.projector_live_json, name="projector_live"),
    path("<int:meeting_id>/projector/<str:token>/check-in.svg", room.projector_qr, name="projector_qr"),
    path("<int:meeting_id>/speak/", room.speak, name="speak"),
    path("<int:meeting_id>/speak/<int:request_id>/withdraw/", room.speak_withdraw, name="speak_withdraw"),
    path("<int:meeting_id>/check-out/", room.check_out, name="check_out"),
    path("<int:meeting_id>/live.json", meetings.meeting_live_json, name="live"),
    path("<int:meeting_id>/console/", console.meeting_console, name="console"),
    path("<int:meeting_id>/console/votes/<int:vote_id>/voters/", console.console_voters, name="console_voters"),
    path("<int:meeting_id>/console/<slug:action>/", console.console_action, name="console_action"),
    path("<int:meeting_id>/minutes/", console.minutes_edit_view, name="minutes"),
    path("<int:meeting_id>/minutes/preview/", papers.minutes_preview, name="minutes_preview"),
    path("<int:meeting_id>/papers/<slug:paper>.pdf", papers.meeting_pdf, name="pdf"),
    path("<int:meeting_id>/proxy/", proxies.proxy_page, name="proxy"),
    path("<int:meeting_id>/proxy/revoke/", proxies.proxy_revoke_view, name="proxy_revoke"),
    path("<int:meeting_id>/delegates/", proxies.delegate_set_view, name="delegates"),
    path("votes/<int:vote_id>/proxy-cast/", proxies.proxy_vote_cast_view, name="proxy_vote_cast"),
    path("<int:meeting_id>/paper/", paper.paper_index, name="paper"),
    path("<int:meeting_id>/paper/hands/", paper.paper_hands, name="paper_hands"),
    path("paper/<int:count_id>/", paper.paper_count_page, name="paper_count"),
    path("paper/<int:count_id>/count/", paper.paper_count_run_view, name="paper_count_run"),
    path("paper/entries/<int:entry_id>/<slug:action>/", paper.paper_entry_check, name="paper_entry_check"),
]
