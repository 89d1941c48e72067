"""A trustee's upload to a ballot that does not exist is a 404 with a reason,
not a server error (found by the API fuzz)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"),
    [("trustee/key/", "public_key"), ("trustee/shuffle/", "shuffle"), ("trustee/decryption/", "partial_decryption")],
)
def test_an_upload_to_no_ballot_is_a_404(path: str, field: str) -> None:
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.post(f"/api/ballots/999999/verifiable/{path}", {field: "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "ballot_not_found"
