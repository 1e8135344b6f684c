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
            help="Where to write the versioned artifact (spam-v4.skops, spam-v4.json); default: the package's."
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


@app.command()
def arrays(
    directory: Annotated[
        Path | None, typer.Option(help="The folder of the spam artifact (spam-v4.*); default: the package's.")
    ] = None,
) -> None:
    """Make the models' arrays again: the spam model's (from its skops file) and profanity-check's
    (from the installed package's model files), with their sha256 in the cards.

    Scoring reads these arrays instead of importing scikit-learn, skops and profanity-check. Run
    it after upgrading alt-profanity-check (until then its arrays are not used: the gate imports
    the package, a second slower at start-up). `tgexchange train spam` writes the spam model's.
    """
    from tgexchange.ml import artifact, model_arrays

    target = directory or artifact.ARTIFACT_DIR
    try:
        card = artifact.write_arrays(target)
        toxicity = model_arrays.write_toxicity(target)
    except model_arrays.ModelArtifactError as error:
        err.print(f"[red]Cannot make the arrays:[/] {error}", highlight=False)
        raise typer.Exit(1) from error
    source = toxicity["source"]
    out.print(
        f"Wrote {target / card['arrays']['file']} (sha256 {card['arrays']['sha256'][:16]}…, from {card['file']}) and"
        f" {target / toxicity['file']} (sha256 {toxicity['sha256'][:16]}…, from {source['package']} {source['version']}).",
        highlight=False,
    )


@app.command()
def reciprocity(
    estimator: Annotated[
        str, typer.Option(metavar="NAME", help="hgb (gradient boosting, default), rf (random forest) or xgboost.")
    ] = "hgb",
    as_json: Annotated[
        bool, typer.Option("--json", help='Print one JSON object (the model card, or {"error": ...}) as the last line.')
    ] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Train the reciprocity model (who gives back) on the history in DATABASE_URL.

    The tasks in time order: the model learns on the first 80% (its latest fifth calibrates the
    probabilities) and is scored on the last 20% against each member's own record. The new
    version is written under ML_MODEL_PATH and promoted only if it is not worse than the model in
    use on those newest tasks (before the first model: the members' own records, which matching
    uses until then). Exits 1 when there is too little history.
    """
    import json
    import sys

    from tgexchange.bootstrap import bootstrap
    from tgexchange.config import Settings
    from tgexchange.services import reciprocity as reciprocity_service

    container = bootstrap(Settings())
    with progress_bar("training", quiet=quiet or (as_json and not sys.stderr.isatty())) as progress:
        bar = progress.add_task("reciprocity: reading the history", total=None)

        def advance(stage: str, count: int) -> None:
            description = {"read": "reading the history", "features": "features", "fit": "fitting"}[stage]
            progress.update(bar, description=f"reciprocity: {description} ({count:,})")

        try:
            retrained = reciprocity_service.retrain(
                container.reciprocity_learner, estimator=estimator, progress=advance
            )
        except ValueError as error:  # too little history, or an estimator that cannot be built
            err.print(f"[red]Cannot train the reciprocity model:[/] {error}")
            if as_json:  # as `url` and `quality` answer: a script reading the last line learns why
                sys.stdout.write(json.dumps({"error": f"Cannot train the reciprocity model: {error}"}) + "\n")
            raise typer.Exit(1) from error
        finally:
            container.storage.dispose()
    card = retrained.card
    model_path = container.settings.model_dir / str(card["file"])
    if as_json:
        summary = {
            **{k: card.get(k) for k in ("version", "roc_auc", "baseline_auc", "brier", "baseline_brier", "ece")},
            **{k: card.get(k) for k in ("log_loss", "mse", "r2", "ece_before_calibration", "training_seconds")},
            "samples": card["samples"],
            "served": card.get("served"),
            "model_path": str(model_path),
            "promoted": retrained.promoted,
        }
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    table = Table(title=f"Reciprocity model {card['version']} ({card['estimator']}), on the newest 20% of tasks")
    for column in ("", "model", "members' own record"):
        table.add_column(column, justify="left" if not column else "right")
    baseline = card["baseline"]
    for label, key in (("ROC AUC", "roc_auc"), ("Brier", "brier"), ("log loss", "log_loss"), ("ECE", "ece")):
        mine, theirs = card.get(key), baseline.get(key)
        table.add_row(label, "—" if mine is None else f"{mine:.3f}", "—" if theirs is None else f"{theirs:.3f}")
    out.print(table)
    samples = card["samples"]
    out.print(
        f"Trained on {samples['train']:,} tasks, calibrated on {samples['calibration']:,}, tested on"
        f" {samples['test']:,} in {card['training_seconds']:.1f} s; ECE {card['ece_before_calibration']:.3f}"
        f" before calibration. Wrote {model_path}."
    )
    served = card.get("served")
    if served:
        out.print(
            f"The model it serves is the same recipe refitted on all {served['train'] + served['calibration']:,}"
            f" tasks (the newest {served['calibration']:,} calibrate it); the scores above are the recipe's, on"
            " tasks the scored model never saw."
        )
    if retrained.promoted:
        out.print("Promoted: it is the model in use now.")
    elif retrained.against_cold_start:
        out.print(
            "Not promoted: the members' own records, which matching uses until a model is promoted,"
            " did better on the newest tasks."
        )
    else:
        out.print("Not promoted: the model in use did better on the newest tasks.")
