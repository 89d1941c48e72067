"""REST routes for motions, amendments, meetings, agenda and attendance."""

from django.urls import path

from meetings.api import discussion, forwarding, paper, proxies, views

urlpatterns = [
    path("motions/", views.MotionListApi.as_view(), name="meetings-api-motions"),
    path("motions/<int:motion_id>/", views.MotionDetailApi.as_view(), name="meetings-api-motion"),
    path("motions/<int:motion_id>/second/", views.MotionSecondApi.as_view(), name="meetings-api-motion-second"),
    path("motions/<int:motion_id>/rule/", views.MotionRuleApi.as_view(), name="meetings-api-motion-rule"),
    path(
        "motions/<int:motion_id>/forward/",
        forwarding.MotionForwardApi.as_view(),
        name="meetings-api-motion-forward",
    ),
    path(
        "motions/<int:motion_id>/discussion/",
        discussion.DiscussionListApi.as_view(),
        name="meetings-api-discussion",
    ),
    path("discussion/<int:post_id>/", discussion.DiscussionPostApi.as_view(), name="meetings-api-discussion-post"),
    path(
        "discussion/<int:post_id>/hide/",
        discussion.DiscussionHideApi.as_view(),
        name="meetings-api-discussion-hide",
    ),
    path("motions/<int:motion_id>/amendments/", views.AmendmentListApi.as_view(), name="meetings-api-amendments"),
    path(
        "amendments/<int:amendment_id>/second/",
        views.AmendmentSecondApi.as_view(),
        name="meetings-api-amendment-second",
    ),
    path("", views.MeetingListApi.as_view(), name="meetings-api-list"),
    path("<int:meeting_id>/", views.MeetingDetailApi.as_view(), name="meetings-api-detail"),
    path("<int:meeting_id>/agenda/", views.AgendaItemCreateApi.as_view(), name="meetings-api-agenda"),
    path("<int:meeting_id>/attendance/", views.AttendanceApi.as_view(), name="meetings-api-attendance"),
    path("<int:meeting_id>/check-in/", views.CheckInApi.as_view(), name="meetings-api-check-in"),
    path("votes/<int:vote_id>/cast/", views.VoteCastApi.as_view(), name="meetings-api-vote-cast"),
    path("votes/<int:vote_id>/right/", views.VoteRightApi.as_view(), name="meetings-api-vote-right"),
    path("<int:meeting_id>/proxy/", proxies.ProxyApi.as_view(), name="meetings-api-proxy"),
    path("paper/<int:count_id>/", paper.PaperCountApi.as_view(), name="meetings-api-paper"),
    path("paper/<int:count_id>/papers/", paper.PaperEntryApi.as_view(), name="meetings-api-paper-entry"),
    path("paper/<int:count_id>/count/", paper.PaperCountRunApi.as_view(), name="meetings-api-paper-count"),
    path("paper/entries/<int:entry_id>/check/", paper.PaperEntryCheckApi.as_view(), name="meetings-api-paper-check"),
    path("votes/<int:vote_id>/proxy-cast/", proxies.ProxyVoteCastApi.as_view(), name="meetings-api-proxy-vote-cast"),
]
