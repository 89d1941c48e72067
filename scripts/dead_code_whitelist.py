# ruff: noqa: B018 - a vulture whitelist is a list of bare attribute uses
"""Names vulture reports as unused that a framework, a template or a string uses.

Read by scripts/check_dead_code.py (vulture's whitelist format: each line uses
a name, so vulture counts it as used). Grouped by the module that defines the
name; the comment above each group says who uses it. Before adding a name,
check it really is used; an entry that no longer names anything fails the check.
"""

from unittest.mock import Mock

_ = Mock()

# Django finds the AppConfig subclass in each app's apps.py.
_.AccountsConfig  # accounts/apps.py
_.BallotsConfig  # ballots/apps.py
_.CoreConfig  # core/apps.py
_.GovernanceConfig  # governance/apps.py
_.MeetingsConfig  # meetings/apps.py

# manage.py runs the Command class of management/commands/<name>.py.
_.Command  # invite_members, recount, import_roll, seed_demo

# accounts/adapters.py: allauth: settings.ACCOUNT_ADAPTER names the adapter; allauth calls its hooks.
_.AccountAdapter
_.is_open_for_signup

# accounts/api/views.py: DRF throttle hooks, called by DRF's throttling.
_.get_rate
_.allow_request

# accounts/api/views.py: serializer fields: DRF reads the declared fields of a serializer class.
_.unit_name
_.national_admin
_.officer_of

# accounts/attention.py: dataclass field read in templates/accounts/dashboard.html.
_.meta

# accounts/selectors.py: set on each ballot of officer_overview, read in templates/accounts/dashboard.html.
_.next_step

# accounts/audit_sentences.py: dataclass fields read in templates/accounts/audit_log.html.
_.object_name
_.object_url

# accounts/authentication.py: DRF's TokenAuthentication.authenticate() calls it.
_.authenticate_credentials

# accounts/forms.py: allauth: settings.ACCOUNT_SIGNUP_FORM_CLASS names the form; allauth calls signup().
_.SupporterSignupForm
_.signup

# accounts/models.py: Django's documented custom-user manager API (create_user beside create_superuser); tests use it.
_.create_user

# accounts/models.py: model fields (AbstractUser's set to None, or read by the ORM, the admin and templates via strings).
_.username
_.first_name
_.last_name
_.invited_by
_.superseded_at
_.officers_require_mfa
_.returning_officers_require_mfa

# ballots/api/manage_views.py: serializer fields: DRF reads the declared fields of a serializer class.
_.reminder_hours

# ballots/api/verifiable_views.py: serializer fields: DRF reads the declared fields of a serializer class.
_.next_after

# ballots/api/manage_views.py: set on an object for a serializer field's source= to read.
_.option_labels

# ballots/counting/types.py: numpy: setting flags.writeable makes the array read-only.
_.writeable

# ballots/forms_manage.py: form fields: Django reads the declared fields of a form class.
_.returning_officer_email
_.reminder_hours
_.candidate_email

# ballots/models.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.declared_at
_.APPROVAL
_.idempotency_key_hash
_.counted_at

# ballots/services/lifecycle.py: model fields set here and saved with save(update_fields=[...]).
_.declared_at

# bench/_smtp_sink.py: aiosmtpd calls the handler's handle_DATA.
_.handle_DATA

# core/api/exception_handler.py: named in settings: REST_FRAMEWORK EXCEPTION_HANDLER and SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS.
_.api_exception_handler
_.document_error_responses

# core/api/exception_handler.py: arguments drf-spectacular passes to a postprocessing hook.
_.generator
_.public

# core/cache.py: settings.CACHES names the backend; Django calls the cache API methods; django-redis reads _ignore_exceptions.
_.FailoverRedisCache
_._ignore_exceptions
_.touch
_.get_many
_.set_many
_.delete_many
_.has_key
_.incr
_.decr

# core/forms.py: settings.FORM_RENDERER names it.
_.SiteFormRenderer

# core/middleware.py: settings.MIDDLEWARE names them.
_.ContentSecurityPolicyMiddleware
_.ApiErrorsAsJsonMiddleware
_.RequestBodyLimitMiddleware

# governance/middleware.py: settings.MIDDLEWARE names it; Django calls process_exception.
_.RequestMFAMiddleware
_.process_exception

# core/models.py: model fields read by the ORM, the admin and templates via strings.
_.last_error
_.sent_at

# governance/api/officer_views.py: set on an object for a serializer field's source= to read.
_.current_holders

# governance/api/serializers.py: serializer fields: DRF reads the declared fields of a serializer class.
_.governance_status
_.ballot_question
_.row_errors
_.finished_at

# governance/api/views.py: set on an object for a serializer field's source= to read.
_.current_holders
_.progress_data

# governance/forms.py: form fields: Django reads the declared fields of a form class.
_.confirm_email

# governance/models/bodies.py: model fields and choices: read by the ORM, forms and templates via strings, or stored values.
_.ALL_MEMBERS
_.APPOINTMENT
_.ballot_question

# governance/models/documents.py: model fields and choices: read by the ORM, forms and templates via strings, or stored values.
_.STANDING_ORDERS
_.recorded_by
_.recorded_at

# governance/models/roll.py: model fields read by the ORM, serializers and templates via strings.
_.finished_at

# governance/models/units.py: model fields and choices: read by the ORM, forms and templates via strings, or stored values.
_.governance_status
_.allows_supporter_signup
_.SUSPENDED
_.LEFT

# governance/selectors.py: set on each holding for templates/governance/body.html and unit.html.
_.seat_title

# governance/services/members.py: model fields set here and saved with save().
_.is_staff

# governance/services/roll_jobs.py: model fields set here and saved with save(update_fields=[...]).
_.finished_at

# meetings/api/discussion.py: serializer fields: DRF reads the declared fields of a serializer class.
_.reply_to
_.hidden
_.hidden_reason
_.edited_at
_.closed_reason

# meetings/api/discussion.py: DRF: a SerializerMethodField calls get_<field>.
_.get_text

# meetings/api/paper.py: serializer fields: DRF reads the declared fields of a serializer class.
_.confirmed
_.awaiting_check
_.matches

# meetings/api/proxies.py: serializer fields: DRF reads the declared fields of a serializer class.
_.deadline
_.holds_for
_.holder_email

# meetings/api/views.py: serializer fields: DRF reads the declared fields of a serializer class.
_.ruling_reason
_.outcome_note
_.submit
_.agenda
_.state_phrase

# meetings/api/views.py: DRF: a SerializerMethodField calls get_<field>.
_.get_seconders
_.get_state_phrase

# meetings/models/discussion.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.edited_at
_.hidden_by
_.hidden_reason

# meetings/models/meetings.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.created_by
_.notice_sent_at
_.ended_at
_.checked_in_by
_.checked_in_at

# meetings/models/minutes.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.approved_at
_.approved_at_meeting
_.created_by
_.met_at

# meetings/models/motions.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.ruling_reason
_.constitution_version
_.submitted_at
_.ruled_at
_.ruled_by
_.outcome_note
_.composited_into
_.referred_from
_.OFF
_.discussion_email

# meetings/models/paper.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.created_by
_.counted_at
_.entered_by
_.confirmed_by

# meetings/models/proxies.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.revoked_at

# meetings/models/speakers.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.INFORMATION
_.NOT_STATED
_.WOMAN
_.MAN
_.NON_BINARY
_.agenda_item
_.ended_at

# meetings/models/votes.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
_.agenda_item
_.opened_by
_.opened_at

# meetings/services/amendments.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.outcome_note
_.ruling_reason

# meetings/services/attendance.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.checked_in_by

# meetings/services/discussion.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.edited_at
_.hidden_by
_.hidden_reason

# meetings/services/meetings.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.notice_sent_at
_.ended_at

# meetings/services/minutes.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.approved_at
_.approved_at_meeting

# meetings/services/motions.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.submitted_at
_.ruling_reason
_.ruled_at
_.ruled_by
_.outcome_note
_.composited_into

# meetings/services/motions.py: motion compositing: a tested domain service not yet wired to a page or the API (kept on purpose).
_.motion_composite

# meetings/services/paper.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.confirmed_by
_.counted_at

# meetings/consumers.py: Channels calls a consumer's connect/disconnect, and the
# handler named by a group message's "type" ("room.state" -> room_state).
_.connect
_.disconnect
_.room_state

# meetings/services/proxies.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.revoked_at

# meetings/services/requisitions.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.met_at

# meetings/services/speakers.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
_.ended_at

# meetings/services/votes.py: operator repair, run from `manage.py shell` (its docstring); tests use it to re-read a decided vote.
_.meeting_vote_refresh

# meetings/views/motions.py: set on each amendment for templates/meetings/motion_detail.html.
_.thread_closed

# meetings/views/proxies.py: form fields: Django reads the declared fields of a form class.
_.delegate_email
_.holder_email

# accounts/mfa_forms.py: allauth loads it by name from settings.MFA_FORMS["reauthenticate"].
_.MFAReauthenticateForm

# accounts/models.py AccountLockout: fields written with create(...)/update(...) keywords and read in filters and the e-mail.
_.ends_at
_.lifted_at
_.lifted_by

# bench/browser_encrypt.py: http.server calls its handler's log_message (silenced there).
_.log_message

# meetings/models/meetings.py StandingOrdersVersion: fields written with create(...) and read by templates/meetings/standing_orders.html.
_.changed_by
_.changed_at

# meetings/models/meetings.py Meeting.held_at: read by templates (minutes draft, lists of past meetings, the papers).
_.held_at

# ballots/selectors_verifiable.py: ItalianRisk.exposed and Stage.keys_missing / decryptions_missing are read by
# templates/ballots/verifiable/ (the Italian-attack table, the dashboard and the trustee's page).
_.exposed
_.keys_missing
_.decryptions_missing
