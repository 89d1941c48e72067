"""Objects vulture reports as unused that a framework, a template or a string uses.

Read by scripts/check_dead_code.py. Each entry names one object by its
module and qualified name (``"core/cache.py: FailoverRedisCache.touch"``; an
attribute set on an object inside a function is named by the attribute
alone), and excuses that object only: an unused function of the same name
in another module is still reported. Grouped with a comment above each group
saying who uses it. Before adding an entry, check it really is used; an
entry that no longer names unused code fails the check.
"""

WHITELIST = [
    # Django finds the AppConfig subclass in each app's apps.py.
    "accounts/apps.py: AccountsConfig",
    "ballots/apps.py: BallotsConfig",
    "core/apps.py: CoreConfig",
    "governance/apps.py: GovernanceConfig",
    "meetings/apps.py: MeetingsConfig",
    "portal/apps.py: PortalConfig",
    # manage.py runs the Command class of management/commands/<name>.py.
    "accounts/management/commands/invite_members.py: Command",
    "ballots/management/commands/publish_result_files.py: Command",
    "ballots/management/commands/recount.py: Command",
    "governance/management/commands/import_roll.py: Command",
    "portal/management/commands/seed_demo.py: Command",
    # accounts/adapters.py: allauth: settings.ACCOUNT_ADAPTER names the adapter; allauth calls its hooks.
    "accounts/adapters.py: AccountAdapter",
    "accounts/adapters.py: AccountAdapter.is_open_for_signup",
    # accounts/api/views.py: DRF throttle hooks, called by DRF's throttling.
    "accounts/api/views.py: TokenAccountThrottle.get_rate",
    "accounts/api/views.py: TokenObtainThrottle.get_rate",
    "core/api/throttling.py: PageRateThrottle.get_rate",
    "meetings/throttling.py: CheckInRateThrottle.get_rate",
    # accounts/api/views.py: serializer fields: DRF reads the declared fields of a serializer class.
    "accounts/api/views.py: MeApi.MeMembershipOutput.unit_name",
    "accounts/api/views.py: MeApi.MeOutput.national_admin",
    "accounts/api/views.py: MeApi.MeOutput.officer_of",
    # accounts/attention.py: dataclass field read in templates/accounts/dashboard.html.
    # accounts/selectors.py: set on each ballot of officer_overview, read in templates/accounts/dashboard.html.
    "accounts/selectors.py: next_step",
    # accounts/audit_sentences.py: dataclass fields read in templates/accounts/audit_log.html.
    "accounts/audit_sentences.py: AuditLine.object_name",
    "accounts/audit_sentences.py: AuditLine.object_url",
    # accounts/authentication.py: DRF's TokenAuthentication.authenticate() calls it.
    "accounts/authentication.py: TokenAuthentication.authenticate_credentials",
    # accounts/forms.py: allauth: settings.ACCOUNT_SIGNUP_FORM_CLASS names the form; allauth calls signup().
    "accounts/forms.py: SupporterSignupForm",
    "accounts/forms.py: SupporterSignupForm.signup",
    # accounts/models.py: Django's documented custom-user manager API (create_user beside create_superuser); tests use it.
    # accounts/models.py: model fields (AbstractUser's set to None, or read by the ORM, the admin and templates via strings).
    "accounts/models.py: Invitation.invited_by",
    "accounts/models.py: Invitation.superseded_at",
    "accounts/models.py: UnitAccessPolicy.officers_require_mfa",
    "accounts/models.py: UnitAccessPolicy.returning_officers_require_mfa",
    "accounts/models.py: User.first_name",
    "accounts/models.py: User.last_name",
    "accounts/models.py: User.username",
    # ballots/api/manage_views.py: serializer fields: DRF reads the declared fields of a serializer class.
    "ballots/api/manage_views.py: BallotCreateApi.BallotCreateInput.reminder_hours",
    # ballots/api/verifiable_views.py: serializer fields: DRF reads the declared fields of a serializer class.
    "ballots/api/verifiable_views.py: VerifiableBoxApi.VerifiableBoxOutput.next_after",
    # ballots/api/manage_views.py: set on an object for a serializer field's source= to read.
    "ballots/api/manage_views.py: QuestionAddApi.option_labels",
    # ballots/counting/types.py: numpy: setting flags.writeable makes the array read-only.
    "ballots/counting/types.py: BallotArray.writeable",
    # ballots/forms_manage.py: form fields: Django reads the declared fields of a form class.
    "ballots/forms_manage.py: BallotForm.reminder_hours",
    "ballots/forms_manage.py: BallotForm.returning_officer_email",
    "ballots/forms_manage.py: OptionForm.candidate_email",
    # ballots/models.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "ballots/models.py: Ballot.declared_at",
    "ballots/models.py: Participation.idempotency_key_hash",
    "ballots/models.py: Question.Method.APPROVAL",
    "ballots/models.py: Result.counted_at",
    # ballots/services/lifecycle.py: model fields set here and saved with save(update_fields=[...]).
    "ballots/services/lifecycle.py: declared_at",
    # bench/_smtp_sink.py: aiosmtpd calls the handler's handle_DATA.
    "bench/_smtp_sink.py: Counter.handle_DATA",
    # core/api/exception_handler.py: named in settings: REST_FRAMEWORK EXCEPTION_HANDLER and SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS.
    "core/api/exception_handler.py: api_exception_handler",
    "core/api/exception_handler.py: document_error_responses",
    # core/api/exception_handler.py: arguments drf-spectacular passes to a postprocessing hook.
    "core/api/exception_handler.py: generator",
    # core/cache.py: settings.CACHES names the backend; Django calls the cache API methods.
    "core/cache.py: FailoverRedisCache",
    "core/cache.py: FailoverRedisCache.decr",
    "core/cache.py: FailoverRedisCache.get_many",
    "core/cache.py: FailoverRedisCache.has_key",
    "core/cache.py: FailoverRedisCache.set_many",
    "core/cache.py: FailoverRedisCache.touch",
    # core/forms.py: settings.FORM_RENDERER names it.
    "core/forms.py: SiteFormRenderer",
    # core/middleware.py: settings.MIDDLEWARE names them.
    "core/middleware.py: ApiErrorsAsJsonMiddleware",
    "core/middleware.py: RequestBodyLimitMiddleware",
    # ...and Django calls its process_exception with a view's exception.
    "core/middleware.py: DatabaseBusyMiddleware",
    "core/middleware.py: DatabaseBusyMiddleware.process_exception",
    # governance/middleware.py: settings.MIDDLEWARE names it; Django calls process_exception.
    "governance/middleware.py: RequestMFAMiddleware",
    "governance/middleware.py: RequestMFAMiddleware.process_exception",
    # core/models.py: model fields read by the ORM, the admin and templates via strings.
    "core/models.py: OutboxEmail.last_error",
    # governance/api/officer_views.py: set on an object for a serializer field's source= to read.
    "governance/api/officer_views.py: current_holders",
    # governance/api/serializers.py: serializer fields: DRF reads the declared fields of a serializer class.
    "governance/api/serializers.py: HoldingOutput.ballot_question",
    "governance/api/serializers.py: RollImportOutput.finished_at",
    "governance/api/serializers.py: RollImportOutput.row_errors",
    "governance/api/serializers.py: UnitOutput.governance_status",
    # governance/api/views.py: set on an object for a serializer field's source= to read.
    "governance/api/views.py: OfficeListApi.current_holders",
    "governance/api/views.py: progress_data",
    # governance/forms.py: form fields: Django reads the declared fields of a form class.
    # governance/models/bodies.py: model fields and choices: read by the ORM, forms and templates via strings, or stored values.
    "governance/models/bodies.py: Body.Kind.ALL_MEMBERS",
    "governance/models/bodies.py: Holding.ballot_question",
    "governance/models/bodies.py: Office.FilledBy.APPOINTMENT",
    # governance/models/documents.py: model fields and choices: read by the ORM, forms and templates via strings, or stored values.
    "governance/models/documents.py: DocumentVersion.recorded_at",
    "governance/models/documents.py: DocumentVersion.recorded_by",
    "governance/models/documents.py: GoverningDocument.Kind.STANDING_ORDERS",
    # governance/models/roll.py: model fields read by the ORM, serializers and templates via strings.
    "governance/models/roll.py: RollImport.finished_at",
    # governance/models/units.py: model fields and choices: read by the ORM, forms and templates via strings, or stored values.
    "governance/models/units.py: Membership.Status.LEFT",
    "governance/models/units.py: Membership.Status.SUSPENDED",
    "governance/models/units.py: Unit.allows_supporter_signup",
    "governance/models/units.py: Unit.governance_status",
    # governance/selectors.py: set on each holding for templates/governance/body.html and unit.html.
    "governance/selectors.py: seat_title",
    # governance/services/members.py: model fields set here and saved with save().
    # governance/services/roll_jobs.py: model fields set here and saved with save(update_fields=[...]).
    "governance/services/roll_jobs.py: finished_at",
    # meetings/api/discussion.py: serializer fields: DRF reads the declared fields of a serializer class.
    "meetings/api/discussion.py: DiscussionListApi.DiscussionPostInput.reply_to",
    "meetings/api/discussion.py: DiscussionOutput.closed_reason",
    "meetings/api/discussion.py: DiscussionPostOutput.edited_at",
    "meetings/api/discussion.py: DiscussionPostOutput.hidden",
    "meetings/api/discussion.py: DiscussionPostOutput.hidden_reason",
    "meetings/api/discussion.py: DiscussionPostOutput.reply_to",
    # meetings/api/discussion.py: DRF: a SerializerMethodField calls get_<field>.
    "meetings/api/discussion.py: DiscussionPostOutput.get_text",
    # meetings/api/paper.py: serializer fields: DRF reads the declared fields of a serializer class.
    "meetings/api/paper.py: PaperCountOutput.awaiting_check",
    "meetings/api/paper.py: PaperCountOutput.confirmed",
    "meetings/api/paper.py: PaperEntryCheckApi.CheckInput.matches",
    # meetings/api/forwarding.py: serializer fields: DRF reads the declared fields of a serializer class.
    "meetings/api/forwarding.py: ForwardingOutput.from_unit",
    "meetings/api/forwarding.py: ForwardingOutput.to_unit",
    "meetings/api/forwarding.py: ForwardingOutput.forwarded_at",
    "meetings/api/forwarding.py: ForwardingOutput.text_as_carried",
    "meetings/api/forwarding.py: ForwardingOutput.outcome_as_carried",
    "meetings/api/forwarding.py: MotionForwardingOutput.forwarded_from",
    "meetings/api/forwarding.py: MotionForwardingOutput.forwarded_to",
    # meetings/api/forwarding.py: DRF: a SerializerMethodField calls get_<field>.
    "meetings/api/forwarding.py: ForwardingOutput.get_seconders",
    # meetings/forms.py: Django's ModelMultipleChoiceField calls label_from_instance for each choice's label.
    "meetings/forms.py: CompositeForm.label_from_instance",
    # meetings/api/proxies.py: serializer fields: DRF reads the declared fields of a serializer class.
    "meetings/api/proxies.py: ProxyOutput.deadline",
    "meetings/api/proxies.py: ProxyOutput.holds_for",
    # meetings/api/views.py: serializer fields: DRF reads the declared fields of a serializer class.
    "meetings/api/views.py: AmendmentOutput.diff_html",
    "meetings/api/views.py: MeetingOutput.agenda",
    "meetings/api/views.py: MotionOutput.ruling_reason",
    "meetings/api/views.py: MotionOutput.state_phrase",
    # meetings/api/views.py: DRF: a SerializerMethodField calls get_<field>.
    "meetings/api/views.py: AmendmentOutput.get_diff_html",
    "meetings/api/views.py: MotionOutput.get_paragraphs",
    "meetings/api/views.py: MotionOutput.get_seconders",
    "meetings/api/views.py: MotionOutput.get_state_phrase",
    # meetings/models/discussion.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "meetings/models/discussion.py: DiscussionPost.edited_at",
    "meetings/models/discussion.py: DiscussionPost.hidden_by",
    "meetings/models/discussion.py: DiscussionPost.hidden_reason",
    # meetings/models/forwarding.py: model fields: read by the ORM, templates and serializers via strings.
    "meetings/models/forwarding.py: MotionForwarding.forwarded_by",
    "meetings/models/forwarding.py: MotionForwarding.forwarded_at",
    "meetings/models/forwarding.py: MotionForwarding.text_as_carried",
    "meetings/models/forwarding.py: MotionForwarding.outcome_as_carried",
    "meetings/models/forwarding.py: MotionForwarding.carried_at",
    # meetings/models/meetings.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "meetings/models/meetings.py: Attendance.checked_in_by",
    "meetings/models/meetings.py: Meeting.created_by",
    "meetings/models/meetings.py: Meeting.ended_at",
    "meetings/models/meetings.py: Meeting.notice_sent_at",
    # meetings/models/minutes.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "meetings/models/minutes.py: Minutes.approved_at",
    "meetings/models/minutes.py: Minutes.approved_at_meeting",
    "meetings/models/minutes.py: Requisition.created_by",
    "meetings/models/minutes.py: Requisition.met_at",
    # meetings/models/motions.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "meetings/models/motions.py: Amendment.ruling_reason",
    "meetings/models/motions.py: Motion.composited_into",
    "meetings/models/motions.py: Motion.constitution_version",
    "meetings/models/motions.py: Motion.referred_from",
    "meetings/models/motions.py: Motion.ruled_at",
    "meetings/models/motions.py: Motion.ruled_by",
    "meetings/models/motions.py: Motion.ruling_reason",
    "meetings/models/motions.py: Motion.submitted_at",
    "meetings/models/motions.py: MotionFollow.DiscussionEmail.OFF",
    # meetings/models/paper.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "meetings/models/paper.py: PaperCount.counted_at",
    "meetings/models/paper.py: PaperCount.created_by",
    "meetings/models/paper.py: PaperEntry.confirmed_by",
    "meetings/models/paper.py: PaperEntry.entered_by",
    # meetings/models/proxies.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    # meetings/models/speakers.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "meetings/models/speakers.py: SpeakerRequest.Gender.MAN",
    "meetings/models/speakers.py: SpeakerRequest.Gender.NON_BINARY",
    "meetings/models/speakers.py: SpeakerRequest.Gender.WOMAN",
    "meetings/models/speakers.py: SpeakerRequest.Kind.INFORMATION",
    "meetings/models/speakers.py: SpeakerRequest.agenda_item",
    "meetings/models/speakers.py: SpeakerRequest.ended_at",
    # meetings/models/votes.py: model fields and choices: read by the ORM, forms, serializers and templates via strings, or stored values.
    "meetings/models/votes.py: MeetingVote.agenda_item",
    "meetings/models/votes.py: MeetingVote.opened_at",
    "meetings/models/votes.py: MeetingVote.opened_by",
    # meetings/services/amendments.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/amendments.py: ruling_reason",
    # meetings/services/attendance.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/attendance.py: checked_in_by",
    # meetings/services/discussion.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/discussion.py: edited_at",
    "meetings/services/discussion.py: hidden_by",
    "meetings/services/discussion.py: hidden_reason",
    # meetings/services/meetings.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/meetings.py: ended_at",
    "meetings/services/meetings.py: notice_sent_at",
    # meetings/services/minutes.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/minutes.py: approved_at",
    "meetings/services/minutes.py: approved_at_meeting",
    # meetings/services/motions.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/motions.py: composited_into",
    "meetings/services/motions.py: ruled_at",
    "meetings/services/motions.py: ruled_by",
    "meetings/services/motions.py: ruling_reason",
    "meetings/services/motions.py: submitted_at",
    # meetings/services/paper.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/paper.py: confirmed_by",
    "meetings/services/paper.py: counted_at",
    # meetings/consumers.py: Channels calls a consumer's connect/disconnect, and the
    # handler named by a group message's "type" ("room.state" -> room_state).
    "meetings/consumers.py: MeetingConsumer.disconnect",
    "meetings/consumers.py: MeetingConsumer.room_state",
    # meetings/services/proxies.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    # meetings/services/requisitions.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/requisitions.py: met_at",
    # meetings/services/speakers.py: model fields set here and saved with save(update_fields=[...]); read in templates and serializers.
    "meetings/services/speakers.py: ended_at",
    # meetings/services/votes.py: operator repair, run from `manage.py shell` (its docstring); tests use it to re-read a decided vote.
    "meetings/services/votes.py: meeting_vote_refresh",
    # meetings/views/motions.py: set on each amendment for templates/meetings/motion_detail.html.
    "meetings/views/motions.py: thread_closed",
    # meetings/views/proxies.py: form fields: Django reads the declared fields of a form class.
    "meetings/views/proxies.py: DelegateForm.delegate_email",
    # accounts/mfa_forms.py: allauth loads it by name from settings.MFA_FORMS["reauthenticate"].
    "accounts/mfa_forms.py: MFAReauthenticateForm",
    # accounts/models.py AccountLockout: fields written with create(...)/update(...) keywords and read in filters and the e-mail.
    "accounts/models.py: AccountLockout.ends_at",
    "accounts/models.py: AccountLockout.lifted_at",
    "accounts/models.py: AccountLockout.lifted_by",
    # bench/browser_encrypt.py: http.server calls its handler's log_message (silenced there).
    "bench/browser_encrypt.py: QuietHandler.log_message",
    # meetings/models/meetings.py StandingOrdersVersion: fields written with create(...) and read by templates/meetings/standing_orders.html.
    "meetings/models/meetings.py: StandingOrdersVersion.changed_at",
    "meetings/models/meetings.py: StandingOrdersVersion.changed_by",
    # meetings/models/meetings.py Meeting.held_at: read by templates (minutes draft, lists of past meetings, the papers).
    "meetings/models/meetings.py: Meeting.held_at",
    # DRF dispatches a request to the view's method handler by the HTTP method's name.
    "accounts/api/views.py: MeApi.patch",
    "governance/api/officer_views.py: BodyUpdateApi.patch",
    "governance/api/officer_views.py: OfficeUpdateApi.patch",
    "meetings/api/discussion.py: DiscussionPostApi.patch",
    # accounts/personal_data.py: the erased account's flags, set and saved with save().
    "accounts/personal_data.py: is_staff",
    # accounts/selectors.py: a person's e-mail log as plain data (their own, for tools and tests).
    "accounts/selectors.py: emails_sent_to",
    # accounts/services.py: core.emails builds each e-mail's unsubscribe link with the function named in settings.OUTBOX_UNSUBSCRIBE_LINK.
    "accounts/services.py: unsubscribe_link",
    # ballots/selectors_verifiable.py: read by templates/ballots/verifiable/ (the Italian-attack table, the dashboard and the trustee's page).
    "ballots/selectors_verifiable.py: ItalianRisk.exposed",
    "ballots/selectors_verifiable.py: Stage.keys_missing",
    "ballots/selectors_verifiable.py: Stage.decryptions_missing",
    "ballots/selectors_verifiable.py: Stage.decryptions_wanted",
    "ballots/selectors_verifiable.py: Stage.blocking",
    # ballots/forms_manage.py: Django renders a widget with its class's template_name; a form field read by clean_candidate_name.
    "ballots/forms_manage.py: MemberNameInput.template_name",
    "ballots/forms_manage.py: OptionForm.candidate_name",
    # ballots/verifiable/threshold.py: the trustee's side of a threshold decryption runs on the trustee's device
    # (belenios-tool's decrypt-threshold, or the browser); this reference is what the tests check both against.
    "ballots/verifiable/threshold.py: threshold_partial_decryption",
    # core/api/summaries.py: drf-spectacular calls the hooks named in SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"], with these arguments.
    "core/api/summaries.py: fill_summaries",
    "core/api/summaries.py: generator",
    # core/middleware.py: settings.MIDDLEWARE names it.
    "core/middleware.py: PermissionsPolicyMiddleware",
    # governance/api/filters.py: django-filter reads a FilterSet's declared filters, and calls a filter's method by the name given in method="…".
    "governance/api/filters.py: UnitFilter.governance_status",
    "governance/api/filters.py: OfficeFilter.vacant_later",
    "governance/api/filters.py: HoldingFilter.of_unit",
    # portal/personal_data.py: the declarations every app makes, read by the walk in tests/portal/test_personal_data.py.
    "portal/personal_data.py: erased_references",
    "portal/personal_data.py: kept_references",
    "portal/personal_data.py: text_kept",
    # portal/personal_data_views.py: serializer field: DRF reads the declared fields of a serializer class.
    "portal/personal_data_views.py: ErasedOutput.erased",
]
