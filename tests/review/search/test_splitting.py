"""CharSplit's tables are read lazily: importing the app costs nothing, splitting works as the
package's own import would (which compiles a 39 MB module for ~20 s, near 4 GB of memory)."""

from __future__ import annotations

import os
import subprocess
import sys

from review.search.splitting import split_compound
from tests.conftest import ROOT


def test_compounds_split_as_charsplit_splits_them() -> None:
    score, modifier, head = split_compound("flüchtlingsunterkunft")[0]
    assert (modifier, head) == ("Flüchtlings", "Unterkunft")
    assert round(score, 4) == 0.5998
    assert split_compound("ausländerbehörde")[0][1:] == ("Ausländer", "Behörde")


def test_starting_the_app_loads_no_splitting_tables() -> None:
    script = (
        "import sys, django; django.setup(); import review.search.analysis;"
        "print('compound_split.de_ngram_probs' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
