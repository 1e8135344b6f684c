"""Retrain the models and rewrite their artifacts: ``tgexchange train ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tgexchange.cli.console import err, out, progress_bar

app = typer.Typer(help="Retrain the models and rewrite their artifacts.", no_args_is_help=True)


@app.command()
def spam(
    data_dir: Annotated[
        Path | None,
        typer.Option(help="A folder with the YouTube Spam Collection CSVs; default: the copy shipped in the package."),
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Where to write spam-v1.skops and spam-v1.json; default: the package's.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Retrain the quality gate's spam classifier and rewrite its artifact and metrics.

    Evaluates the training procedure once per file (trained on the others, tested on that one),
    then trains on all files and writes the model with its card (metrics, threshold, sha256).
    Takes about a minute.
    """
    from tgexchange.ml import artifact, card, dataset, evaluation, selection

    target = output_dir or artifact.ARTIFACT_DIR
    try:
        comments = dataset.load_collection(data_dir)
    except (OSError, ValueError, KeyError) as error:
        err.print(f"[red]Cannot read the collection in {data_dir or dataset.packaged_data_dir()}:[/] {error}")
        raise typer.Exit(1) from error
    sources = len(dataset.COLLECTION_FILES)
    total = evaluation.count_rotation_fits(sources) + selection.count_fits(sources)
    with progress_bar("training", quiet=quiet) as progress:
        bar = progress.add_task("spam classifier", total=total)

        def advance(description: str) -> None:
            progress.update(bar, advance=1, description=description)

        rotations = evaluation.rotations(comments, progress=advance)
        model, chosen = selection.train(comments, progress=advance)
    written = card.save_artifact(
        model,
        selection=chosen,
        rotations=rotations,
        data_dir=data_dir,
        trained_on=dataset.COLLECTION_FILES,
        directory=target,
    )
    table = Table(title="Each file held out (trained on the others)")
    for column in ("held out", "C", "threshold", "spam caught", "ham of 8+ words flagged"):
        table.add_column(column, justify="left" if column == "held out" else "right")
    for rotation in rotations:
        e = rotation.evaluation
        table.add_row(
            rotation.evaluated_on,
            f"{rotation.selection.c:g}",
            f"{e.threshold:.2f}",
            f"{e.spam_caught}/{e.spam} ({e.spam_recall:.1%})",
            f"{e.long_ham_flagged}/{e.long_ham} ({e.long_ham_false_positive_rate:.1%})",
        )
    out.print(table)
    out.print(
        f"Wrote {target / written['file']} (C={chosen.c:g}, threshold {model.threshold:.2f}, "
        f"sha256 {written['sha256'][:16]}…) and its card {model.version}.json."
    )
