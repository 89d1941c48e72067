"""The design system's plumbing: forms render through the site's templates
(error summary linking to fields, labelled inputs with component classes),
every page carries the stylesheet and favicon, API docs are served locally."""

from __future__ import annotations

import json
import re

import pytest
from django import forms
from django.test import Client


class _Example(forms.Form):
    title = forms.CharField(label="Title", max_length=10, help_text="A short name.")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree")


def test_a_refused_form_has_an_error_summary_linking_to_each_field() -> None:
    form = _Example(data={"title": "far too long a title", "kind": "z"})
    html = str(form)
    summary = html[: html.index("</div>")]
    assert "There is a problem" in summary and 'role="alert"' in summary
    for field_id, label in (("id_title", "Title"), ("id_kind_0", "Kind"), ("id_agree", "I agree")):
        assert f'href="#{field_id}"' in summary and label in summary, field_id
    assert re.search(r'<input type="text" name="title" class="form-control"[^>]*aria-invalid="true"', html)
    assert '<label class="form-label" for="id_title">Title</label>' in html
    assert 'class="form-check-input"' in html and "<legend" in html  # radios in a fieldset with a legend
    assert 'value="far too long a title"' in html  # what was typed is kept


def test_a_clean_form_has_no_error_summary() -> None:
    assert "There is a problem" not in str(_Example())


@pytest.mark.django_db
def test_pages_carry_the_design_system_and_a_favicon(client: Client) -> None:
    page = client.get("/").content.decode()
    for asset in ("vendor/bootstrap/bootstrap.min.css", "css/site.css", "img/favicon.svg"):
        assert asset in page, asset
    assert 'href="/api/docs/"' in page


@pytest.mark.django_db
def test_api_docs_and_json_schema_are_served_without_a_cdn(client: Client) -> None:
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "an asset from another origin"
    schema = client.get("/api/schema.json")
    assert schema.status_code == 200 and json.loads(schema.content)["info"]["title"] == "Agora API"


@pytest.mark.django_db
def test_not_found_is_the_sites_own_page(client: Client, settings) -> None:
    settings.DEBUG = False
    page = client.get("/no/such/page/")
    assert page.status_code == 404
    assert b"Page not found" in page.content and b"bootstrap.min.css" in page.content
