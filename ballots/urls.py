from django.urls import path

from ballots import views, views_nominations

app_name = "ballots"
urlpatterns = [
    path("", views.ballot_list, name="list"),
    path("<int:ballot_id>/", views.ballot_vote, name="vote"),
    path("<int:ballot_id>/result/", views.ballot_result, name="result"),
    path("<int:ballot_id>/result/sheet.json", views.ballot_count_sheet_json, name="sheet-json"),
    path("<int:ballot_id>/result/papers/<int:question_id>.<str:fmt>", views.ballot_papers_download, name="papers"),
    path("<int:ballot_id>/receipt/", views.receipt_check, name="receipt-check"),
    path("<int:ballot_id>/nominations/", views_nominations.nominations, name="nominations"),
    path("<int:ballot_id>/declare/", views.ballot_declare, name="declare"),
]
