"""`perisai grooming` commands: score conversations, train and evaluate the combiner.

Heavy imports (scikit-learn, numpy) stay inside the commands so `perisai --help` stays fast.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from perisai import clikit

if TYPE_CHECKING:
    from perisai.grooming.dataset import Labelled

app = typer.Typer(help="Grooming-risk scoring of chat conversations.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model artefact (default: the packaged one).")
]


@app.callback()
def grooming() -> None:
    """Score chat conversations for grooming risk; train and evaluate the model."""


def _read_input(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as exc:
        clikit.fail(f"cannot read {file}: {exc.strerror or exc}")


def _warn(message: str) -> None:
    sys.stderr.write(f"perisai: error: {' '.join(message.split())}\n")


@app.command("score")
def score_command(
    file: Annotated[str, typer.Argument(help="JSON conversation or JSONL of them; '-' for stdin.")],
    json_output: JsonOption = False,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Flag threshold 0-1 (default: model's).")
    ] = None,
    model: ModelOption = None,
) -> None:
    """Score conversations; bad lines are reported on stderr (exit 2) while good ones are scored."""
    # Imported here, not at the top, so `perisai --help` does not pay for the model code.
    from perisai.grooming.models import GroomingInputError
    from perisai.grooming.scorer import GroomingScorer
    from perisai.grooming.serialise import (
        assessment_to_dict,
        conversation_from_dict,
        read_json_objects,
    )

    try:
        scorer = GroomingScorer.load(model, threshold=threshold)
    except GroomingInputError as exc:
        clikit.fail(str(exc))
    bad = 0
    for parsed in read_json_objects(_read_input(file)):
        if parsed.obj is None:
            bad += 1
            _warn(parsed.error or f"line {parsed.line}: unreadable")
            continue
        try:
            conversation = conversation_from_dict(parsed.obj, f"line {parsed.line}")
            result = assessment_to_dict(scorer.score(conversation))
        except GroomingInputError as exc:
            bad += 1
            _warn(str(exc))
            continue
        if json_output:
            clikit.emit(result)
        else:
            typer.echo(_human(result))
    if bad:
        raise typer.Exit(clikit.EXIT_BAD_INPUT)


def _human(result: dict[str, object]) -> str:
    verdict = "FLAG" if result["flag"] else "ok"
    lines = [
        f"{result['id']}\trisk={result['risk']:.3f}\t{verdict}\tstage={result['stage']}"
        f"\tsuspect={result['suspect']}\tfirst_flag_message={result['first_flag_message']}"
    ]
    signals = result["signals"]
    assert isinstance(signals, list)
    lines += [
        f"  #{s['message']} {s['kind']} ({s['stage']}, {s['lang']}): {s['evidence']!r}"
        for s in signals
    ]
    hits = result.get("learned", [])
    assert isinstance(hits, list)
    lines += [
        f"  #{h['message']} learned (p={h['probability']:.2f}): {h['evidence']!r}" for h in hits
    ]
    return "\n".join(lines)


DEFAULT_DEVSET = Path("tests/data/grooming/devset.jsonl")


@app.command("train")
def train_command(
    pan_xml: Annotated[Path | None, typer.Option("--pan-xml", help="PAN 2012 XML.")] = None,
    pan_predators: Annotated[
        Path | None, typer.Option("--pan-predators", help="PAN 2012 predator-id list.")
    ] = None,
    jsonl: Annotated[
        list[Path] | None, typer.Option("--jsonl", help="Labelled JSONL (repeatable).")
    ] = None,
    dev_jsonl: Annotated[
        list[Path] | None,
        typer.Option(
            "--dev-jsonl",
            help="Held-out development JSONL to train on whatever its split says (repeatable); "
            "never pass the held-out test file.",
        ),
    ] = None,
    calibration_jsonl: Annotated[
        list[Path] | None,
        typer.Option(
            "--calibration-jsonl",
            help="Chats written apart from the lexicon (repeatable): the learned layer never "
            "trains on them, the combiner learns from them how far to trust it; --dev-jsonl "
            "files then train the layer too.",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Flag threshold to store instead of the CV choice."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Artefact to write.")] = None,
    learned_layer: Annotated[
        bool,
        typer.Option(
            "--learned-layer",
            help="Also fit the character n-gram layer (the packaged model has one; see "
            "docs/grooming.md).",
        ),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Rebuild the model artefact (deterministically) from PAN XML and/or labelled JSONL.

    Records whose `split` is "test" are never trained on.
    """
    from perisai.grooming.dataset import load_jsonl, load_pan
    from perisai.grooming.model import PACKAGED_ARTEFACT, save_model
    from perisai.grooming.models import GroomingInputError
    from perisai.grooming.training import train

    if threshold is not None and not 0.0 < threshold < 1.0:
        clikit.fail(f"--threshold must be between 0 and 1, got {threshold}")
    if (pan_xml is None) != (pan_predators is None):
        clikit.fail("--pan-xml and --pan-predators go together")
    if pan_xml is None and not jsonl and not dev_jsonl:
        clikit.fail("nothing to train on: give --jsonl FILE and/or --pan-xml/--pan-predators")
    sources: list[str] = []
    try:
        items = []
        if pan_xml is not None and pan_predators is not None:
            items += load_pan(pan_xml, pan_predators)
            sources.append(f"pan:{pan_xml.name}")
        for path in jsonl or []:
            items += load_jsonl(path)
            sources.append(f"jsonl:{path.name}")
        held_out = sum(1 for item in items if item.split == "test")
        items = [item for item in items if item.split != "test"]
        dev = _load_not_test(dev_jsonl, "dev", sources)
        apart = _load_not_test(calibration_jsonl, "calibration", sources)
        # With a calibration set apart, the dev chats train the layer too; without one they
        # are the layer's apart set, as before.
        items, calibration = ([*items, *dev], apart) if apart else (items, dev)
        model = train(
            items, source=",".join(sources), calibration=calibration, learned_layer=learned_layer
        )
        if threshold is not None:
            chosen = f"{threshold} given to train --threshold (cross-validated: {model.threshold})"
            model = replace(
                model, threshold=threshold, metadata={**model.metadata, "threshold": chosen}
            )
    except GroomingInputError as exc:
        clikit.fail(str(exc))
    target = out or Path(__file__).parent / "data" / PACKAGED_ARTEFACT
    save_model(model, target)
    summary = {
        "out": str(target),
        "version": model.version,
        "trained_on": len(items) + len(calibration),
        "held_out_skipped": held_out,
        "threshold": model.threshold,
    }
    if json_output:
        clikit.emit(summary)
    else:
        typer.echo(" ".join(f"{k}={v}" for k, v in summary.items()))


def _load_not_test(paths: list[Path] | None, role: str, sources: list[str]) -> list[Labelled]:
    """Records of `paths` whatever their split (dev and calibration files are training data),
    refusing any file named like a test set."""
    from perisai.grooming.dataset import load_jsonl

    records: list[Labelled] = []
    for path in paths or []:
        if "test" in path.stem:
            clikit.fail(f"{path}: refusing to train on a file named like a test set")
        records += load_jsonl(path)
        sources.append(f"{role}:{path.name}")
    return records


@app.command("eval")
def eval_command(
    jsonl: Annotated[
        Path, typer.Option("--jsonl", help="Labelled JSONL to evaluate on.")
    ] = DEFAULT_DEVSET,
    split: Annotated[str, typer.Option("--split", help="test, train or all.")] = "test",
    threshold: Annotated[float | None, typer.Option("--threshold")] = None,
    model: ModelOption = None,
    json_output: JsonOption = False,
    robustness: Annotated[
        bool,
        typer.Option(
            "--robustness",
            help="Also run the padding test (benign chats after 4, 8, 16 neutral messages) and "
            "the hint test (suspect declared 30, others 13).",
        ),
    ] = False,
) -> None:
    """Precision, recall, F0.5, ROC-AUC, per-language figures and early detection."""
    from perisai.grooming.dataset import load_jsonl
    from perisai.grooming.evaluation import evaluate, hint_test, padding_test
    from perisai.grooming.models import GroomingInputError
    from perisai.grooming.scorer import GroomingScorer

    if split not in ("test", "train", "all"):
        clikit.fail("--split must be test, train or all")
    try:
        scorer = GroomingScorer.load(model, threshold=threshold)
        items = [i for i in load_jsonl(jsonl) if split in ("all", i.split)]
    except GroomingInputError as exc:
        clikit.fail(str(exc))
    if not items:
        clikit.fail(f"no conversations in split {split!r} of {jsonl}")
    report = evaluate(scorer, items)
    if robustness:
        report["padding_test"] = padding_test(scorer, items)
        report["hint_test"] = hint_test(scorer, items)
    if json_output:
        clikit.emit(report)
        return
    typer.echo(_human_report(report))


def _human_report(r: dict[str, Any]) -> str:
    early = r["early_detection"]
    lines = [
        f"model {r['model']} threshold {r['threshold']} on {r['n']} conversations",
        f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  F0.5 {r['f0_5']:.3f}  "
        f"F1 {r['f1']:.3f}  ROC-AUC {r['roc_auc']}",
        f"flagged by first image/camera/meeting request: "
        f"{early['flagged_by_first_contact_request']}  median messages indicator->flag: "
        f"{early['median_messages_from_first_indicator_to_flag']}  latency-weighted F1: "
        f"{early['latency_weighted_f1']}",
    ]
    for lang, m in r["per_language"].items():
        lines.append(
            f"  {lang:<10} n={m['n']:<4} P={m['precision']:.3f} R={m['recall']:.3f} "
            f"F0.5={m['f0_5']:.3f} AUC={m['roc_auc']}"
        )
    for origin, m in r.get("per_origin", {}).items():
        lines.append(
            f"  origin {origin:<10} n={m['n']:<4} P={m['precision']:.3f} R={m['recall']:.3f} "
            f"F0.5={m['f0_5']:.3f}"
        )
    lines.append(f"false alarms by category: {r['false_alarms_by_category']}")
    if r.get("padding_test"):
        p = r["padding_test"]
        lines.append(
            f"padding test ({p['benign']} benign): false alarms by neutral messages prefixed "
            f"{p['false_alarms']}, worst +{p['added_points']} points"
        )
    if r.get("hint_test"):
        h = r["hint_test"]
        lines.append(
            f"hint test ({h['grooming']} grooming, suspect 30 / others 13): recall "
            f"{h['recall_without_hints']} -> {h['recall_with_hints']}, flags lost "
            f"{h['flags_lost']}, risk lowered {h['risk_lowered']}"
        )
    if r["missed"]:
        lines.append(f"missed: {', '.join(r['missed'])}")
    if r["false_positives"]:
        lines.append(f"false positives: {', '.join(r['false_positives'])}")
    return "\n".join(lines)
