"""The packaged artefact, its validation, training determinism and the PAN reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perisai.grooming import GroomingInputError
from perisai.grooming.dataset import load_jsonl, load_pan
from perisai.grooming.evaluation import latency_penalty
from perisai.grooming.features import FEATURE_NAMES
from perisai.grooming.model import load_model, save_model
from perisai.grooming.training import train

DATA = Path(__file__).resolve().parents[1] / "data" / "grooming"


def test_packaged_artefact_loads_and_matches_the_code() -> None:
    # Load time (<= 1 s) is measured by benchmarks/grooming_speed.py, not asserted here.
    model = load_model()
    assert len(model.weights) == len(FEATURE_NAMES)
    assert 0.0 < model.threshold < 1.0
    assert model.platt_a > 0  # higher margin must mean higher risk


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("not json", "not JSON"),
        ('{"format": "other"}', "not a perisai-grooming-model"),
        ('{"format": "perisai-grooming-model", "format_version": 99}', "format_version"),
    ],
)
def test_bad_artefacts_are_rejected(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(GroomingInputError, match=fragment):
        load_model(path)


def test_artefact_with_other_features_is_rejected(tmp_path: Path) -> None:
    data = json.loads(json.dumps(load_model().to_json()))
    data["features"] = data["features"][:-1]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(GroomingInputError, match="retrain"):
        load_model(path)


def test_training_is_deterministic_and_skips_nothing_it_was_given(tmp_path: Path) -> None:
    items = [i for i in load_jsonl(DATA / "devset.jsonl") if i.split == "train"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    save_model(train(items, source="t"), first)
    save_model(train(items, source="t"), second)
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text())["metadata"]["conversations"] == len(items)


def test_training_needs_both_classes() -> None:
    items = [i for i in load_jsonl(DATA / "devset.jsonl") if not i.grooming]
    with pytest.raises(GroomingInputError, match="both"):
        train(items, source="t")


def test_pan_reader_labels_conversations_by_predator_id() -> None:
    items = load_pan(DATA / "pan_fixture.xml", DATA / "pan_fixture_predators.txt")
    assert [(i.conversation.id, i.grooming, i.suspect) for i in items] == [
        ("pan-a", True, "aa11"),
        ("pan-b", False, None),
        ("pan-c", False, None),
    ]
    assert items[0].conversation.messages[1].text == "13"


def test_pan_reader_rejects_broken_and_hostile_xml(tmp_path: Path) -> None:
    predators = DATA / "pan_fixture_predators.txt"
    broken = tmp_path / "broken.xml"
    broken.write_text("<conversations><conversation id='x'>")
    with pytest.raises(GroomingInputError, match="cannot parse"):
        load_pan(broken, predators)
    entity = tmp_path / "entity.xml"
    entity.write_text('<!DOCTYPE x [<!ENTITY e "boom">]><conversations>&e;</conversations>')
    with pytest.raises(GroomingInputError, match="cannot parse"):
        load_pan(entity, predators)


def test_espd_penalty_is_half_at_message_90() -> None:
    assert latency_penalty(1) == pytest.approx(0.0)
    assert latency_penalty(90) == pytest.approx(0.5)


def test_learned_layer_scores_like_training_and_only_adds_risk(tmp_path: Path) -> None:
    from perisai.grooming import Conversation, GroomingScorer, Message
    from perisai.grooming.learned import ngrams

    # the pure-Python extractor is the one training used (scikit-learn's analyzer)
    assert " hom" in ngrams("Home alone?") and "ome " in ngrams("Home alone?")
    assert ngrams("") == []
    items = [i for i in load_jsonl(DATA / "devset.jsonl") if i.split == "train"]
    split = len(items) * 2 // 3
    model = train(items[:split], source="t", calibration=items[split:], learned_layer=True)
    assert model.layer is not None and model.layer.weights
    path = tmp_path / "m.json"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.layer is not None and len(loaded.layer.weights) == len(model.layer.weights)
    text = "can u send me a pic of u, dont tell ur mum ok"
    assert abs(loaded.learned(text) - model.learned(text)) < 1e-3
    assert 0.0 <= loaded.learned("ok haha") <= 1.0
    for name in ("learned_hits", "learned_strong"):
        assert loaded.weights[FEATURE_NAMES.index(name)] >= 0.0  # sign-constrained
    without = json.loads(path.read_text())
    without["learned"] = None
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(without))
    chat = [
        Message("a", "hi, how old are u"),
        Message("b", "13"),
        Message("a", "send me a cute pic of urself"),
        Message("a", "just between us ok"),
    ]
    with_layer = GroomingScorer.load(path).score(Conversation("c", chat, {}))
    no_layer = GroomingScorer.load(plain).score(Conversation("c", chat, {}))
    assert with_layer.risk >= no_layer.risk  # the layer can add evidence, never remove it
    assert with_layer.signals == no_layer.signals  # lexicon signals and spans are unchanged


def test_malformed_learned_layer_is_rejected(tmp_path: Path) -> None:
    data = json.loads(json.dumps(load_model().to_json()))
    data["learned"] = {"ngram_range": [3, 5], "bias": 0.0, "weights": ["not", "a", "dict"]}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(GroomingInputError, match="learned layer"):
        load_model(path)
    data["learned"] = {"ngram_range": [1, 2], "bias": 0.0, "weights": {}}
    path.write_text(json.dumps(data))
    with pytest.raises(GroomingInputError, match="learned layer"):
        load_model(path)
