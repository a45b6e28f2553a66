"""Which series a report counts in (pure)."""

from __future__ import annotations

from perisai.monitoring.series import FileFacts, ReportFacts, file_type_of, series_of


def facts(**overrides: object) -> ReportFacts:
    base: dict[str, object] = {
        "retracted": False,
        "reporter_kind": "apikey",
        "client_id": "apikey:3",
        "api_key_name": "ExampleChat",
        "incident_type": "online_enticement",
    }
    base.update(overrides)
    return ReportFacts(**base)  # type: ignore[arg-type]


def test_a_platform_report_without_files() -> None:
    assert series_of(facts(offence_codes=("SOA2017-s11", "SOA2017-s11", "PC-377E"))) == {
        "total": 1,
        "source:platform:ExampleChat": 1,
        "type:online_enticement": 1,
        "offence:PC-377E": 1,
        "offence:SOA2017-s11": 1,
        "state:unknown": 1,
        "state_from:none": 1,
    }


def test_sources_hotline_ncmec_and_other_imports() -> None:
    assert "source:hotline" in series_of(facts(reporter_kind="hotline", client_id="hotline"))
    assert "source:ncmec" in series_of(facts(reporter_kind="import", client_id="import:ncmec"))
    assert "source:import:inhope" in series_of(
        facts(reporter_kind="import", client_id="import:inhope")
    )


def test_state_from_jurisdiction_first_then_ip_city() -> None:
    by_form = series_of(facts(jurisdiction="MY-10", ip_places=(("MY", "Kuching"),)))
    assert by_form["state:MY-10"] == 1 and by_form["state_from:jurisdiction"] == 1
    by_ip = series_of(facts(jurisdiction="MY", ip_places=(("SG", None), ("MY", "Kuching"))))
    assert by_ip["state:MY-13"] == 1 and by_ip["state_from:ip"] == 1
    abroad = series_of(facts(jurisdiction="SG"))
    assert abroad["state:abroad"] == 1
    unknown_city = series_of(facts(ip_places=(("MY", "Somewhere Small"),)))
    assert unknown_city["state:unknown"] == 1 and unknown_city["state_from:none"] == 1


def test_files_count_per_file_and_ai_per_report() -> None:
    files = (
        FileFacts("image/jpeg", known=True),
        FileFacts("image/png", provenance_ai="claimed"),
        FileFacts("video/mp4", annotations=("generative_ai",)),
        FileFacts(None),
    )
    found = series_of(facts(files=files))
    assert found["filetype:image"] == 2
    assert found["filetype:video"] == 1
    assert found["filetype:unknown"] == 1
    assert found["media:known"] == 1 and found["media:new"] == 3
    assert found["ai:yes"] == 1 and "ai:no" not in found
    plain = series_of(facts(files=(FileFacts("image/jpeg", provenance_ai="no"),)))
    assert plain["ai:no"] == 1 and "ai:yes" not in plain


def test_a_retracted_report_counts_nowhere() -> None:
    assert series_of(facts(retracted=True, files=(FileFacts("image/jpeg"),))) == {}


def test_garbage_values_stay_printable_and_bounded() -> None:
    found = series_of(facts(api_key_name="Evil\nName\x00" + "x" * 500, incident_type="\t"))
    keys = list(found)
    assert all(key.isprintable() and len(key) <= 200 for key in keys)
    assert "type:unknown" in found


def test_file_types() -> None:
    assert file_type_of("application/pdf") == "document"
    assert file_type_of("audio/ogg") == "audio"
    assert file_type_of("application/zip") == "other"
