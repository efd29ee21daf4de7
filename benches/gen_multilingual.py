#!/usr/bin/env python3
"""A JSONL corpus of Cyrillic and Greek text, for timing the non-ASCII paths of `scour run`.

Every other document is Russian or Greek: paragraphs of 25-60 words drawn at random (seed 3)
from one news sentence each, 12,000 documents, about 42.7 MB. It is not realistic text; it
exercises the per-character work (letters, case, accents) that English text mostly skips.

    python3 benches/gen_multilingual.py /tmp/cyr.jsonl
    scour run --input /tmp/cyr.jsonl --output /tmp/cyr-out --threads 1
"""
import json
import random
import sys

RUSSIAN = (
    "Москва правительство заявило сегодня что новые меры поддержки экономики будут приняты "
    "в ближайшее время после обсуждения с экспертами и представителями бизнеса в регионах "
    "страны"
).split()
GREEK = (
    "Η κυβέρνηση ανακοίνωσε σήμερα ότι τα νέα μέτρα στήριξης της οικονομίας θα ληφθούν "
    "σύντομα μετά από συζήτηση με ειδικούς"
).split()


def main(path: str) -> None:
    random.seed(3)
    with open(path, "w", encoding="utf-8") as f:
        for d in range(12000):
            words = RUSSIAN if d % 2 == 0 else GREEK
            paras = []
            for _ in range(random.randint(4, 9)):
                n = random.randint(25, 60)
                paras.append(" ".join(random.choice(words) for _ in range(n)) + ".")
            f.write(json.dumps({"text": "\n\n".join(paras)}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/cyr.jsonl")
