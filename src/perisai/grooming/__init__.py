"""Grooming-risk engine: explainable, stage-aware detection in English, Malay and Manglish chats.

A pure library (no database or web imports). Typical use::

    scorer = GroomingScorer.load()
    assessment = scorer.score(conversation)          # whole conversation
    stream = scorer.stream("chat-42", hints)         # or one message at a time
    assessment = stream.feed(Message("u1", "hi"))
"""

from perisai.grooming.models import (
    MAX_AUTHOR_CHARS,
    MAX_CONVERSATIONS_PER_FILE,
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES_PER_CONVERSATION,
    Assessment,
    AuthorHint,
    Conversation,
    GroomingInputError,
    Message,
    Signal,
)
from perisai.grooming.scorer import ConversationStream, GroomingScorer, default_scorer
from perisai.grooming.serialise import assessment_to_dict, conversation_from_dict
from perisai.grooming.taxonomy import KINDS, STAGES
from perisai.grooming.timing import ContactTiming, contact_timing

__all__ = [
    "KINDS",
    "MAX_AUTHOR_CHARS",
    "MAX_CONVERSATIONS_PER_FILE",
    "MAX_MESSAGES_PER_CONVERSATION",
    "MAX_MESSAGE_CHARS",
    "STAGES",
    "Assessment",
    "AuthorHint",
    "ContactTiming",
    "Conversation",
    "ConversationStream",
    "GroomingInputError",
    "GroomingScorer",
    "Message",
    "Signal",
    "assessment_to_dict",
    "contact_timing",
    "conversation_from_dict",
    "default_scorer",
]
