"""Clustering on a real database: resized copies join one cluster, unrelated pictures do not,
exact copies join by hash, a file near two clusters merges them (recorded), and re-running is
harmless."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.datasets import PDQ
from tests.viral.factories import COPIES, ORIGINAL, OTHER, add_pdq, image_bytes, recoded, report_of

from perisai.media import pdq_of_image
from perisai.media.crops import MIN_QUALITY as CROP_MIN_QUALITY
from perisai.media.crops import crop_distance
from perisai.media.hashing import image_crop_set
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, hamming_hex
from perisai.runtime import Runtime
from perisai.viral.clustering import cluster_report, live_cluster
from perisai.viral.index import ClusterIndex
from perisai.viral.models import ViralCluster, ViralMedia, ViralMerge

LABELME = sorted((PDQ / "reg-test-input" / "labelme-subset").glob("*.jpg"))


def cluster_of(db: Session, report_id: int) -> int:
    return db.scalars(select(ViralMedia.cluster_id).where(ViralMedia.report_id == report_id)).one()


def test_resized_and_reencoded_copies_join_the_originals_cluster(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    first = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="ExampleChat")
    cluster_report(db, index, first)
    copies = [report_of(db, runtime.keyring, image_bytes(p), platform="PhotoShare") for p in COPIES]
    copies.append(
        report_of(db, runtime.keyring, recoded(ORIGINAL, width=300, quality=55), platform="Clip")
    )
    for report in copies:
        cluster_report(db, index, report)
    home = cluster_of(db, first.id)
    assert [cluster_of(db, r.id) for r in copies] == [home] * len(copies)
    joined = db.scalars(select(ViralMedia).where(ViralMedia.report_id.in_([r.id for r in copies])))
    assert {m.joined_by for m in joined} == {"pdq"}
    cluster = db.get_one(ViralCluster, home)
    assert cluster.media_count == 1 + len(copies)
    assert cluster.first_seen_at == first.received_at


def test_an_unrelated_picture_starts_its_own_cluster(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    first = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="ExampleChat")
    other = report_of(db, runtime.keyring, image_bytes(OTHER), platform="ExampleChat")
    cluster_report(db, index, first)
    cluster_report(db, index, other)
    assert cluster_of(db, first.id) != cluster_of(db, other.id)
    started = db.scalars(select(ViralMedia.joined_by).where(ViralMedia.report_id == other.id))
    assert list(started) == ["new"]


def test_exact_copies_join_by_hash_before_any_upload(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    content = image_bytes(COPIES[0])
    first = report_of(db, runtime.keyring, content, platform="ExampleChat", pdq=False)
    again = report_of(db, runtime.keyring, content, platform="PhotoShare", pdq=False)
    cluster_report(db, index, first)
    cluster_report(db, index, again)
    assert cluster_of(db, first.id) == cluster_of(db, again.id)
    row = db.scalars(select(ViralMedia).where(ViralMedia.report_id == again.id)).one()
    assert row.joined_by in ("md5", "sha1", "sha256") and row.distance == 0


def test_a_file_near_two_clusters_merges_them_and_the_merge_is_recorded(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    # Cluster A knows the original by its exact hash only; cluster B by a copy's PDQ.
    by_hash = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="A", pdq=False)
    by_pdq = report_of(db, runtime.keyring, image_bytes(COPIES[1]), platform="B")
    cluster_report(db, index, by_hash)
    cluster_report(db, index, by_pdq)
    a, b = cluster_of(db, by_hash.id), cluster_of(db, by_pdq.id)
    assert a != b
    # The original again, now with its PDQ: the same hash as A, a near PDQ of B.
    bridge = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="C")
    outcome = cluster_report(db, index, bridge)
    assert outcome.merges == [(a, b)]  # the older cluster survives
    assert {cluster_of(db, r.id) for r in (by_hash, by_pdq, bridge)} == {a}
    merge = db.scalars(select(ViralMerge)).one()
    assert (merge.into_id, merge.from_id, merge.moved_media) == (a, b, 1)
    assert merge.report_file_id == bridge.files[0].id
    loser = db.get_one(ViralCluster, b)
    assert loser.parent_id == a and loser.merged_at is not None
    survivor = live_cluster(db, b)
    assert survivor is not None and survivor.id == a and survivor.media_count == 3


def test_an_upload_adding_a_pdq_later_joins_the_copies_cluster(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    declared = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="A", pdq=False)
    copy = report_of(db, runtime.keyring, image_bytes(COPIES[0]), platform="B")
    cluster_report(db, index, declared)
    cluster_report(db, index, copy)
    assert cluster_of(db, declared.id) != cluster_of(db, copy.id)
    add_pdq(db, declared, image_bytes(ORIGINAL))  # the upload arrived; enrichment ran again
    outcome = cluster_report(db, index, declared)
    assert outcome.merges
    assert cluster_of(db, declared.id) == cluster_of(db, copy.id)


def test_clustering_a_report_again_changes_nothing(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    first = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="A")
    copy = report_of(db, runtime.keyring, image_bytes(COPIES[0]), platform="B")
    for report in (first, copy, copy, first):
        cluster_report(db, index, report)
    assert db.scalar(select(func.count()).select_from(ViralMedia)) == 2
    assert db.scalar(select(func.count()).select_from(ViralCluster)) == 1


def test_a_fresh_index_follows_what_other_processes_clustered(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    first = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="A")
    cluster_report(db, index, first)
    # Another worker process: its own index, loaded from the table.
    elsewhere = ClusterIndex()
    copy = report_of(db, runtime.keyring, image_bytes(COPIES[2]), platform="B")
    cluster_report(db, elsewhere, copy)
    assert cluster_of(db, copy.id) == cluster_of(db, first.id)


def cut(path: Path, cuts: tuple[float, float, float, float], *, scale: float = 1.0) -> bytes:
    """The picture with ``cuts`` (fractions of the left, top, right, bottom sides) cut off,
    scaled and re-encoded: a re-post cropped by hand."""
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    w, h = image.size
    left, top, right, bottom = cuts
    box = (round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom)))
    image = image.crop(box)
    image = image.resize((round(image.width * scale), round(image.height * scale)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def test_copies_cropped_differently_join_by_their_crop_sets(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    one, other = cut(ORIGINAL, (0.04, 0.02, 0, 0)), cut(ORIGINAL, (0, 0, 0.04, 0.03), scale=0.6)
    assert hamming_hex(pdq_of_image(one).hex, pdq_of_image(other).hex) > PDQ_MATCH_THRESHOLD
    first = report_of(db, runtime.keyring, one, platform="ExampleChat")
    second = report_of(db, runtime.keyring, other, platform="PhotoShare")
    cluster_report(db, index, first)
    cluster_report(db, index, second)
    assert cluster_of(db, first.id) == cluster_of(db, second.id)
    row = db.scalars(select(ViralMedia).where(ViralMedia.report_id == second.id)).one()
    assert row.joined_by == "pdq_crops" and row.distance is not None
    assert row.distance <= PDQ_MATCH_THRESHOLD
    assert row.pdq_crops is not None  # found by its own stored crops in turn
    # A process starting afresh finds the first copy by its stored crops too.
    fresh = ClusterIndex()
    fresh.sync(db.connection())
    asked = image_crop_set(other)
    assert asked is not None
    near = fresh.query([], asked.pack())
    assert {(n.media_id, n.signal_type) for n in near} == {
        (row.id, "pdq_crops"),  # itself
        (row.joined_media_id, "pdq_crops"),
    }


def test_without_crop_sets_those_copies_stay_apart(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    one, other = cut(ORIGINAL, (0.04, 0.02, 0, 0)), cut(ORIGINAL, (0, 0, 0.04, 0.03), scale=0.6)
    first = report_of(db, runtime.keyring, one, platform="ExampleChat", crops=False)
    second = report_of(db, runtime.keyring, other, platform="PhotoShare", crops=False)
    cluster_report(db, index, first)
    cluster_report(db, index, second)
    assert cluster_of(db, first.id) != cluster_of(db, second.id)


def test_different_photos_cropped_alike_do_not_join(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    photos = [*LABELME, ORIGINAL]
    reports = []
    for n, path in enumerate(photos):
        for cuts in ((0, 0, 0, 0), (0.05, 0, 0, 0.05)):
            if pdq_of_image(cut(path, cuts)).quality < 50:
                continue
            content = cut(path, cuts)
            reports.append((path, report_of(db, runtime.keyring, content, platform=f"P{n}")))
    for _, report in reports:
        cluster_report(db, index, report)
    owner: dict[int, Path] = {}
    for path, report in reports:
        assert owner.setdefault(cluster_of(db, report.id), path) == path
    assert len(owner) >= 6


def captioned(image: Image.Image) -> bytes:
    """The picture with a meme's white caption bar along its bottom."""
    image = image.convert("RGB")
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, h - 20, w, h), fill=(255, 255, 255))
    draw.text((4, h - 18), "tengok ni", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_nearly_featureless_pictures_with_one_caption_are_not_joined_by_their_crops(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    # A featureless picture (PDQ quality 0) and its transpose, each under the same caption bar:
    # the caption is most of what their crops see, so their crops are near, but the pictures
    # are different. Crops are used only from PDQ quality 80 up.
    with Image.open(OTHER) as opened:
        one = captioned(opened)
        other = captioned(opened.transpose(Image.Transpose.TRANSPOSE))
    qualities = (pdq_of_image(one).quality, pdq_of_image(other).quality)
    assert all(50 <= q < CROP_MIN_QUALITY for q in qualities)
    asked, stored = image_crop_set(other), image_crop_set(one)
    assert asked is not None and stored is not None
    assert crop_distance(asked.codes, stored.stored) <= PDQ_MATCH_THRESHOLD
    first = report_of(db, runtime.keyring, one, platform="ExampleChat")
    second = report_of(db, runtime.keyring, other, platform="PhotoShare")
    cluster_report(db, index, first)
    cluster_report(db, index, second)
    assert cluster_of(db, first.id) != cluster_of(db, second.id)
