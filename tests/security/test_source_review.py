"""Reviews of the source that fail when a new instance of a risky pattern appears: a secret
compared with ``==`` (timing), and SQL text built from pieces (injection). Each allowed instance
is listed with the reason it is safe; the scanners themselves are tested on code that breaks the
rules, so a scan that finds nothing is not a scan that cannot find anything."""

from __future__ import annotations

from tests.security.scan import built_sql, parsed, secret_comparisons

# (file, the line's code): why it is not a secret compared in variable time.
COMPARISONS_REVIEWED = {
    (
        "adapters/db/dashboard.py",
        ".where(_links.c.token_digest == token_digest, _links.c.used_at.is_(None), _links.c.expires_at > now)",
    ): "SQL, not Python: the database looks up the sha256 of a login token; timing reveals nothing about the token.",
    (
        "cli/doctor_network.py",
        "elif registered != expected:",
    ): "The webhook URL Telegram has against the one configured: public addresses, not secrets.",
    (
        "ml/artifact.py",
        'if sha256_of(data) != card.get("sha256"):',
    ): "Integrity of a model file against its public card; neither side is a secret.",
    (
        "ml/artifact.py",
        'if sha256_of(arrays_data) != named.get("sha256"):',
    ): "Integrity of the model's arrays against their public card; neither side is a secret.",
    (
        "ml/artifact.py",
        "if source != sha256_of(data):",
    ): "Which public skops file the arrays were made from, against the one loaded; no secret.",
    (
        "ml/model_arrays.py",
        "if sha256_of(data) != expected_sha:",
    ): "Integrity of profanity-check's arrays against their public card; neither side is a secret.",
    (
        "ml/reciprocity_artifact.py",
        'if card.get("sha256") != _sha256(data):',
    ): "Integrity of a model file against its public card; neither side is a secret.",
    (
        "web/initdata.py",
        "if len(given) != _HEX_SHA256:",
    ): "Compares the length of the given hash with the public length of every SHA-256 hex digest.",
}
# (file, the line's code): why no input reaches the text that is built.
SQL_REVIEWED = {
    (
        "adapters/db/engine.py",
        'cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")',
    ): "A module constant (an int); PRAGMA takes no bound parameters.",
    (
        "adapters/db/engine.py",
        'cursor.execute(f"PRAGMA synchronous={synchronous}")',
    ): "NORMAL or OFF, chosen by the code from a bool (make_engine's throwaway); PRAGMA takes no bound parameters.",
    (
        "adapters/db/engine.py",
        'cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")',
    ): "A module constant (an int, adapters/db/checkpoints.py); PRAGMA takes no bound parameters.",
    (
        "adapters/db/rollup.py",
        'connection.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")',
    ): "The names of the rollup tables from the schema module; table names cannot be bound.",
}


def test_secrets_are_compared_in_constant_time() -> None:
    found = {(path, code) for path, _, code in secret_comparisons()}
    assert found == set(COMPARISONS_REVIEWED), (
        "compare secrets with hmac.compare_digest, or review the new comparison and list it here: "
        f"new {sorted(found - set(COMPARISONS_REVIEWED))}, gone {sorted(set(COMPARISONS_REVIEWED) - found)}"
    )


def test_sql_values_go_through_bound_parameters() -> None:
    found = {(path, code) for path, _, code in built_sql()}
    assert found == set(SQL_REVIEWED), (
        "bind values as parameters, or review the new statement and list it here: "
        f"new {sorted(found - set(SQL_REVIEWED))}, gone {sorted(set(SQL_REVIEWED) - found)}"
    )


BAD = """
import hmac, sqlalchemy as sa

def check(request, settings, member_id, name):
    if request.headers["x-token"] == settings.webhook_secret:
        pass
    if hmac_of(body) != given:
        pass
    if fields["hash"] == computed:
        pass
    ok = hmac.compare_digest(token, expected)
    if scheme == "bearer" and token is not None:
        pass
    session.execute(sa.text(f"SELECT * FROM members WHERE id = {member_id}"))
    query = "DELETE FROM tasks WHERE name = '%s'" % name
    connection.exec_driver_sql(query)
    connection.execute(sa.text("SELECT 1 WHERE id = :id"), {"id": member_id})
"""


def test_the_scanners_find_what_they_look_for() -> None:
    module = parsed("bad.py", BAD)
    assert [line for _, line, _ in secret_comparisons([module])] == [5, 7, 9]
    assert sorted(line for _, line, _ in built_sql([module])) == [14, 16]
