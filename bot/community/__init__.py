"""The community's book: quotes members suggest from chat (the form checked), each checked
against its source page, reviewed by the community's moderators, and the approved ones
served in that community beside the shipped book.
"""

from __future__ import annotations

from bot.community.form import Form, FormProblems, checked, clean, command_for
from bot.community.review import (
    LABELS,
    Press,
    Review,
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
    "CHECK_EVERY",
    "LABELS",
    "CommunityBooks",
    "Form",
    "FormProblems",
    "Press",
    "Review",
    "Verified",
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
