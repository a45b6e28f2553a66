"""PdqIndex against brute force (hypothesis), edge sizes, persistence, threads, memory; the bulk
tables' pigeonhole at the boundary distances, for every layout the index may choose."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perisai.media import index as index_module
from perisai.media.errors import InvalidSignal
from perisai.media.index import ExactIndex, Match, PdqIndex, choose_plan

HEX = st.binary(min_size=32, max_size=32).map(bytes.hex)


def brute(entries: dict[int, tuple[str, str]], query: str, limits: dict[str, int]) -> list[Match]:
    out = []
    for entry_id, (signal, bank) in entries.items():
        d = (int(signal, 16) ^ int(query, 16)).bit_count()
        if d <= limits[bank]:
            out.append(Match(entry_id, d, bank))
    return sorted(out, key=lambda m: (m.distance, m.entry_id))


def near(signal: str, bits: list[int]) -> str:
    value = int(signal, 16)
    for b in bits:
        value ^= 1 << b
    return f"{value:064x}"


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[str, int, str, str]]:
    """Adds (often near an earlier hash: clustered like real banks), removes and re-adds."""
    ops: list[tuple[str, int, str, str]] = []
    seen: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.sampled_from(["add", "add", "add", "remove"]))
        entry_id = draw(st.integers(0, 40))
        bank = draw(st.sampled_from(["a", "b"]))
        if draw(st.booleans()) and seen:
            flips = draw(st.lists(st.integers(0, 255), max_size=40))
            signal = near(draw(st.sampled_from(seen)), flips)
        else:
            signal = draw(HEX)
        seen.append(signal)
        ops.append((kind, entry_id, signal, bank))
    return ops


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=operations(),
    queries=st.lists(st.tuples(st.integers(0, 1000), st.lists(st.integers(0, 255), max_size=48))),
    threshold_b=st.integers(-1, 70),
    delta_floor=st.sampled_from([0, 5, 10_000]),
)
def test_index_equals_brute_force(
    ops: list[tuple[str, int, str, str]],
    queries: list[tuple[int, list[int]]],
    threshold_b: int,
    delta_floor: int,
) -> None:
    # Always through the tables, never the scan shortcut; a floor of 0 re-builds the bulk
    # tables at every change, 10,000 keeps every entry in the delta, 5 mixes both.
    index = PdqIndex(scan_below=0, delta_floor=delta_floor)
    index.set_threshold("b", threshold_b)
    model: dict[int, tuple[str, str]] = {}
    for kind, entry_id, signal, bank in ops:
        if kind == "add":
            index.add(entry_id, signal, bank)
            model[entry_id] = (signal, bank)
        else:
            assert index.remove(entry_id) == (entry_id in model)
            model.pop(entry_id, None)
    assert len(index) == len(model)
    limits = {"a": 31, "b": threshold_b}
    pool = [s for s, _ in model.values()] or ["0" * 64]
    for pick, flips in queries:
        query = near(pool[pick % len(pool)], flips)
        assert index.query(query) == brute(model, query, limits)
        radius = len(flips)
        radius_b = radius if threshold_b >= 0 else -1  # a disabled bank stays disabled
        assert index.query(query, max_distance=radius) == brute(
            model, query, {"a": radius, "b": radius_b}
        )


@settings(max_examples=60, deadline=None)
@given(
    batches=st.lists(
        st.lists(st.tuples(st.integers(0, 300), HEX), max_size=200, unique_by=lambda x: x[0]),
        min_size=1,
        max_size=6,
    ),
    removals=st.lists(st.integers(0, 300), max_size=30),
)
def test_batches_into_a_live_index_equal_brute_force(
    batches: list[list[tuple[int, str]]], removals: list[int]
) -> None:
    index = PdqIndex(scan_below=0, delta_floor=50)
    model: dict[int, tuple[str, str]] = {}
    for n, batch in enumerate(batches):
        bank = f"b{n % 2}"
        index.add_many([e for e, _ in batch], [h for _, h in batch], bank)
        model.update({e: (h, bank) for e, h in batch})
        for entry_id in removals[n::3]:
            index.remove(entry_id)
            model.pop(entry_id, None)
    assert len(index) == len(model)
    for signal, _ in list(model.values())[:40]:
        query = near(signal, [0, 9, 77])
        assert index.query(query) == brute(model, query, {"b0": 31, "b1": 31})


@pytest.mark.parametrize("size", [0, 1, 2, 3, 17])
def test_sizes_survive_save_and_load(tmp_path: Path, size: int) -> None:
    """Including the single-hash bank that faiss-cpu 1.15.1's multi-hash index loses."""
    rng = np.random.default_rng(size)
    hashes = [rng.bytes(32).hex() for _ in range(size)]
    index = PdqIndex(scan_below=0)
    for i, h in enumerate(hashes):
        index.add(100 + i, h, "bank")
    index.save(tmp_path / "index.npz")
    loaded = PdqIndex.load(tmp_path / "index.npz", scan_below=0)
    assert len(loaded) == size
    for i, h in enumerate(hashes):
        assert loaded.query(h) == [Match(100 + i, 0, "bank")]
        assert loaded.query(near(h, [1, 2, 3, 200]))[0] == Match(100 + i, 4, "bank")
    if size == 0:
        assert loaded.query("f" * 64) == []


def test_single_hash_bank_after_reload_with_thresholds(tmp_path: Path) -> None:
    index = PdqIndex(scan_below=0)
    signal = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    index.add(7, signal, "one")
    index.set_threshold("one", 10)
    index.save(tmp_path / "one.npz")
    loaded = PdqIndex.load(tmp_path / "one.npz", scan_below=0)
    assert loaded.threshold("one") == 10
    assert loaded.query(near(signal, list(range(10)))) == [Match(7, 10, "one")]
    assert loaded.query(near(signal, list(range(11)))) == []
    loaded.add(8, near(signal, [0]), "one")
    assert [m.entry_id for m in loaded.query(signal)] == [7, 8]


def test_load_refuses_other_files(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.npz"
    bogus.write_bytes(b"\x80\x04K\x01.")  # a pickle
    with pytest.raises(ValueError, match="not a PDQ index"):
        PdqIndex.load(bogus)
    arrays = tmp_path / "arrays.npz"
    np.savez(arrays, meta=np.frombuffer(b'{"format": "other"}', dtype=np.uint8))
    with pytest.raises(ValueError, match="not a PDQ index"):
        PdqIndex.load(arrays)
    objects = tmp_path / "objects.npz"
    np.savez(objects, meta=np.array([{"format": "perisai.pdq-index"}], dtype=object))
    with pytest.raises(ValueError, match="not a PDQ index"):
        PdqIndex.load(objects)


def test_a_disabled_bank_never_matches() -> None:
    index = PdqIndex(scan_below=0)
    index.add(1, "0" * 64, "on")
    index.add(2, "0" * 64, "off")
    index.set_threshold("off", -1)
    assert index.query("0" * 64) == [Match(1, 0, "on")]
    assert index.query("0" * 64, max_distance=50) == [Match(1, 0, "on")]
    index.set_threshold("on", -1)
    assert index.query("0" * 64) == []
    index.set_threshold("off", 0)
    assert index.query("0" * 64) == [Match(2, 0, "off")]


def test_add_replaces_and_ids_of_any_size() -> None:
    index = PdqIndex(scan_below=0)
    a, b = "0" * 64, "f" * 64
    index.add(1, a)
    index.add(1, b)
    assert len(index) == 1
    assert index.query(a) == []
    big, negative = 2**40, -5
    index.add(big, a, "x")
    index.add(negative, near(a, [3]), "y")
    assert index.query(a) == [Match(big, 0, "x"), Match(negative, 1, "y")]
    assert index.remove(big)
    assert not index.remove(big)
    assert big not in index
    assert negative in index


def test_bulk_add_then_incremental_changes() -> None:
    rng = np.random.default_rng(5)
    codes = rng.integers(0, 256, size=(5000, 32), dtype=np.uint8)
    index = PdqIndex(scan_below=0)
    index.add_many(np.arange(5000), codes, "bulk")
    probe = codes[1234].tobytes().hex()
    assert index.query(probe)[0] == Match(1234, 0, "bulk")
    for i in range(5000, 5400):  # enough single adds to move buckets and grow the tables
        index.add(i, near(probe, [i % 256, (i * 7) % 256]), "new")
    assert len(index.query(probe)) == 1 + 400
    for i in range(5000, 5400, 2):
        index.remove(i)
    index.compact()
    assert len(index.query(probe)) == 1 + 200
    assert len(index) == 5200


def test_memory_per_hash_is_under_100_bytes() -> None:
    n = 200_000
    codes = np.random.default_rng(0).integers(0, 256, size=(n, 32), dtype=np.uint8)
    index = PdqIndex()
    index.add_many(np.arange(n), codes)
    # 32 hash + 4 id + 1 bank + the bulk tables' slots and directory (at most 58)
    assert index.memory_bytes() / n <= 95
    index.add(n, codes[0].tobytes().hex())  # one entry in the delta: its bucket heads appear
    assert index.memory_bytes() - 95 * n <= 13 * (1 << 20)


def test_layouts_stay_within_budget_and_widen_with_size() -> None:
    for n in (1, 100, 10_000, 1_000_000, 10_000_000, 50_000_000):
        plan = choose_plan(n)
        assert sum(plan.widths) == 256
        assert 37 + plan.table_bytes(n) <= 95 or n < 10_000  # the smallest tables: 8 KB
    big = choose_plan(10_000_000)
    assert min(big.bucket_bits) >= 22  # wide chunks at ten million: few candidates a probe
    assert big.expected_candidates(10_000_000, 31) < 5_000  # the 16x16 layout: 41,500
    assert big.probes(31) < 4096  # probed, not scanned


def _flip_pattern(
    plan: index_module._Plan, radius: int, spare: int, rng: np.random.Generator
) -> list[int]:
    """``radius`` bit positions that put ``r_c + 1`` flips in every chunk but ``spare``, which
    gets exactly ``r_c`` (the one chunk the pigeonhole promises), the rest anywhere else."""
    radii = index_module._chunk_radii(plan.chunks, radius)
    bits: list[int] = []
    for c, (start, width) in enumerate(zip(plan.starts, plan.widths, strict=True)):
        want = max(radii[c], 0) if c == spare else radii[c] + 1
        # Flip among the chunk's bucket bits (its top bits) when it can: the hardest place.
        top = min(width, plan.bucket_bits[c])
        pool = range(start, start + top) if want <= top else range(start, start + width)
        bits.extend(
            int(b) for b in rng.choice(list(pool), size=min(want, len(pool)), replace=False)
        )
    return bits[:radius]


@pytest.mark.parametrize("chunks", [8, 11, 14, 16])
@pytest.mark.parametrize("bucket_bits", [8, 13, 23])
@pytest.mark.parametrize("radius", [0, 1, 15, 30, 31, 32, 47])
@pytest.mark.parametrize("radix_rows", [0, 1 << 22])  # tables ordered by one sort, or by radix
def test_bulk_tables_find_every_hash_at_the_boundary(
    chunks: int, bucket_bits: int, radius: int, radix_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For layouts the index may choose: hashes at exactly the radius, with their flips spread
    so that only one chunk is within its search radius, are all candidates; brute force agrees
    on the index's answer at ``radius`` and ``radius + 1`` away."""
    monkeypatch.setattr(index_module, "_RADIX_ROWS", radix_rows)
    rng = np.random.default_rng(chunks * 1000 + bucket_bits * 10 + radius)
    plan = index_module._plan_of(chunks, bucket_bits)
    query = rng.integers(0, 256, size=32, dtype=np.uint8)
    bits = np.unpackbits(query)
    variants = []
    for k in range(3 * chunks):
        flipped = bits.copy()
        positions = _flip_pattern(plan, radius, k % chunks, rng)
        assert len(positions) == radius
        flipped[positions] ^= 1
        variants.append(np.packbits(flipped))
        outside = flipped.copy()  # one bit further: never a hit at this radius
        free = np.setdiff1d(np.arange(256), positions)
        outside[rng.choice(free)] ^= 1
        variants.append(np.packbits(outside))
    noise = rng.integers(0, 256, size=(2000, 32), dtype=np.uint8)
    codes = np.concatenate([np.array(variants), noise])
    tables = index_module._BulkTables(plan, codes)
    found = tables.candidates(query.tobytes(), radius)
    if found is None:  # more probes than rows: the index scans every row instead
        assert plan.probes(radius) > len(codes) // 8
        found = np.arange(len(codes))
    within = np.flatnonzero(np.unpackbits(codes ^ query, axis=1).sum(axis=1) <= radius)
    assert set(range(0, 6 * chunks, 2)) <= set(within.tolist())  # the planted ones
    assert set(within.tolist()) <= set(found.tolist())  # the pigeonhole holds
    index = PdqIndex(scan_below=0)
    index.add_many(np.arange(len(codes)), codes)
    hits = index.query(query.tobytes().hex(), max_distance=radius)
    assert sorted(m.entry_id for m in hits) == within.tolist()
    assert all(m.distance <= radius for m in hits)


@pytest.mark.parametrize("radix_rows", [0, 1 << 22])
def test_recall_equals_brute_force_on_a_large_bulk_index(
    radix_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 300,000-entry bank filed in the layout the index picks at ten million (11 chunks of
    23-24 bits, the wider ones filed by their top 23 bits), with 400 planted neighbours at
    distances 29-33 of 100 queries: the answers equal brute force."""
    monkeypatch.setattr(index_module, "_RADIX_ROWS", radix_rows)
    ten_million = choose_plan(10_000_000)
    monkeypatch.setattr(index_module, "choose_plan", lambda n, radius: ten_million)
    rng = np.random.default_rng(12)
    n = 300_000
    codes = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    queries = rng.integers(0, 256, size=(100, 32), dtype=np.uint8)
    for q in range(100):
        for k, distance in enumerate((29, 31, 32, 33)):
            bits = np.unpackbits(queries[q])
            bits[rng.choice(256, size=distance, replace=False)] ^= 1
            codes[q * 4 + k] = np.packbits(bits)
    index = PdqIndex()
    index.add_many(np.arange(n), codes)
    assert index.layout.startswith("11 chunks of 23-24 bits") and " 0 delta rows" in index.layout
    for query in queries:
        distances = np.unpackbits(codes ^ query, axis=1).sum(axis=1)
        truth = sorted(
            zip(
                distances[distances <= 31].tolist(),
                np.flatnonzero(distances <= 31).tolist(),
                strict=True,
            )
        )
        got = [(m.distance, m.entry_id) for m in index.query(query.tobytes().hex())]
        assert got == truth


def test_heavy_duplicates_widen_the_directory() -> None:
    """70,000 copies of one hash fill one bucket of every table: a directory block's 16-bit
    offsets cannot count past it, so they widen, and every copy is still found."""
    n = 70_000
    codes = np.zeros((n + 500, 32), dtype=np.uint8)
    codes[n:] = np.random.default_rng(2).integers(0, 256, size=(500, 32), dtype=np.uint8)
    index = PdqIndex()
    index.add_many(np.arange(n + 500), codes)
    assert len(index.query("0" * 64)) == n
    single = codes[n + 7].tobytes().hex()
    assert index.query(single) == [Match(n + 7, 0, "default")]


def test_incremental_changes_re_build_and_stay_exact() -> None:
    """Single adds beyond the delta's floor trigger a re-build; removals of bulk rows are
    marked, then reclaimed; answers stay exact throughout."""
    rng = np.random.default_rng(21)
    codes = rng.integers(0, 256, size=(3000, 32), dtype=np.uint8)
    index = PdqIndex(scan_below=0, delta_floor=100)
    index.add_many(np.arange(2000), codes[:2000])
    for i in range(2000, 3000):
        index.add(i, codes[i].tobytes().hex())
    assert "3000 rows" in index.layout or "delta rows" in index.layout
    for i in range(0, 3000, 3):
        assert index.remove(i)
    live = [i for i in range(3000) if i % 3]
    assert len(index) == len(live)
    for i in range(0, 3000, 97):
        query = codes[i].tobytes().hex()
        truth = [
            Match(j, int(np.unpackbits(codes[j] ^ codes[i]).sum()), "default")
            for j in live
            if np.unpackbits(codes[j] ^ codes[i]).sum() <= 31
        ]
        assert index.query(query) == sorted(truth, key=lambda m: (m.distance, m.entry_id))


def test_reads_run_while_another_thread_adds() -> None:
    rng = np.random.default_rng(9)
    index = PdqIndex(scan_below=0)
    base = [rng.bytes(32).hex() for _ in range(200)]
    for i, h in enumerate(base):
        index.add(i, h)
    errors: list[BaseException] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for i in range(200, 3000):
                index.add(i, rng.bytes(32).hex())
                if i % 3 == 0:
                    index.remove(i - 1)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    checks = 0
    while not done.is_set() or checks < 50:
        i = checks % 200
        assert index.query(base[i])[0] == Match(i, 0, "default")
        checks += 1
    thread.join()
    assert not errors


def test_bad_input_is_refused() -> None:
    index = PdqIndex()
    with pytest.raises(InvalidSignal):
        index.add(1, "xyz")
    with pytest.raises(InvalidSignal):
        index.query("0" * 63)
    with pytest.raises(ValueError, match="threshold"):
        index.set_threshold("a", 300)
    with pytest.raises(ValueError, match="threshold"):
        index.set_threshold("a", -2)
    with pytest.raises(ValueError, match="duplicate"):
        index.add_many([1, 1], ["0" * 64, "1" * 64])
    assert index.query("0" * 64, max_distance=-1) == []


def test_exact_index() -> None:
    index = ExactIndex(32)
    index.add(1, "D41D8CD98F00B204E9800998ECF8427E", "a")
    index.add(2, "d41d8cd98f00b204e9800998ecf8427e", "b")
    assert index.query("d41d8cd98f00b204e9800998ecf8427e") == [Match(1, 0, "a"), Match(2, 0, "b")]
    assert index.remove(1)
    assert len(index) == 1
    with pytest.raises(InvalidSignal):
        index.add(3, "abc")


def test_faiss_loses_a_single_code_bank_after_reload_and_we_do_not(tmp_path: Path) -> None:
    """Why PdqIndex is not a FAISS wrapper: faiss-cpu 1.15.1's IndexBinaryMultiHash holding
    exactly one code finds nothing once serialised and deserialised (HMA's single-hash bank)."""
    faiss = pytest.importorskip("faiss")
    code = np.random.default_rng(3).integers(0, 256, size=(1, 32), dtype=np.uint8)
    multi = faiss.IndexBinaryMultiHash(256, 16, 16)
    multi.nflip = 1
    multi.add(code)
    assert len(multi.range_search(code, 32)[2]) == 1
    reloaded = faiss.deserialize_index_binary(faiss.serialize_index_binary(multi))
    if faiss.__version__ == "1.15.1":
        assert len(reloaded.range_search(code, 32)[2]) == 0  # the bug, as measured
    ours = PdqIndex(scan_below=0)
    ours.add(1, code.tobytes().hex())
    ours.save(tmp_path / "one.npz")
    assert PdqIndex.load(tmp_path / "one.npz", scan_below=0).query(code.tobytes().hex()) == [
        Match(1, 0, "default")
    ]
