"""Viral spread, end to end: re-posts joined into their cluster, and the alert's latency.

Targets (issue 16): >= 95% of viral re-posts joined into their cluster; the `monitoring.viral`
event p95 <= 60 s after the commit of the report that crosses the rule, while reports arrive
at 50 per second.

Set-up: a fresh database (on PERISAI_TEST_DATABASE_URL's server when set, else an embedded
one), a real `perisai serve` on loopback and a `perisai worker` (enrichment, triage, the
`viral.cluster` job), an SSE subscriber (API key with events:read for the secretariat).

Viral clusters: each one benign picture from ../shared/testdata/pdq (the bridge photo and the
labelme photos, each also mirrored and turned: eight distinct pictures per photo, since PDQ is
not meant to match a mirror), re-posted from several platforms by several accounts, each
re-post re-encoded (JPEG quality 35-95) and, at random, resized (x0.3-1.6), cropped (up to 10%
of each side's length in all), and overlaid (a caption bar or a logo box of at most 6% of the
picture). A re-post is a platform's report declaring the file, uploading it and finishing:
its commit (the finish's answer) is where latency counts from. Background load: reports at
`--rate` per second, each declaring a file of its own (exact hashes, clustered alone).

Figures, side by side with baselines computed from the same re-posts' hashes:
- exact hashes only (a copy joins when its SHA-256 equals an earlier member's);
- PDQ to the original only (a re-post within 31 bits of the first post, no transitivity);
- PDQ chains: PDQ within 31 of any member, transitively (the rule before crop sets);
- ours by brute force (PDQ or crop sets, transitively), a check on the server's clusters.
Also enrichment's hashing time of an image without and with its crop set (median).

Run: .venv/bin/python benchmarks/viral_sim.py [--quick] [--duration 60] [--rate 50]
     [--photos 8] [--reposts 8]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import create_engine, text

from perisai.banks.matching import file_queries
from perisai.media import hash_file, pdq_of_image
from perisai.media.crops import CROP_VERSION, CropIndex, CropSet, crop_distance
from perisai.media.crops import MIN_QUALITY as CROP_MIN_QUALITY
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, hamming_hex
from perisai.testing.database import scratch_database
from perisai.testing.live import free_port
from perisai.viral.index import ClusterIndex, MediaSignals

JOIN_TARGET = 0.95
LATENCY_TARGET_P95 = 60.0
SHARED = Path(__file__).resolve().parents[2] / "shared" / "testdata"
# Distinct benign photos large enough to be re-posted at several sizes (the labelme thumbnails
# are 256 px: too small for PDQ to stay stable when scaled, and not how pictures go viral).
PHOTOS = [
    SHARED / "pdq" / "bridge-mods" / "aaa-orig.jpg",
    SHARED / "pdq" / "misc-images" / "c.png",
    SHARED / "c2pa" / "c2pa-rs__CA.jpg",
    SHARED / "c2pa" / "c2pa-rs__no_manifest.jpg",
    SHARED / "c2pa" / "c2pa-rs__cloud.jpg",
    SHARED / "c2pa" / "gen_AI_created_trainedAlgorithmicMedia.jpg",
]
PLATFORMS = ("ExampleChat", "PhotoShare", "ClipTok", "ForumMY", "PicBoard", "StreamKu")
# Eight pictures per photo: PDQ is not invariant to mirrors and quarter turns.
DIHEDRAL = (
    None,
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_270,
    Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.TRANSPOSE,
    Image.Transpose.TRANSVERSE,
)
MIN_BASE_DISTANCE = 2 * PDQ_MATCH_THRESHOLD


# --- the pictures ------------------------------------------------------------------------------


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def bases(photos: int) -> list[tuple[str, Image.Image]]:
    """Distinct benign pictures (each photo and its mirrors and turns), at least
    MIN_BASE_DISTANCE bits apart from each other so that no two are one picture."""
    chosen: list[tuple[str, Image.Image, str]] = []
    for path in PHOTOS[:photos]:
        with Image.open(path) as opened:
            photo = opened.convert("RGB")
        for turn in DIHEDRAL:
            image = photo if turn is None else photo.transpose(turn)
            found = pdq_of_image(jpeg(image, 95))
            if found.quality < 50:
                continue
            if all(hamming_hex(found.hex, other) >= MIN_BASE_DISTANCE for *_, other in chosen):
                chosen.append((f"{path.stem}/{turn.name if turn else 'orig'}", image, found.hex))
    return [(name, image) for name, image, _ in chosen]


MIN_SIDE = 160  # platforms rarely serve a picture smaller than this on its shorter side
MAX_CROP = 0.10  # of the first post's area, in all (the issue: crops <= 10%)


@dataclass
class Picture:
    """A post's picture: its pixels as decoded, and the share of the first post it keeps."""

    image: Image.Image
    kept: float = 1.0
    overlays: int = 0


def _crop(picture: Picture, rng: random.Random, per_side: float) -> tuple[Picture, str]:
    """Cut up to ``per_side`` from each side, within what MAX_CROP leaves."""
    sides = [rng.uniform(0, per_side) for _ in range(4)]  # left, top, right, bottom
    budget = picture.kept - (1 - MAX_CROP)
    for _ in range(20):
        kept = (1 - sides[0] - sides[2]) * (1 - sides[1] - sides[3])
        if picture.kept * kept >= 1 - MAX_CROP or budget <= 0:
            break
        sides = [s * 0.7 for s in sides]
    if budget <= 0:
        return picture, ""
    w, h = picture.image.size
    box = (
        round(w * sides[0]),
        round(h * sides[1]),
        round(w * (1 - sides[2])),
        round(h * (1 - sides[3])),
    )
    kept = (box[2] - box[0]) * (box[3] - box[1]) / (w * h)
    cropped = Picture(picture.image.crop(box), picture.kept * kept, picture.overlays)
    return cropped, f"crop {100 * (1 - kept):.1f}%"


def _overlay(picture: Picture, rng: random.Random) -> tuple[Picture, str]:
    """A caption bar (3-5% of the height) or a small logo (<= 2% of the area), half opaque."""
    image = picture.image.convert("RGBA")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    w, h = image.size
    if rng.random() < 0.5:
        bar = max(6, round(h * rng.uniform(0.03, 0.05)))
        draw.rectangle((0, h - bar, w, h), fill=(255, 255, 255, 200))
        draw.text(
            (4, h - bar),
            rng.choice(["lol", "repost", "@viral_my", "tengok ni"]),
            fill=(0, 0, 0, 255),
        )
        what = "caption"
    else:
        side = max(8, round(min(w, h) * rng.uniform(0.08, 0.14)))
        x, y = rng.choice(
            [(4, 4), (w - side - 4, 4), (4, h - side - 4), (w - side - 4, h - side - 4)]
        )
        draw.ellipse((x, y, x + side, y + side), fill=(rng.randrange(256), 40, 160, 150))
        what = "logo"
    merged = Image.alpha_composite(image, layer).convert("RGB")
    return Picture(merged, picture.kept, picture.overlays + 1), what


def _resize(picture: Picture, rng: random.Random) -> tuple[Picture, str]:
    w, h = picture.image.size
    # Platforms scale pictures down (rarely up), to no less than MIN_SIDE on the shorter side.
    scale = max(rng.uniform(0.4, 1.0), min(1.0, MIN_SIDE / min(w, h)))
    size = (round(w * scale), round(h * scale))
    return Picture(
        picture.image.resize(size), picture.kept, picture.overlays
    ), f"resize x{scale:.2f}"


def repost(
    parent: Picture, rng: random.Random, *, per_side: float
) -> tuple[Picture, bytes, list[str]]:
    """A re-post of ``parent``: re-encoded, and at random cropped, overlaid and resized."""
    picture, edits = parent, []
    if rng.random() < 0.5:
        picture, done = _crop(picture, rng, per_side)
        edits += [done] if done else []
    if rng.random() < 0.3 and picture.overlays < 2:
        picture, done = _overlay(picture, rng)
        edits.append(done)
    if rng.random() < 0.7:
        picture, done = _resize(picture, rng)
        edits.append(done)
    quality = rng.randint(40, 95)
    content = jpeg(picture.image, quality)
    with Image.open(io.BytesIO(content)) as decoded:
        picture = Picture(decoded.convert("RGB"), picture.kept, picture.overlays)
    return picture, content, [*edits, f"jpeg q{quality}"]


@dataclass
class Post:
    group: int
    index: int  # 0: the first post (the picture as first seen)
    platform: str
    account: str
    content: bytes
    edits: list[str]
    parent: int = -1
    pdq: str = ""
    quality: int = 0
    crops: bytes | None = None  # the crop set enrichment computes (perisai.media.crops)
    report_id: str = ""
    committed_at: float = 0.0
    errors: list[str] = field(default_factory=list)
    retries: int = 0  # answers 429/503 (overload) that were sent again
    server_errors: int = 0  # answers 5xx other than 503


def viral_posts(
    photos: int, reposts: int, seed: int, *, star: bool
) -> tuple[list[list[Post]], list[str]]:
    """Each picture's posts. Spread (default): each re-post edits an earlier post (a re-share
    of a re-share); star: every re-post edits the first post (each carrying up to 5% per side)."""
    rng = random.Random(seed)
    groups: list[list[Post]] = []
    names = []
    for g, (name, image) in enumerate(bases(photos)):
        names.append(name)
        first = jpeg(image, rng.randint(80, 95))
        with Image.open(io.BytesIO(first)) as decoded:
            pictures = [Picture(decoded.convert("RGB"))]
        posts = [Post(g, 0, PLATFORMS[g % len(PLATFORMS)], f"g{g}a0", first, ["first post"])]
        for i in range(1, reposts + 1):
            parent = 0 if star else rng.randrange(i)
            picture, content, edits = repost(
                pictures[parent], rng, per_side=0.05 if star else 0.025
            )
            pictures.append(picture)
            platform = PLATFORMS[(g + i) % len(PLATFORMS)]
            posts.append(Post(g, i, platform, f"g{g}a{i}", content, edits, parent))
        for post in posts:
            post.pdq = pdq_of_image(post.content).hex
        groups.append(posts)
    return groups, names


# --- look-alike negatives (offline) ------------------------------------------------------------

NEGATIVE_PHOTOS = [
    *sorted((SHARED / "pdq" / "reg-test-input" / "labelme-subset").glob("*.jpg")),
    SHARED / "c2pa" / "c2pa-python__C.jpg",
    SHARED / "c2pa" / "c2pa-rs__libpng-test.png",
    SHARED / "pdq" / "misc-images" / "small.jpg",
]
WIDE_THRESHOLD = 47  # how far the closest different pictures are looked for (crop index limit)


def synthetic(rng: random.Random, count: int) -> list[tuple[str, Image.Image]]:
    """Benign synthetic pictures: smooth random fields, coloured shapes, blurred stripes."""
    found = []
    for i in range(count):
        w, h = rng.choice([(640, 480), (480, 640), (800, 600), (512, 512)])
        if i % 3 == 0:
            cells = np.random.default_rng(rng.getrandbits(32)).uniform(0, 255, (6, 8, 3))
            image = Image.fromarray(cells.astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
        elif i % 3 == 1:
            image = Image.new("RGB", (w, h), tuple(rng.randrange(256) for _ in range(3)))
            draw = ImageDraw.Draw(image)
            for _ in range(12):
                x, y = rng.randrange(w), rng.randrange(h)
                box = (x, y, x + rng.randrange(40, 300), y + rng.randrange(40, 300))
                colour = tuple(rng.randrange(256) for _ in range(3))
                (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
        else:
            image = Image.new("RGB", (w, h))
            draw = ImageDraw.Draw(image)
            step = rng.randrange(20, 90)
            for x in range(0, w + h, step):
                colour = tuple(rng.randrange(256) for _ in range(3))
                draw.line((x, 0, x - h, h), fill=colour, width=step // 2)
            image = image.filter(ImageFilter.GaussianBlur(3))
        found.append((f"synthetic{i}", image))
    return found


def negative_groups(seed: int, reposts: int = 3) -> list[list[Post]]:
    """Pictures that are not the viral ones (each photo with its mirrors and turns, and
    synthetic ones), each posted once and re-posted edited ``reposts`` times."""
    rng = random.Random(seed)
    pictures: list[tuple[str, Image.Image]] = []
    for path in NEGATIVE_PHOTOS:
        with Image.open(path) as opened:
            photo = opened.convert("RGB")
        for turn in DIHEDRAL:
            name = f"{path.stem}/{turn.name if turn else 'orig'}"
            pictures.append((name, photo if turn is None else photo.transpose(turn)))
    pictures += synthetic(rng, 45)
    groups = []
    for k, (name, image) in enumerate(pictures):
        first = jpeg(image, 90)
        with Image.open(io.BytesIO(first)) as decoded:
            picture = Picture(decoded.convert("RGB"))
        posts = [Post(NEGATIVE_GROUP + k, 0, "X", "n", first, [name])]
        for i in range(1, reposts + 1):
            _, content, edits = repost(picture, rng, per_side=0.05)
            posts.append(Post(NEGATIVE_GROUP + k, i, "X", "n", content, edits, 0))
        groups.append(posts)
    return groups


NEGATIVE_GROUP = 1000


@dataclass
class Offline:
    """Our rule replayed offline over the viral posts and the negatives, in one stream."""

    pictures: int
    posts: int
    joined: dict[str, tuple[int, int]]
    false_joins: int
    closest: int  # smallest crop-set distance between posts of different pictures (<= 47)
    closest_pdq: int


def offline_check(groups: list[list[Post]], negatives: list[list[Post]], seed: int) -> Offline:
    """The cluster index (PDQ and crop sets, at the server's thresholds) over every post in a
    shuffled stream: joins between different pictures, and how close different pictures come."""
    stream = [p for posts in [*groups, *negatives] for p in posts]
    random.Random(seed).shuffle(stream)
    index, wide = ClusterIndex(), CropIndex(threshold=WIDE_THRESHOLD)
    parent = list(range(len(stream)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    false_joins, closest, closest_pdq = 0, 257, 257
    for n, post in enumerate(stream):
        usable = post.quality >= 50
        queries, _, _ = file_queries(
            {"sha256": hashlib.sha256(post.content).hexdigest()},
            pdq=post.pdq,
            pdq_quality=post.quality,
        )
        crops = post.crops if usable and post.quality >= CROP_MIN_QUALITY else None
        for near in index.query(queries, crops):
            false_joins += stream[near.media_id].group != post.group
            parent[find(n)] = find(near.media_id)
        if crops is not None:
            asked = CropSet.unpack(crops)
            for hit in wide.query(asked):
                if stream[hit.entry_id].group != post.group:
                    closest = min(closest, hit.distance)
            wide.add(n, CropSet.stored_of(crops))
        for m in range(n) if usable else ():
            if stream[m].group != post.group and stream[m].quality >= 50:
                closest_pdq = min(closest_pdq, hamming_hex(post.pdq, stream[m].pdq))
        stored = bytes([CROP_VERSION]) + CropSet.stored_of(crops).tobytes() if crops else None
        index.put(
            MediaSignals(
                n,
                sha256=hashlib.sha256(post.content).hexdigest(),
                pdq=post.pdq if usable else None,
                pdq_crops=stored,
            )
        )
    position = {id(p): n for n, p in enumerate(stream)}
    joined = {}
    for label, parity in (("spread", 0), ("star", 1)):
        chosen = [g for g in groups if g[0].group % 2 == parity]
        total = sum(len(g) - 1 for g in chosen)
        hits = sum(find(position[id(p)]) == find(position[id(g[0])]) for g in chosen for p in g[1:])
        joined[label] = (hits, total)
    return Offline(
        len(groups) + len(negatives), len(stream), joined, false_joins, closest, closest_pdq
    )


# --- the servers -------------------------------------------------------------------------------


def cli(env: dict[str, str], *args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "perisai.cli", *args, "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    loaded: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return loaded


@contextmanager
def processes(env: dict[str, str], log_dir: Path, concurrency: int) -> Iterator[str]:
    port = free_port()
    commands = [
        [sys.executable, "-m", "perisai.cli", "serve", "--port", str(port)],
        [sys.executable, "-m", "perisai.cli", "worker", "--concurrency", str(concurrency)],
    ]
    running = []
    try:
        for index, command in enumerate(commands):
            log = (log_dir / f"proc{index}.log").open("wb")
            running.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with suppress(OSError), urllib.request.urlopen(f"{base}/readyz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not become ready")
        yield base
    finally:
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# --- load and probes ---------------------------------------------------------------------------


def declaration(name: str, content: bytes) -> dict[str, object]:
    return {
        "name": name,
        "size": len(content),
        "md5": hashlib.md5(content).hexdigest(),  # noqa: S324 - a reporting hash
        "sha1": hashlib.sha1(content).hexdigest(),  # noqa: S324 - a reporting hash
        "sha256": hashlib.sha256(content).hexdigest(),
        "content_type": "image/jpeg",
    }


def body(platform: str, account: str, file: dict[str, object]) -> dict[str, object]:
    return {
        "incident": {"type": "child_pornography", "platform": platform},
        "reported_accounts": [{"platform": platform, "screen_name": account}],
        "files": [file],
        "jurisdiction": "MY",
    }


async def background(
    client: httpx.AsyncClient, key: str, rate: float, duration: float, counts: dict[str, int]
) -> None:
    """Reports at `rate`/s, each declaring a file of its own (never uploaded)."""
    run = secrets.token_hex(4)
    start = time.monotonic()

    async def one(index: int) -> None:
        fake = f"{run}-{index}".encode()
        payload = body(
            PLATFORMS[index % len(PLATFORMS)], f"bg{index % 1000}", declaration("f.jpg", fake)
        )
        headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": f"bg-{run}-{index}"}
        try:
            answer = await client.post("/api/v1/reports", json=payload, headers=headers)
            counts["sent"] += 1
            counts["errors"] += answer.status_code >= 400
            counts["overloaded"] += answer.status_code in RETRY_STATUSES
            counts["server_errors"] += answer.status_code >= 500 and answer.status_code != 503
        except httpx.HTTPError:
            counts["errors"] += 1

    tasks = []
    for index in range(int(rate * duration)):
        await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
        tasks.append(asyncio.create_task(one(index)))
    await asyncio.gather(*tasks)


RETRY_STATUSES = (429, 503)
MAX_TRIES = 6


async def _asked(post: Post, send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    """One request as a platform sends it: answered 429 or 503 (overload, nothing stored),
    it waits the Retry-After and sends the same request again (intake is idempotent)."""
    for _ in range(MAX_TRIES - 1):
        answer = await send()
        if answer.status_code not in RETRY_STATUSES:
            break
        post.retries += 1
        wait = answer.headers.get("Retry-After", "5")
        await asyncio.sleep(float(wait) if wait.isdigit() else 5.0)
    else:
        answer = await send()
    if answer.status_code >= 500 and answer.status_code != 503:
        post.server_errors += 1
    answer.raise_for_status()
    return answer


async def send_post(client: httpx.AsyncClient, key: str, post: Post) -> None:
    """Declare, upload, finish: the report's last commit is the finish's answer."""
    auth = {"Authorization": f"Bearer {key}"}
    payload = body(post.platform, post.account, declaration("photo.jpg", post.content))
    idempotency = f"viral-{post.group}-{post.index}-{secrets.token_hex(3)}"
    try:
        made = await _asked(
            post,
            lambda: client.post(
                "/api/v1/reports",
                json=payload,
                headers={**auth, "Idempotency-Key": idempotency},
            ),
        )
        post.report_id = made.json()["report_id"]
        await _asked(
            post,
            lambda: client.put(
                f"/api/v1/reports/{post.report_id}/files/photo.jpg",
                content=post.content,
                headers={**auth, "Content-Type": "image/jpeg"},
            ),
        )
        await _asked(
            post, lambda: client.post(f"/api/v1/reports/{post.report_id}/finish", headers=auth)
        )
        post.committed_at = time.time()
    except httpx.HTTPError as exc:
        post.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")


async def viral_load(
    client: httpx.AsyncClient, key: str, groups: list[list[Post]], duration: float, spacing: float
) -> None:
    """Each cluster's posts `spacing` s apart; clusters start spread over 80% of the run."""
    start = time.monotonic()
    plan: list[tuple[float, Post]] = []
    for g, posts in enumerate(groups):
        offset = 0.8 * duration * g / max(1, len(groups))
        plan += [(offset + i * spacing, post) for i, post in enumerate(posts)]
    plan.sort(key=lambda item: item[0])
    tasks = []
    for at, post in plan:
        await asyncio.sleep(max(0.0, start + at - time.monotonic()))
        tasks.append(asyncio.create_task(send_post(client, key, post)))
    await asyncio.gather(*tasks)


async def load(
    base: str, key: str, groups: list[list[Post]], rate: float, duration: float, spacing: float
) -> dict[str, int]:
    counts = {"sent": 0, "errors": 0, "overloaded": 0, "server_errors": 0}
    limits = httpx.Limits(max_connections=48)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60, trust_env=False) as c:
        await asyncio.gather(
            background(c, key, rate, duration, counts),
            viral_load(c, key, groups, duration, spacing),
        )
    return counts


def follow_sse(base: str, key: str, arrivals: dict[str, float], stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {key}", "Last-Event-ID": "0"}
    kind = ""
    with (
        httpx.Client(base_url=base, timeout=httpx.Timeout(10.0, read=None), trust_env=False) as c,
        c.stream("GET", "/api/v1/events", headers=headers) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "monitoring.viral":
                alert = json.loads(line[6:])["data"]["alert_public_id"]
                arrivals.setdefault(alert, time.time())
            if stop.is_set():
                return


# --- figures -----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def stored(url: str) -> tuple[dict[str, int], dict[str, tuple[str, float]]]:
    """Each report's cluster (live), and each alert's crossing report."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            clusters: dict[str, int] = {
                str(report): int(cluster)
                for report, cluster in connection.execute(
                    text(
                        "SELECT r.public_id, m.cluster_id FROM viral_media m "
                        "JOIN report r ON r.id = m.report_id"
                    )
                )
            }
            alerts = {
                alert: (report, raised_at.timestamp())
                for alert, report, raised_at in connection.execute(
                    text(
                        "SELECT a.public_id, r.public_id, a.raised_at FROM viral_alert a "
                        "JOIN report r ON r.id = a.crossing_report_id"
                    )
                )
            }
    finally:
        engine.dispose()
    return clusters, alerts


# Jobs due now: todo jobs scheduled for later (SLA timers, takedown re-notices hours away) are
# not work this run waits for.
_DUE_SQL = text(
    "SELECT (SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'"
    "   OR (status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now()))),"
    " (SELECT count(*) FROM viral_alert)"
)


def backlog(url: str) -> tuple[int, int]:
    """(jobs due or running, alerts stored)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            due, alerts = connection.execute(_DUE_SQL).one()
            return int(due), int(alerts)
    finally:
        engine.dispose()


def drain(url: str, arrivals: dict[str, float], seconds: float) -> float:
    """Wait until the work is done: no job due or running for 3 s in a row and every stored
    alert seen by the subscriber (or ``seconds`` passed). Returns the seconds waited."""
    began = time.monotonic()
    quiet_since: float | None = None
    while time.monotonic() - began < seconds:
        due, alerts = backlog(url)
        now = time.monotonic()
        if due or len(arrivals) < alerts:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= 3.0:
            break
        time.sleep(0.5)
    return time.monotonic() - began


def join_rate(groups: list[list[Post]], clusters: dict[str, int]) -> tuple[int, int, int]:
    """(re-posts, joined to their first post's cluster, joined to another picture's)."""
    owner: dict[int, int] = {}
    for posts in groups:
        home = clusters.get(posts[0].report_id)
        if home is not None:
            owner.setdefault(home, posts[0].group)
    total = joined = wrong = 0
    for posts in groups:
        home = clusters.get(posts[0].report_id)
        for post in posts[1:]:
            found = clusters.get(post.report_id)
            total += 1
            joined += home is not None and found == home
            wrong += found in owner and owner[found] != post.group
    return total, joined, wrong


def _near(one: Post, other: Post, *, crops: bool) -> bool:
    """Our rule for two images: PDQ within 31, or (with crop sets) a crop of the later within
    31 of a stored crop of the earlier; both above the quality floors, as the server asks."""
    if min(one.quality, other.quality) < 50:
        return False
    if hamming_hex(one.pdq, other.pdq) <= PDQ_MATCH_THRESHOLD:
        return True
    if not crops or one.crops is None or other.crops is None:
        return False
    if min(one.quality, other.quality) < CROP_MIN_QUALITY:
        return False
    asked, stored = CropSet.unpack(one.crops), CropSet.stored_of(other.crops)
    return crop_distance(asked, stored) <= PDQ_MATCH_THRESHOLD


def hash_posts(groups: list[list[Post]]) -> tuple[float, float]:
    """Each post's PDQ, quality and crop set as enrichment computes them (``hash_file`` on the
    file); the median ms an image takes without and with its crop set."""
    plain, cropped = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.jpg"
        for post in (p for posts in groups for p in posts):
            path.write_bytes(post.content)
            began = time.perf_counter()
            hash_file(path)
            plain.append(time.perf_counter() - began)
            began = time.perf_counter()
            found = hash_file(path, crops=True)
            cropped.append(time.perf_counter() - began)
            post.pdq, post.quality, post.crops = (
                found.pdq or "",
                found.pdq_quality or 0,
                found.pdq_crops,
            )
    return 1000 * statistics.median(plain), 1000 * statistics.median(cropped)


def _components(posts: list[Post], *, crops: bool) -> int:
    """How many re-posts union-find over every pair (our rule) puts with the first."""
    parent = list(range(len(posts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(posts)):
        for j in range(i):
            if find(i) != find(j) and _near(posts[i], posts[j], crops=crops):
                parent[find(i)] = find(j)
    return sum(find(i) == find(0) for i in range(1, len(posts)))


def baselines(groups: list[list[Post]]) -> dict[str, float]:
    """Join rates of the same re-posts by other rules, computed here from their hashes:
    exact hashes only; PDQ within 31 of the first post only (no chains); PDQ within 31 of any
    member, transitively (the rule before crop sets), by brute force; and our rule (PDQ or crop
    sets) by brute force, as a check on the server."""
    total = exact = star = brute = cropped = 0
    for posts in groups:
        first = posts[0]
        members = [first]
        for post in posts[1:]:
            total += 1
            exact += any(post.content == m.content for m in members)
            star += hamming_hex(first.pdq, post.pdq) <= PDQ_MATCH_THRESHOLD
            members.append(post)
        brute += _components(posts, crops=False)
        cropped += _components(posts, crops=True)
    n = max(1, total)
    return {"exact": exact / n, "star": star / n, "brute": brute / n, "cropped": cropped / n}


@dataclass
class Run:
    groups: list[list[Post]]
    names: list[str]
    counts: dict[str, int]
    load_seconds: float
    drain_seconds: float
    arrivals: dict[str, float]
    clusters: dict[str, int]
    alerts: dict[str, tuple[str, float]]  # alert -> (crossing report, raised at)
    hash_ms: tuple[float, float] = (0.0, 0.0)  # median per image: without, with crop sets


def simulate(args: argparse.Namespace, groups: list[list[Post]], names: list[str]) -> Run:
    with tempfile.TemporaryDirectory(prefix="perisai-viral-bench-") as tmp_name:
        tmp = Path(tmp_name)
        logs = Path(args.logs) if args.logs else tmp
        logs.mkdir(parents=True, exist_ok=True)
        with scratch_database(f"perisai_bench_viral_{os.getpid()}") as url:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
            env.update(
                PERISAI_DATABASE_URL=url,
                PERISAI_DATA_DIR=str(tmp / "var"),
                PERISAI_LOG_LEVEL="WARNING",
                PERISAI_WORKER_IN_PROCESS="false",
            )
            new_key = ["identity", "apikey", "create", "--name", "bench", "--scopes"]
            submit = str(cli(env, *new_key, "reports:submit")["key"])
            reader = str(cli(env, *new_key, "events:read", "--agency", "SECRETARIAT")["key"])
            arrivals: dict[str, float] = {}
            with processes(env, logs, args.concurrency) as base:
                stop = threading.Event()
                threading.Thread(
                    target=follow_sse, args=(base, reader, arrivals, stop), daemon=True
                ).start()
                time.sleep(1.0)
                began = time.monotonic()
                counts = asyncio.run(
                    load(base, submit, groups, args.rate, args.duration, args.spacing)
                )
                load_seconds = time.monotonic() - began
                drained = drain(url, arrivals, args.drain)
                stop.set()
                clusters, alerts = stored(url)
    return Run(groups, names, counts, load_seconds, drained, arrivals, clusters, alerts)


def latencies(run: Run) -> tuple[list[float], list[float]]:
    """Per alert: crossing commit -> SSE arrival, and crossing commit -> alert stored."""
    committed = {p.report_id: p.committed_at for posts in run.groups for p in posts}
    to_event, to_alert = [], []
    for alert, (report, raised_at) in run.alerts.items():
        if alert in run.arrivals and committed.get(report):
            to_event.append(run.arrivals[alert] - committed[report])
            to_alert.append(raised_at - committed[report])
    return to_event, to_alert


def print_joins(label: str, groups: list[list[Post]], clusters: dict[str, int]) -> bool:
    total, joined, wrong = join_rate(groups, clusters)
    rate = joined / max(1, total)
    other = baselines(groups)
    ok = rate >= JOIN_TARGET and wrong == 0
    print(
        f"{label:<34}{rate:>8.1%}{other['exact']:>12.1%}{other['star']:>11.1%}"
        f"{other['brute']:>12.1%}{other['cropped']:>14.1%}   {joined}/{total}, {wrong} in "
        "another picture's cluster"
        f"   target >= {JOIN_TARGET:.0%} {'PASS' if ok else 'FAIL'}"
    )
    return ok


def report(args: argparse.Namespace, run: Run, photos: int) -> bool:
    failures = [e for posts in run.groups for p in posts for e in p.errors]
    spread = [g for g in run.groups if g[0].group % 2 == 0]
    star = [g for g in run.groups if g[0].group % 2 == 1]
    print(f"viral spread simulation, {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores")
    print(
        f"  {len(run.groups)} viral pictures ({photos} photos, mirrors and turns >= "
        f"{MIN_BASE_DISTANCE} bits apart), {args.reposts} re-posts each from "
        f"{len(PLATFORMS)} platforms, {args.spacing:g} s apart; half spread as re-shares of "
        "re-shares, half as edits of the first post (star)"
    )
    posts = [p for posts in run.groups for p in posts]
    print(
        f"  background: {run.counts['sent']} reports at {args.rate:g}/s for {args.duration:g} s "
        f"({run.counts['errors']} errors, of which {run.counts['overloaded']} overload answers "
        f"429/503 and {run.counts['server_errors']} other 5xx; sending took "
        f"{run.load_seconds:.0f} s, at {run.counts['sent'] / max(run.load_seconds, 1e-9):.1f}/s)"
    )
    print(
        f"  viral posts: {len(posts)}, failed: {len(failures)}; answers 429/503 sent again: "
        f"{sum(p.retries for p in posts)}; other 5xx answers: "
        f"{sum(p.server_errors for p in posts)}; drained in {run.drain_seconds:.0f} s; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for failure in failures[:5]:
        print(f"    {failure}")
    plain, cropped = run.hash_ms
    print(
        f"  enrichment's hashing of an image (hash_file, median of {len(posts)}): {plain:.1f} ms "
        f"without crop sets, {cropped:.1f} ms with: {cropped - plain:+.1f} ms an image"
    )
    print()
    print(
        f"{'re-posts joined to their cluster':<34}{'ours':>8}{'exact only':>12}"
        f"{'PDQ star':>11}{'PDQ chains':>12}{'ours, brute':>14}"
    )
    ok = print_joins("  spread (re-shares of re-shares)", spread, run.clusters)
    print_joins("  star (edits of the first post)", star, run.clusters)
    to_event, to_alert = latencies(run)
    if not to_event:
        print("alert latency: no alert arrived   FAIL")
        return False
    p95 = percentile(to_event, 95)
    ok_latency = p95 <= LATENCY_TARGET_P95
    print(
        f"alert event after the crossing report's commit: n={len(to_event)} alerts of "
        f"{len(run.groups)} pictures  p50={percentile(to_event, 50):.1f} s  p95={p95:.1f} s  "
        f"max={max(to_event):.1f} s   target p95 <= {LATENCY_TARGET_P95:.0f} s  "
        f"{'PASS' if ok_latency else 'FAIL'}"
    )
    print(
        f"  of which commit -> alert stored (enrichment + clustering): "
        f"p50={percentile(to_alert, 50):.1f} s  p95={percentile(to_alert, 95):.1f} s"
    )
    return ok and ok_latency


def print_offline(offline: Offline, viral: int, negatives: int) -> None:
    joined = ", ".join(
        f"{label} {hits}/{total} = {hits / max(total, 1):.1%}"
        for label, (hits, total) in offline.joined.items()
    )
    print(
        f"offline, our rule over {offline.posts} posts of {offline.pictures} pictures ({viral} "
        f"viral, {negatives} look-alike negatives: labelme photos with their mirrors and turns, "
        f"other sample photos, synthetic pictures; each re-posted 3 times):\n"
        f"  re-posts joined {joined}; joins between different pictures: "
        f"{offline.false_joins} (target 0); closest different pictures: crop sets "
        f"{offline.closest if offline.closest <= WIDE_THRESHOLD else f'> {WIDE_THRESHOLD}'} "
        f"bits, PDQ {offline.closest_pdq} bits (threshold {PDQ_MATCH_THRESHOLD})"
    )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 s, 2 photos")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=50.0, help="background reports per second")
    parser.add_argument("--photos", type=int, default=6, help="photos (x8 mirrors and turns)")
    parser.add_argument("--reposts", type=int, default=8, help="re-posts per viral picture")
    parser.add_argument("--spacing", type=float, default=2.0, help="s between a picture's posts")
    parser.add_argument("--concurrency", type=int, default=4, help="worker job slots per lane")
    parser.add_argument("--drain", type=float, default=240.0, help="s to wait for the backlog")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--logs", help="keep the server's and worker's logs in this folder")
    parser.add_argument(
        "--offline", action="store_true", help="only the offline join and false-join check"
    )
    parser.add_argument(
        "--no-offline", action="store_true", help="skip the offline check (server run only)"
    )
    args = parser.parse_args()
    if args.quick:
        args.duration, args.photos = 30.0, 2
    spread_groups, names = viral_posts(args.photos, args.reposts, args.seed, star=False)
    star_groups, _ = viral_posts(args.photos, args.reposts, args.seed + 1, star=True)
    # Alternate pictures: even ones spread as re-shares of re-shares, odd ones as a star.
    groups = [spread_groups[g] if g % 2 == 0 else star_groups[g] for g in range(len(names))]
    hash_ms = hash_posts(groups)
    if not args.no_offline:
        negatives = negative_groups(args.seed)
        hash_posts(negatives)
        offline = offline_check(groups, negatives, args.seed)
        print_offline(offline, len(groups), len(negatives))
        if args.offline:
            sys.exit(0 if offline.false_joins == 0 else 1)
    run = simulate(args, groups, names)
    run.hash_ms = hash_ms
    sys.exit(0 if report(args, run, args.photos) else 1)


if __name__ == "__main__":
    main()
