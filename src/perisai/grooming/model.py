"""The packaged model: a calibrated logistic combiner stored as plain numbers in JSON.

No pickle: the artefact is a small, reviewable, diff-able JSON file whose feature names must match
the code's, so a model trained for another feature set can never be loaded silently.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from perisai.grooming.features import FEATURE_NAMES
from perisai.grooming.learned import NgramLayer, layer_from_json
from perisai.grooming.models import GroomingInputError

ARTEFACT_FORMAT = "perisai-grooming-model"
ARTEFACT_FORMAT_VERSION = 1
PACKAGED_ARTEFACT = "grooming_model.json"


@dataclass(frozen=True, slots=True)
class CombinerModel:
    version: str
    weights: tuple[float, ...]
    bias: float
    platt_a: float
    platt_b: float
    threshold: float
    metadata: dict[str, Any]
    layer: NgramLayer | None = None  # the learned second layer; None scores every message 0

    def learned(self, text: str) -> float:
        return self.layer.probability(text) if self.layer is not None else 0.0

    def margin(self, features: list[float]) -> float:
        return self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))

    def probability(self, features: list[float]) -> float:
        """Platt-calibrated probability: sigmoid(a * margin + b)."""
        z = self.platt_a * self.margin(features) + self.platt_b
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ARTEFACT_FORMAT,
            "format_version": ARTEFACT_FORMAT_VERSION,
            "version": self.version,
            "features": list(FEATURE_NAMES),
            "weights": [round(w, 8) for w in self.weights],
            "bias": round(self.bias, 8),
            "calibration": {
                "method": "platt",
                "a": round(self.platt_a, 8),
                "b": round(self.platt_b, 8),
            },
            "threshold": round(self.threshold, 6),
            "metadata": self.metadata,
            "learned": self.layer.to_json() if self.layer is not None else None,
        }


def model_from_json(data: object, source: str) -> CombinerModel:
    """Validate a parsed artefact; any mismatch is a GroomingInputError naming the source."""
    if not isinstance(data, dict) or data.get("format") != ARTEFACT_FORMAT:
        raise GroomingInputError(f"{source}: not a {ARTEFACT_FORMAT} artefact")
    if data.get("format_version") != ARTEFACT_FORMAT_VERSION:
        raise GroomingInputError(
            f"{source}: unsupported format_version {data.get('format_version')!r}"
        )
    if data.get("features") != list(FEATURE_NAMES):
        raise GroomingInputError(f"{source}: feature names differ from this code; retrain it")
    try:
        weights = tuple(float(w) for w in data["weights"])
        calibration = data["calibration"]
        model = CombinerModel(
            version=str(data["version"]),
            weights=weights,
            bias=float(data["bias"]),
            platt_a=float(calibration["a"]),
            platt_b=float(calibration["b"]),
            threshold=float(data["threshold"]),
            metadata=dict(data.get("metadata", {})),
            layer=layer_from_json(data["learned"], source)
            if data.get("learned") is not None
            else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GroomingInputError(f"{source}: malformed artefact ({exc})") from exc
    if len(weights) != len(FEATURE_NAMES):
        raise GroomingInputError(f"{source}: expected {len(FEATURE_NAMES)} weights")
    return model


def load_model(path: Path | None = None) -> CombinerModel:
    """Load an artefact from `path`, or the one packaged with the library."""
    if path is None:
        text = (
            resources.files("perisai.grooming.data").joinpath(PACKAGED_ARTEFACT).read_text("utf-8")
        )
        source = PACKAGED_ARTEFACT
    else:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GroomingInputError(f"{path}: cannot read model artefact ({exc})") from exc
        source = str(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GroomingInputError(f"{source}: artefact is not JSON ({exc.msg})") from exc
    return model_from_json(data, source)


def save_model(model: CombinerModel, path: Path) -> None:
    path.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n", "utf-8")
