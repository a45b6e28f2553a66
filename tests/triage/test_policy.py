"""Each TRIAGE.md rule, on plain facts: the priority it sets and the reason an analyst reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from perisai.triage.policy import (
    AiFile,
    Facts,
    GroomingFacts,
    GroomingSignal,
    LinkFact,
    Priority,
    Reason,
    due_times,
    evaluate,
    warning_time,
)


def facts(**fields: object) -> Facts:
    base: dict[str, object] = {"public_id": "R-1", "incident_type": "child_pornography"}
    base.update(fields)
    return Facts(**base)  # type: ignore[arg-type]


def chat(
    *kinds: tuple[int, str, str], flagged: bool = True, stage: str | None = None
) -> GroomingFacts:
    signals = tuple(GroomingSignal(0, message, kind, st) for message, kind, st in kinds)
    return GroomingFacts(
        0, flagged, stage or (signals[-1].stage if signals else None), 0.9, signals
    )


def texts(result: tuple[Priority, list[Reason]]) -> list[str]:
    return [r.text for r in result[1]]


def test_reporter_escalation_is_p1_with_the_reporters_words() -> None:
    priority, reasons = evaluate(facts(escalation_reason="child in imminent danger", identifiers=1))
    assert priority is Priority.P1
    assert reasons[0].text == "P1: reporter escalation: child in imminent danger"


def test_meeting_request_is_p1_naming_the_message() -> None:
    grooming = chat((0, "age_probe", "access_rapport"), (13, "meeting_request", "approach"))
    priority, reasons = evaluate(facts(grooming=(grooming,)))
    assert priority is Priority.P1
    assert "P1: meeting request at message 14" in [r.text for r in reasons]


def test_sextortion_with_threats_is_p1_and_without_threats_p2() -> None:
    threat = chat((3, "threat", "approach"))
    with_threat = evaluate(facts(annotations=frozenset({"sextortion"}), grooming=(threat,)))
    assert with_threat[0] is Priority.P1
    assert "P1: sextortion with threats" in texts(with_threat)
    plain = evaluate(facts(annotations=frozenset({"sextortion"}), identifiers=1))
    assert plain[0] is Priority.P2
    assert "P2: sextortion reported" in texts(plain)


def test_sextortion_with_coercion_is_p1_like_a_threat() -> None:
    coercion = chat((5, "coercion", "approach"))
    with_coercion = evaluate(facts(annotations=frozenset({"sextortion"}), grooming=(coercion,)))
    assert with_coercion[0] is Priority.P1
    assert "P1: sextortion with threats" in texts(with_coercion)
    other = chat((5, "flattery", "trust"), flagged=False)
    without = evaluate(facts(annotations=frozenset({"sextortion"}), grooming=(other,)))
    assert "P1: sextortion with threats" not in texts(without)


def test_self_harm_words_in_english_and_malay_are_p1() -> None:
    for said in ("she said she wants to kill herself", "dia kata nak bunuh diri"):
        priority, reasons = evaluate(facts(texts=(said,), identifiers=1))
        assert priority is Priority.P1, said
        assert reasons[0].rule == "self_harm"


def test_new_material_of_an_identifiable_child_is_p1_else_p2() -> None:
    identifiable = evaluate(
        facts(
            files=1,
            file_annotations=frozenset({"possible_self_production"}),
            has_victim_details=True,
        )
    )
    assert identifiable[0] is Priority.P1
    assert identifiable[1][0].rule == "media.new_identifiable"
    unknown = evaluate(facts(files=2, files_known=1))
    assert unknown[0] is Priority.P2
    assert "P2: new material of unknown origin (1 file(s))" in texts(unknown)


def test_known_material_only_is_p3_and_a_young_child_raises_it_to_p2() -> None:
    known = evaluate(facts(files=2, files_known=2))
    assert known[0] is Priority.P3
    assert "P3: known material only (2 file(s))" in texts(known)
    young = evaluate(facts(files=2, files_known=2, victim_ages=(12,)))
    assert young[0] is Priority.P2
    assert "P2: victim stated age 12: raised from P3" in texts(young)
    classified = evaluate(facts(files=1, files_known=1, prepubescent_files=1))
    assert classified[0] is Priority.P2


def test_age_13_does_not_raise() -> None:
    assert evaluate(facts(files=1, files_known=1, victim_ages=(13,)))[0] is Priority.P3


FACE_SWAP = "victim identification must consider a face-swap of a real child"


def _ai_reason(result: tuple[Priority, list[Reason]]) -> Reason:
    (found,) = [r for r in result[1] if r.rule == "media.ai"]
    return found


@pytest.mark.parametrize(
    "ai",
    [
        AiFile("a.jpg", "signed", "Example AI signer"),
        AiFile("a.jpg", "claimed"),
        AiFile("a.jpg", "annotated"),
    ],
)
def test_ai_material_keeps_the_priority_of_new_material(ai: AiFile) -> None:
    """Never downgraded: AI material in no bank stays P2, with the face-swap reason at P2."""
    plain = evaluate(facts(files=1))
    generated = evaluate(
        facts(files=1, file_annotations=frozenset({"generative_ai"}), ai_files=(ai,))
    )
    assert generated[0] is plain[0] is Priority.P2
    reason = _ai_reason(generated)
    assert reason.priority is Priority.P2
    assert reason.text.startswith("P2: AI-generated material (") and FACE_SWAP in reason.text
    assert not any(r.rule == "media.ai" for r in plain[1])


def test_ai_reason_says_how_strong_the_evidence_is() -> None:
    files = (
        AiFile("gen.jpg", "signed", "Example AI signer"),
        AiFile("b.png", "claimed"),
        AiFile("c.jpg", "claimed"),
        AiFile("d.jpg", "annotated"),
    )
    text = _ai_reason(evaluate(facts(files=4, ai_files=files))).text
    assert "gen.jpg signed by Example AI signer, declares trained algorithmic media" in text
    assert "2 file(s) claimed only by metadata" in text
    assert "1 file(s) marked generative AI by the platform" in text


def test_ai_material_of_an_identifiable_child_stays_p1_and_known_ai_stays_p3() -> None:
    ongoing = facts(
        files=1,
        file_annotations=frozenset({"generative_ai", "possible_self_production"}),
        has_victim_details=True,
        ai_files=(AiFile("a.jpg", "annotated"),),
    )
    result = evaluate(ongoing)
    assert result[0] is Priority.P1
    assert _ai_reason(result).priority is Priority.P1
    known = evaluate(facts(files=1, files_known=1, ai_files=(AiFile("a.jpg", "claimed"),)))
    assert known[0] is Priority.P3 and _ai_reason(known).priority is Priority.P3


def test_grooming_at_risk_assessment_stage_and_solicitation_are_p2() -> None:
    grooming = chat((2, "secrecy", "exclusivity_isolation"))
    assert evaluate(facts(grooming=(grooming,)))[0] is Priority.P2
    assert evaluate(facts(annotations=frozenset({"csam_solicitation"})))[0] is Priority.P2
    early = chat((1, "flattery", "trust"))
    assert evaluate(facts(grooming=(early,)))[0] is Priority.P3
    quiet = chat((1, "flattery", "trust"), flagged=False)
    assert evaluate(facts(grooming=(quiet,)))[0] is Priority.P4


def test_suspect_link_raises_to_p2_and_media_link_alone_does_not() -> None:
    phone = LinkFact("R-OLD", "phone", "+60123456789")
    priority, reasons = evaluate(facts(links=(phone,), identifiers=1))
    assert priority is Priority.P2
    assert reasons[0].text == (
        "P2: suspect linked to earlier report: same phone +60123456789 as report R-OLD"
    )
    media = LinkFact("R-OLD", "sha256", "ab12…")
    assert evaluate(facts(links=(media,), files=1, files_known=1))[0] is Priority.P3


def test_link_to_open_p1_case_is_at_least_p2_even_by_media() -> None:
    link = LinkFact("R-OLD", "sha256", "ab12…", case_public_id="C-1", case_priority=Priority.P1)
    priority, reasons = evaluate(facts(links=(link,), files=1, files_known=1))
    assert priority is Priority.P2
    assert any("open P1 case C-1" in r.text for r in reasons)


def test_linkage_only_raises_never_lowers() -> None:
    link = LinkFact("R-OLD", "phone", "+60123456789")
    alone = evaluate(facts(escalation_reason="danger", identifiers=1))[0]
    linked = evaluate(facts(escalation_reason="danger", identifiers=1, links=(link,)))[0]
    assert linked is alone is Priority.P1


def test_information_only_is_p4_with_its_reasons() -> None:
    priority, reasons = evaluate(facts())
    assert priority is Priority.P4
    assert [r.rule for r in reasons] == ["no_identifiers"]
    dup = evaluate(facts(identifiers=1, duplicate_of="R-FIRST", jurisdiction="SG"))
    assert dup[0] is Priority.P4
    assert {"P4: duplicate of report R-FIRST", "P4: out of jurisdiction (SG)"} <= set(texts(dup))
    assert evaluate(facts(identifiers=1))[1][0].text == "P4: no child at risk identified"


def test_highest_priority_wins_and_reasons_are_sorted() -> None:
    priority, reasons = evaluate(
        facts(escalation_reason="now", files=1, files_known=1, jurisdiction="SG")
    )
    assert priority is Priority.P1
    assert [r.priority for r in reasons] == sorted(r.priority for r in reasons)
    assert len(reasons) == 3


@pytest.mark.parametrize(
    ("priority", "review", "action"),
    [
        (Priority.P1, timedelta(minutes=15), timedelta(hours=1)),
        (Priority.P2, timedelta(hours=4), timedelta(hours=24)),
        (Priority.P3, timedelta(hours=24), timedelta(hours=72)),
        (Priority.P4, timedelta(days=7), None),
    ],
)
def test_sla_due_times_start_at_intake(
    priority: Priority, review: timedelta, action: timedelta | None
) -> None:
    received = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    review_due, action_due = due_times(priority, received)
    assert review_due - received == review
    assert (action_due - received if action_due else None) == action
    assert warning_time(received, review_due) - received == review * 0.75


@pytest.mark.parametrize("text", ["P5", "", "high", "0", "P1.5"])
def test_priority_parse_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="P1, P2, P3 or P4"):
        Priority.parse(text)
    assert Priority.parse("p2") is Priority.P2
