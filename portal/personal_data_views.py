"""A person's data: the download of everything held about them, and their
erasure (a page for themselves; API endpoints for themselves and for an
administrator). The views translate; ``portal.personal_data`` decides."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.error_codes import AccountErrorCode
from accounts.models import User
from core.api.errors import ERROR
from core.api.parsers import JSONParser
from core.errors import DomainError
from portal import personal_data


@never_cache
@require_GET
@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything held about the signed-in person, as a JSON download."""
    response = JsonResponse(personal_data.export(request.user), json_dumps_params={"indent": 2})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="agora-my-data-{stamp}.json"'
    return response


class EraseMeForm(forms.Form):
    password = forms.CharField(label="Your password, to confirm", widget=forms.PasswordInput, strip=False)


@never_cache
@login_required
def erase_me(request: HttpRequest) -> HttpResponse:
    """GET explains what erasure does; POST with the password erases the
    signed-in person and signs them out."""
    form = EraseMeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.erase(actor=request.user, person=request.user, password=form.cleaned_data["password"])
        except DomainError as exc:
            form.add_error("password" if exc.code == "password_wrong" else None, exc.message)
        else:
            logout(request)
            messages.success(request, "Your data has been erased. Ballot counts you were part of are unchanged.")
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/erase_me.html", {"form": form}, status=status)


class ErasedOutput(serializers.Serializer):
    erased = serializers.BooleanField()


class EraseMeApi(APIView):
    """The signed-in person erases their own data, re-confirming their password."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    class EraseMeInput(serializers.Serializer):
        password = serializers.CharField(trim_whitespace=False)

    @extend_schema(
        operation_id="personal_data_erase_me",
        summary="Erase my data",
        description="Erases the signed-in person's data in every app (what a ballot's integrity needs stays, naming "
        "no one) and closes the account. Audited as person_erased.",
        request=EraseMeInput,
        responses={200: ErasedOutput, 400: OpenApiResponse(ERROR, description="password_wrong"), 409: ERROR},
    )
    def post(self, request: Request) -> Response:
        data = self.EraseMeInput(data=request.data)
        data.is_valid(raise_exception=True)
        personal_data.erase(actor=request.user, person=request.user, password=data.validated_data["password"])
        return Response(ErasedOutput({"erased": True}).data)


class ErasePersonApi(APIView):
    """An administrator erases a person's data (audited)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="personal_data_erase_person",
        summary="Erase a person's data",
        description="For a national administrator. Audited as person_erased, naming the administrator.",
        request=None,
        responses={
            200: ErasedOutput,
            403: OpenApiResponse(ERROR, description="not_the_person, mfa_required, mfa_not_verified"),
            404: OpenApiResponse(ERROR, description="no such person"),
            409: ERROR,
        },
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = User.objects.filter(pk=person_id).first()
        if person is None:
            raise DomainError(AccountErrorCode.PERSON_NOT_FOUND, "No such person.", status=404)
        personal_data.erase(actor=request.user, person=person)
        return Response(ErasedOutput({"erased": True}).data)
