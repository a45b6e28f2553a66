"""`perisai grooming` commands: score conversations, train and evaluate the combiner.

Heavy imports (scikit-learn, numpy) stay inside the commands so `perisai --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from perisai import clikit

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
    from perisai.grooming.models import GroomingInputError  # noqa: PLC0415
    from perisai.grooming.scorer import GroomingScorer  # noqa: PLC0415
    from perisai.grooming.serialise import (  # noqa: PLC0415
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
    return "\n".join(lines)
