"""A member's own pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ballots import selectors as ballot_selectors
from governance import selectors as governance_selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "memberships": governance_selectors.membership_list_for_person(person=user),
        "ballots": ballot_selectors.ballot_list_for_voter(user=user),
        "offices": governance_selectors.office_holding_list_for_person(person=user),
    }
    return render(request, "accounts/dashboard.html", context)
