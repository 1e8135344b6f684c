"""Coverage-guided fuzzing of link parsing and comment normalization with atheris (libFuzzer):
``python -m bench.fuzz_atheris -runs=N [corpus dir]``. Called by bench/fuzz.py, which seeds the
corpus with the real link forms and reads libFuzzer's "Done N runs" line; any broken property
(the same checks as tests/fuzzing/links.py and texts.py) stops the run with the input saved."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["tgexchange.domain"]):
    from tests.fuzzing.links import check_link, check_message
    from tests.fuzzing.texts import check_normalization


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    text = provider.ConsumeUnicode(len(data))  # also lone surrogates, as JSON can carry them
    check_link(text)
    check_message(text)
    check_normalization(text)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
