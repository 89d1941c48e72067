"""The form renderer: every Django form on the site renders through the
design system's templates, so a label, a hint, an error and an input look
and behave the same everywhere (and errors are announced and linked)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    """Django's template-based renderer with the site's form and field
    templates. ``TemplatesSetting`` looks in the project's templates first,
    which is where the Bootstrap-classed widget templates live."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
