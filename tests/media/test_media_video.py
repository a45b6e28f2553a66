"""vPDQ hashing and video matching on the shared sample videos, and bad video input."""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from perisai.media.errors import (
    CorruptMedia,
    InvalidSignal,
    MediaTooLarge,
    UnreadableFile,
    UnsupportedMedia,
)
from perisai.media.hashing import hash_file, vpdq_of_video
from perisai.media.index import VideoIndex
from perisai.media.pdq import FrameHash, frames_from_signal, frames_to_signal
from perisai.media.signals import vpdq_compare
from perisai.media.tmk import TmkHash, TmkIndex, level1_score, tmk_compare
from perisai.media.video import tmk_of_video

CHAIR = "chair-orig-22-sd-bar.mp4"


@pytest.fixture(scope="module")
def chair_index(video_data: Path) -> VideoIndex:
    index = VideoIndex()
    index.add(1, vpdq_of_video(video_data / CHAIR), "chair-bank")
    return index


def test_frames_are_sampled_at_the_requested_rate(video_data: Path) -> None:
    frames = vpdq_of_video(video_data / CHAIR)
    assert 22 <= len(frames) <= 23
    assert [round(f.t) for f in frames[:4]] == [0, 1, 2, 3]
    assert all(len(f.pdq) == 64 and 0 <= f.quality <= 100 for f in frames)
    twice = vpdq_of_video(video_data / CHAIR, fps=2.0)
    assert 44 <= len(twice) <= 46


@pytest.mark.parametrize("name", ["chair-22-sd-grey-bar.mp4", "chair-22-with-small-logo-bar.mp4"])
def test_edited_chairs_match_the_original(
    chair_index: VideoIndex, video_data: Path, name: str
) -> None:
    matches = chair_index.query(vpdq_of_video(video_data / name))
    assert [m.entry_id for m in matches] == [1]
    assert matches[0].query_match_pct >= 80
    assert matches[0].bank_match_pct >= 80
    assert matches[0].bank == "chair-bank"


@pytest.mark.parametrize("name", ["pattern-hd-no-bar.mp4", "doorknob-hd-no-bar.mp4"])
def test_other_videos_match_nothing(chair_index: VideoIndex, video_data: Path, name: str) -> None:
    assert chair_index.query(vpdq_of_video(video_data / name)) == []


def test_index_agrees_with_brute_force_comparison(video_data: Path) -> None:
    original = vpdq_of_video(video_data / CHAIR)
    grey = vpdq_of_video(video_data / "chair-22-sd-grey-bar.mp4")
    index = VideoIndex()
    index.add(9, original)
    (match,) = index.query(grey)
    q_pct, b_pct, distance = vpdq_compare(grey, original)
    assert (match.query_match_pct, match.bank_match_pct, match.distance) == (q_pct, b_pct, distance)
    assert index.remove(9)
    assert index.query(grey) == []


def test_thresholds_are_configurable(video_data: Path) -> None:
    original = vpdq_of_video(video_data / CHAIR)
    index = VideoIndex()
    index.add(1, original)
    half = original[: len(original) // 2]
    (clip,) = index.query(half)  # a clip: every query frame is in the bank video
    assert clip.query_match_pct == 100.0
    assert clip.bank_match_pct < 60
    assert index.query(half, bank_match_pct=80.0) == []
    strict = VideoIndex(bank_match_pct=80.0)
    strict.add(1, original)
    assert strict.query(half) == []


def test_low_quality_frames_are_ignored() -> None:
    blank = "0" * 64
    index = VideoIndex()
    index.add(1, [FrameHash(0.0, blank, 10)])
    assert index.query([FrameHash(0.0, blank, 10)]) == []
    assert index.query([FrameHash(0.0, blank, 100)]) == []


def test_frame_list_serialisation_round_trips(video_data: Path) -> None:
    frames = vpdq_of_video(video_data / "doorknob-hd-no-bar.mp4")
    assert frames_from_signal(frames_to_signal(frames)) == frames


def test_absurd_declared_duration_is_refused(make_video: Callable[..., Path]) -> None:
    path = make_video("long.mkv")
    data = bytearray(path.read_bytes())
    at = data.find(b"\x44\x89\x88")  # Matroska Duration, an 8-byte float
    assert at > 0
    data[at + 3 : at + 11] = struct.pack(">d", 1e12)
    path.write_bytes(bytes(data))
    with pytest.raises(MediaTooLarge, match="declares"):
        vpdq_of_video(path)
    report = hash_file(path)
    assert report.error_kind == "too_large"
    assert report.md5 is not None


def test_duration_limit_is_a_parameter(make_video: Callable[..., Path]) -> None:
    path = make_video(frames=30)
    assert len(vpdq_of_video(path)) == 3
    with pytest.raises(MediaTooLarge):
        vpdq_of_video(path, max_seconds=1.0)


def test_broken_videos_give_media_errors(tmp_path: Path, video_data: Path) -> None:
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes((video_data / CHAIR).read_bytes()[:20_000])
    with pytest.raises(CorruptMedia, match="damaged or truncated"):
        vpdq_of_video(truncated)
    with pytest.raises(UnreadableFile):
        vpdq_of_video(tmp_path / "missing.mp4")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all\n" * 20)
    with pytest.raises((UnsupportedMedia, CorruptMedia)):
        vpdq_of_video(text)
    with pytest.raises(ValueError, match="fps"):
        vpdq_of_video(video_data / CHAIR, fps=0)


@pytest.fixture(scope="module")
def signatures(video_data: Path) -> dict[str, TmkHash]:
    return {p.name: tmk_of_video(p) for p in sorted(video_data.glob("*.mp4"))}


def test_tmk_finds_the_hard_chair_edit_that_per_frame_pdq_misses(
    video_data: Path, chair_index: VideoIndex, signatures: dict[str, TmkHash]
) -> None:
    hard = "chair-19-sd-bar.mp4"
    assert chair_index.query(vpdq_of_video(video_data / hard)) == []  # vPDQ misses it
    index = TmkIndex()
    index.add(1, signatures[CHAIR].to_signal(), "chairs")
    (match,) = index.query(signatures[hard])
    assert match.entry_id == 1
    assert match.level1 >= 0.7
    assert match.level2 >= 0.7


def test_tmk_makes_no_false_match_among_the_shared_videos(
    signatures: dict[str, TmkHash],
) -> None:
    chairs = {n for n in signatures if n.startswith("chair")}
    for a, b in itertools.combinations(signatures, 2):
        matched = tmk_compare(signatures[a], signatures[b]) is not None
        assert matched == (a in chairs and b in chairs), (a, b)


def test_tmk_signal_round_trips_and_rejects_garbage(signatures: dict[str, TmkHash]) -> None:
    value = signatures[CHAIR]
    again = TmkHash.from_signal(value.to_signal())
    assert level1_score(value, again) > 0.9999
    with pytest.raises(InvalidSignal):
        TmkHash.from_signal("tmk1:AAAA")
    with pytest.raises(InvalidSignal):
        TmkHash.from_signal("not base64 at all")
