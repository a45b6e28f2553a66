"""Every sample export parses to the messages a person sees, with system lines left out."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from perisai.chats import FORMATS, ChatFormatError, ParsedChat, parse_chat, parse_chat_text

DATA = Path(__file__).resolve().parents[1] / "data" / "chats"
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
# Words of the system lines and placeholders the samples hold; none may survive parsing.
LEFT_OUT = (
    "end-to-end",
    "disulitkan",
    "Kod keselamatan",
    "Media",
    "omitted",
    "attached",
    "deleted",
    "dipadam",
    "joined",
    "created group",
    "added",
    "Liked a message",
    "sent an attachment",
    "started a video chat",
    "Pinned a message",
    "edited",
)


def parsed(name: str) -> ParsedChat:
    return parse_chat((DATA / name).read_bytes(), name=name)


def test_every_sample_is_described_in_the_readme() -> None:
    readme = (DATA / "README.md").read_text()
    samples = sorted(p.name for p in DATA.iterdir() if p.name != "README.md")
    assert len(samples) >= 12
    for name in samples:
        assert name in readme, name


@pytest.mark.parametrize(
    "name", sorted(p.name for p in DATA.iterdir() if p.name != "README.md"), ids=str
)
def test_nothing_of_the_exporters_bookkeeping_survives(name: str) -> None:
    chat = parsed(name)
    assert chat.format in FORMATS
    assert chat.messages
    for message in chat.messages:
        assert not any(mark in message.text + message.author for mark in MARKS)
        assert message.text == message.text.strip()
        for word in LEFT_OUT:
            assert word.lower() not in message.text.lower(), (word, message.text)


def test_whatsapp_android_malay_24_hour_day_first() -> None:
    chat = parsed("whatsapp-android-ms-24h.txt")
    assert chat.format == "whatsapp_android"
    assert [m.author for m in chat.messages[:3]] == ["Abang Zul", "Aina", "Abang Zul"]
    assert chat.messages[0].sent_at == datetime(2024, 3, 14, 20, 2)
    # A message over three lines stays one message.
    assert chat.messages[2].text == (
        "wah matang la adik ni untuk umur 12\nramai budak sekolah tak macam adik\n"
        "adik lain dari yang lain"
    )
    # Left out: the encryption notice, media, a deleted message and a security-code notice.
    assert len(chat.messages) == 10
    assert chat.messages[-1].text == "jom jumpa esok lepas sekolah, abang ambil"


def test_whatsapp_android_english_12_hour_month_first() -> None:
    chat = parsed("whatsapp-android-en-12h.txt")
    assert chat.format == "whatsapp_android"
    times = [m.sent_at for m in chat.messages]
    assert times[0] == datetime(2024, 3, 14, 20, 2)
    assert times[4] == datetime(2024, 3, 14, 23, 58)
    assert times[5] == datetime(2024, 3, 15, 0, 5)
    assert chat.messages[3].text == "this is our secret ok, dont tell your parents"


def test_whatsapp_malay_am_pm_with_seconds() -> None:
    chat = parsed("whatsapp-android-ms-12h-seconds.txt")
    times = [m.sent_at for m in chat.messages]
    assert times[0] == datetime(2025, 1, 5, 21, 15, 20)
    assert times[3] == datetime(2025, 1, 6, 0, 1)
    assert times[4] == datetime(2025, 1, 6, 7, 30, 10)


def test_ambiguous_dates_are_read_the_way_time_runs_forward() -> None:
    chat = parsed("whatsapp-ambiguous-month-first.txt")
    assert [m.sent_at.date().isoformat() for m in chat.messages if m.sent_at] == [
        "2024-01-05",
        "2024-01-06",
        "2024-01-07",
        "2024-02-01",
    ]


def test_ambiguous_dates_default_to_day_first_when_nothing_tells() -> None:
    chat = parse_chat_text("01/02/2026, 10:00 - Ali: hello\n01/02/2026, 10:01 - Abu: hi\n")
    assert chat.messages[0].sent_at == datetime(2026, 2, 1, 10, 0)


def test_one_day_over_twelve_settles_the_whole_file() -> None:
    text = "3/4/24, 10:00 - A: one\n3/14/24, 10:00 - B: two\n"
    chat = parse_chat_text(text)
    assert chat.messages[0].sent_at == datetime(2024, 3, 4, 10, 0)


def test_whatsapp_ios_group_with_marks_and_attachments() -> None:
    chat = parsed("whatsapp-ios-group.txt")
    assert chat.format == "whatsapp_ios"
    assert [m.author for m in chat.messages] == ["Cikgu Rina", "Haziq", "Mei Xin", "Cikgu Rina"]
    assert chat.messages[0].text.endswith("\nBawa bateri AA dan laptop.")
    assert chat.messages[0].sent_at == datetime(2024, 4, 2, 9, 2, 40)


def test_whatsapp_ios_english_12_hour_month_first() -> None:
    chat = parsed("whatsapp-ios-en-12h.txt")
    assert chat.format == "whatsapp_ios"
    assert [m.author for m in chat.messages] == ["Danial", "Sofia"] * 2 + ["Danial"] * 2 + ["Sofia"]
    times = [m.sent_at for m in chat.messages]
    assert times[0] == datetime(2024, 3, 14, 20, 2, 15)
    assert times[5] == datetime(2024, 3, 15, 0, 5, 30)  # 12:05:30 AM is just after midnight
    assert times[6] == datetime(2024, 3, 15, 7, 30, 12)
    assert chat.messages[4].text == (
        "ur so mature for ur age\nmost girls ur age r boring\nu r different"
    )
    # The edit mark is cut; the encryption notice, picture, deletion and attachment are left out.
    assert chat.messages[5].text == "this is our secret ok, dont tell ur parents"


def test_whatsapp_zip_export_reads_its_chat_file() -> None:
    assert parsed("whatsapp-ios-export.zip") == parsed("whatsapp-ios-group.txt")


def test_messages_copied_out_of_whatsapp() -> None:
    chat = parsed("whatsapp-copied.txt")
    assert chat.format == "whatsapp_copied"
    assert chat.messages[2].sent_at == datetime(2024, 3, 14, 21, 20)


def test_telegram_text_as_string_and_as_entities() -> None:
    chat = parsed("telegram-personal.json")
    assert chat.format == "telegram"
    texts = [m.text for m in chat.messages]
    assert texts[2] == "ini rahsia kita ok, jangan bagitahu mak"
    assert texts[3] == "https://example.com/hadiah\nklik ni untuk hadiah"
    assert "" not in texts  # the photo without a caption is left out
    assert chat.messages[0].sent_at == datetime(2024, 3, 14, 12, 2, 10, tzinfo=UTC)
    assert chat.messages[-1].author == "user333"  # a deleted account keeps its id


def test_telegram_account_export_with_one_chat() -> None:
    one = json.loads((DATA / "telegram-personal.json").read_text())
    chat = parse_chat_text(json.dumps({"about": "x", "chats": {"list": [one]}}))
    assert chat == parsed("telegram-personal.json")
    with pytest.raises(ChatFormatError, match="2 chats"):
        parse_chat_text(json.dumps({"chats": {"list": [one, one]}}))


def test_instagram_mojibake_is_repaired_and_order_is_oldest_first() -> None:
    chat = parsed("instagram-message_1.json")
    assert chat.format == "instagram"
    assert [m.author for m in chat.messages] == ["Aina Sofiya", "Zul ✨", "Zul ✨"]
    assert chat.messages[0].text == "terima kasih… café tu best"
    assert chat.messages[1].text == "hantar la gambar selfie sikit, awak comel 😍"
    times = [m.sent_at for m in chat.messages]
    assert times == sorted(t for t in times if t)


def test_messenger_old_and_new_shapes() -> None:
    old = parsed("messenger-message_1.json")
    assert old.format == "messenger"
    assert old.messages[-1].text == "Pak cik belikan telefon baru, jangan beritahu ibu ya 🤫"
    assert old.messages[1].text == "Terima kasih pak cik — saya suka sangat 👍"
    new = parsed("messenger-e2ee.json")
    assert new.format == "messenger"
    assert [m.text for m in new.messages] == ["Hafiz dah habis sekolah?", "Dah, baru sampai rumah"]


def test_instagram_and_messenger_are_told_apart_by_the_path() -> None:
    data = (DATA / "instagram-message_1.json").read_bytes()
    path = "your_facebook_activity/messages/inbox/zul_123/message_1.json"
    assert parse_chat(data, name=path).format == "messenger"
    path = "your_instagram_activity/messages/inbox/zul_123/message_1.json"
    assert parse_chat(data, name=path).format == "instagram"


def test_meta_thread_in_a_zip_joins_its_parts() -> None:
    first = json.loads((DATA / "instagram-message_1.json").read_text())
    second = {**first, "messages": [{**first["messages"][0], "timestamp_ms": 1710000000000}]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        folder = "your_instagram_activity/messages/inbox/zul_123"
        archive.writestr(f"{folder}/message_1.json", json.dumps(first))
        archive.writestr(f"{folder}/message_2.json", json.dumps(second))
        archive.writestr(f"{folder}/photos/1.jpg", b"\xff\xd8not really")
    chat = parse_chat(buffer.getvalue())
    assert chat.format == "instagram"
    assert len(chat.messages) == 4
    assert chat.messages[0].sent_at == datetime.fromtimestamp(1710000000, UTC)


def test_an_archive_of_many_conversations_asks_for_one() -> None:
    data = (DATA / "instagram-message_1.json").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("messages/inbox/a_1/message_1.json", data)
        archive.writestr("messages/inbox/b_2/message_1.json", data)
    with pytest.raises(ChatFormatError, match="2 conversations"):
        parse_chat(buffer.getvalue())


def test_discord_chat_exporter() -> None:
    chat = parsed("discord-dce.json")
    assert chat.format == "discord"
    assert [m.author for m in chat.messages] == ["ShadowKing", "kid_builder", "ShadowKing"]
    assert chat.messages[1].text == "11 lol. why"  # a reply is kept
    assert chat.messages[0].sent_at == datetime(
        2024, 4, 19, 19, 1, 0, 123000, tzinfo=timezone(timedelta(hours=8))
    )


def test_crlf_line_ends_and_a_bom_change_nothing() -> None:
    data = (DATA / "whatsapp-android-ms-24h.txt").read_bytes()
    windows = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    assert parse_chat(windows) == parse_chat(data)
    utf16 = data.decode().encode("utf-16")
    assert parse_chat(utf16) == parse_chat(data)


def test_pasted_plain_text_only_when_allowed() -> None:
    text = "Zul: hai adik\nAina: hai\nsambungan baris\n"
    with pytest.raises(ChatFormatError):
        parse_chat_text(text)
    chat = parse_chat_text(text, allow_plain=True)
    assert chat.format == "text"
    assert [(m.author, m.text) for m in chat.messages] == [
        ("Zul", "hai adik"),
        ("Aina", "hai\nsambungan baris"),
    ]
    bare = parse_chat_text("jangan bagitahu sesiapa\njom jumpa", allow_plain=True)
    assert [m.author for m in bare.messages] == ["?", "?"]
