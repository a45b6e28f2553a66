"""Example inputs quoted from the issues, shared by tests and benchmarks."""

from __future__ import annotations

# Issue 5, verbatim: this body must be accepted as is.
ISSUE_EXAMPLE_JSON = """
{"incident": {"type": "online_enticement", "occurred_at": "2026-11-20T10:00:00+08:00",
              "escalation_reason": null, "annotations": ["sextortion"]},
 "reported_accounts": [{"platform": "ExampleChat", "user_id": "u123", "screen_name": "abang_baik",
                        "emails": ["Abang.Baik+x@gmail.com"], "phones": ["012-345 6789"],
                        "ip_events": [{"ip": "81.2.69.160", "event": "login", "at": "2026-11-20T09:58:00+08:00"}]}],
 "victims": [{"age": 12}],
 "conversations": [{"messages": [{"author": "u123", "text": "umur berapa?", "sent_at": "2026-11-20T09:59:00+08:00"}]}],
 "urls": ["https://example.com/p/1"],
 "additional_info": "free text"}
"""  # noqa: E501 - kept exactly as written in the issue
