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
        Path | None,
        typer.Option(
            help="Where to write the versioned artifact (spam-v2.skops, spam-v2.json); default: the package's."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Retrain the quality gate's spam classifier and rewrite its artifact and metrics.

    Evaluates the training procedure once per video (trained on the other videos, the threshold
    chosen on those only, then the held-out video judged by the whole gate), then trains on all
    videos and writes the model with its card (metrics, threshold, sha256). Takes about a minute.
    """
    from tgexchange.ml import artifact, card, dataset, evaluation, selection

    target = output_dir or artifact.ARTIFACT_DIR
    try:
        comments = dataset.load_collection(data_dir)
    except (OSError, ValueError, KeyError) as error:
        err.print(f"[red]Cannot read the collection in {data_dir or dataset.packaged_data_dir()}:[/] {error}")
        raise typer.Exit(1) from error
    videos = len(dataset.COLLECTION_FILES)
    total = evaluation.count_rotation_fits(videos) + selection.count_fits(videos)
    with progress_bar("training", quiet=quiet) as progress:
        bar = progress.add_task("spam classifier", total=total)

        def advance(description: str) -> None:
            progress.update(bar, advance=1, description=description)

        rotations = evaluation.rotations(comments, progress=advance)
        model, chosen = selection.train_spam_model(comments, progress=advance)
    written = card.save_artifact(
        model,
        selection=chosen,
        rotations=rotations,
        data_dir=data_dir,
        trained_on=dataset.COLLECTION_FILES,
        directory=target,
    )
    table = Table(title="Each video held out (trained and thresholded on the others, judged by the whole gate)")
    for column in ("held out", "threshold", "spam rejected", "ham of 8+ words rejected as spam"):
        table.add_column(column, justify="left" if column == "held out" else "right")
    for rotation in rotations:
        e = rotation.evaluation
        table.add_row(
            rotation.evaluated_on,
            f"{e.threshold:.3f}",
            f"{e.spam_rejected}/{e.spam} ({e.spam_recall:.1%})",
            f"{e.long_ham_rejected_as_spam}/{e.long_ham} ({e.long_ham_false_rejection:.1%})",
        )
    out.print(table)
    summary = evaluation.summarise(rotations)
    out.print(
        f"Worst video: {summary.worst_recall:.1%} of spam rejected (mean {summary.mean_recall:.1%}, spread"
        f" {summary.recall_spread:.1%}); ham of 8+ words rejected as spam: worst {summary.worst_false_rejection:.1%},"
        f" pooled {summary.pooled_false_rejection:.1%}."
    )
    out.print(
        f"Wrote {target / written['file']} (threshold {model.threshold:.3f}, "
        f"sha256 {written['sha256'][:16]}…) and its card {model.version}.json."
    )
