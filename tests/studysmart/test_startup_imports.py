"""Starting Django stays cheap: every web process, worker and `manage.py` command pays for what
`django.setup()` imports (the admin modules included), so heavy libraries load where used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHOW_IMPORTS = """
import json, sys, django
django.setup()
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_it_sets_django_up_without_scipy_tensorflow_or_langchain_providers() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "studysmart.settings", "STUDYSMART_ENV_FILE": ""}
    result = subprocess.run(
        [sys.executable, "-c", SHOW_IMPORTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert {"scipy", "tensorflow", "keras", "langchain_google_genai"} & loaded == set()
