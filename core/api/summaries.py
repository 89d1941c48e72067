"""A one-line summary for each API operation that does not give its own.

The API's reference (``/api/docs/``) lists operations by their summary; one
without is listed by its path alone. An operation's own ``extend_schema(
summary=...)`` wins; this table covers the rest, keyed by operation id, so
that a summary can be given without touching a view. A test walks the
generated schema and fails on any operation left without one
(``tests/config/test_api_summaries.py``).
"""

from __future__ import annotations

from typing import Any

SUMMARIES: dict[str, str] = {
    # ballots
    "ballots_list": "Ballots I can see",
    "ballots_retrieve": "A ballot with its questions and options",
    "ballots_create_create": "Create a draft ballot",
    "ballots_cancel_create": "Cancel a ballot, with the reason",
    "ballots_reopen_create": "Re-open a cancelled poll, with the reason",
    "ballots_schedule_create": "Schedule a draft ballot (or open nominations)",
    "ballots_questions_create": "Add a motion or an election to a ballot",
    "ballots_questions_options_create": "Put a candidate or RON on an election",
    "ballots_votes_create": "Cast a secret vote",
    "ballots_receipt_email_create": "E-mail my receipt to myself",
    "ballots_result_retrieve": "A declared result",
    "ballots_verifiable_enable_create": "Make a ballot verifiable (trustees, credentials)",
    "ballots_verifiable_election.json_retrieve": "The verifiable election's parameters (election.json)",
    "ballots_verifiable_ballots_create": "Put an encrypted ballot in the box",
    "ballots_verifiable_box_retrieve": "The trackers of the accepted ballots",
    "ballots_verifiable_board.bel_retrieve": "The public board, for belenios-tool",
    "ballots_verifiable_shuffles_end_create": "End the shuffles and start the decryptions",
    "ballots_verifiable_trustee_key_create": "Trustee: upload my public key",
    "ballots_verifiable_trustee_shuffle_create": "Trustee: upload my shuffle",
    "ballots_verifiable_trustee_decryption_create": "Trustee: upload my partial decryption",
    "ballots_verifiable_ceremony_retrieve": "The threshold key ceremony's stage and my next step",
    "ballots_verifiable_ceremony_restart_create": "Restart the key ceremony from the polynomials",
    "ballots_verifiable_trustee_certificate_create": "Trustee: upload my certificate (ceremony step 1)",
    "ballots_verifiable_trustee_polynomial_create": "Trustee: upload my polynomial (ceremony step 2)",
    "ballots_verifiable_trustee_voutput_create": "Trustee: upload my verification key and sealed share (step 3)",
    # governance
    "governance_units_list": "Units of the network",
    "governance_units_retrieve": "A unit with its offices and bodies",
    "governance_units_memberships_list": "A unit's roll (its officers only)",
    "governance_units_roll_imports_create": "Upload a roll CSV to import",
    "governance_roll_imports_retrieve": "A roll import's progress and report",
    "governance_units_offices_create": "Set up an office in a unit",
    "governance_units_bodies_create": "Set up a body in a unit",
    "governance_units_documents_create": "Create a unit's constitution or standing orders",
    "governance_documents_versions_create": "Adopt a document's next version",
    "governance_offices_list": "Offices, with their holders and vacancies",
    "governance_offices_partial_update": "Change an office",
    "governance_offices_holdings_create": "Appoint a member to an office",
    "governance_bodies_list": "Bodies, with their mandates",
    "governance_bodies_partial_update": "Change a body",
    "governance_bodies_end_mandate_create": "End a body's mandate",
    "governance_bodies_holdings_create": "Appoint a member to a seat on a body",
    "governance_holdings_list": "Who has held what, on whose authority",
    "governance_holdings_end_create": "End a term of office",
    # meetings
    "meetings_list": "Meetings I can see",
    "meetings_retrieve": "A meeting with its agenda",
    "meetings_agenda_create": "Add an item to a meeting's agenda",
    "meetings_attendance_retrieve": "Who is present, against the quorum",
    "meetings_check_in_create": "Check in to a meeting with the room code",
    "meetings_proxy_retrieve": "My proxy for a meeting, and those I hold",
    "meetings_proxy_create": "Appoint my proxy for a meeting",
    "meetings_proxy_destroy": "Withdraw my proxy for a meeting",
    "meetings_motions_list": "Motions I can see",
    "meetings_motions_create": "Draft a motion",
    "meetings_motions_retrieve": "A motion with its seconders and amendments",
    "meetings_motions_second_create": "Second a motion",
    "meetings_motions_rule_create": "Rule a motion in or out of order",
    "meetings_motions_forward_retrieve": "Where a motion was forwarded from and to, and where it may go",
    "meetings_motions_forward_create": "Forward a carried motion to a higher body's meeting",
    "meetings_motions_amendments_list": "A motion's amendments",
    "meetings_motions_amendments_create": "Propose an amendment to a motion",
    "meetings_amendments_second_create": "Second an amendment",
    "meetings_motions_discussion_retrieve": "A motion's discussion, oldest first",
    "meetings_motions_discussion_create": "Post to a motion's discussion",
    "meetings_discussion_partial_update": "Edit my post, within the edit window",
    "meetings_discussion_hide_create": "Hide a post, with the reason",
    "meetings_votes_right_retrieve": "Whether I may vote in a meeting vote now",
    "meetings_votes_cast_create": "Cast my vote in a meeting vote",
    "meetings_votes_proxy_cast_create": "Cast a vote for one principal I hold a proxy for",
    "meetings_paper_retrieve": "A meeting's paper ballot, for its officers",
    "meetings_paper_papers_create": "Enter one paper ballot",
    "meetings_paper_entries_check_create": "Confirm or reject an entered paper",
    "meetings_paper_count_create": "Count the confirmed papers",
}


def fill_summaries(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: each operation with no summary
    of its own gets its line from ``SUMMARIES``."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and not operation.get("summary"):
                summary = SUMMARIES.get(operation.get("operationId", ""))
                if summary:
                    operation["summary"] = summary
    return result
