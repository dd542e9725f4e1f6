"""The community's book: quotes members suggest from chat (the form checked), each checked
against its source page, reviewed by the community's moderators, and the approved ones
served in that community beside the shipped book.
"""

from __future__ import annotations

from bot.community.form import Form, FormProblems, checked, clean, command_for
from bot.community.review import (
    ALREADY,
    GONE,
    LABELS,
    NEEDS_REVIEWER,
    NOT_A_MODERATOR,
    PUBLISH_USAGE,
    PUBLISHED,
    QUEUE_EMPTY,
    RECEIPT,
    REVIEW_CHANNEL_SET,
    SUGGESTED_BY,
    TOLD_APPROVED,
    TOLD_REJECTED,
    UNPUBLISHED,
    Press,
    Review,
    apply_edit,
    decision_line,
    read_press,
    refusal,
    review_id,
    verbs_for,
    verification_line,
)
from bot.community.served import CHECK_EVERY, CommunityBooks, quote_of, with_approved
from bot.community.verification import Verified, detail_of, verify

__all__ = [
    "ALREADY",
    "CHECK_EVERY",
    "GONE",
    "LABELS",
    "NEEDS_REVIEWER",
    "NOT_A_MODERATOR",
    "PUBLISHED",
    "PUBLISH_USAGE",
    "QUEUE_EMPTY",
    "RECEIPT",
    "REVIEW_CHANNEL_SET",
    "SUGGESTED_BY",
    "TOLD_APPROVED",
    "TOLD_REJECTED",
    "UNPUBLISHED",
    "CommunityBooks",
    "Form",
    "FormProblems",
    "Press",
    "Review",
    "Verified",
    "apply_edit",
    "checked",
    "clean",
    "command_for",
    "decision_line",
    "detail_of",
    "quote_of",
    "read_press",
    "refusal",
    "review_id",
    "verbs_for",
    "verification_line",
    "verify",
    "with_approved",
]
