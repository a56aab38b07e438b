"""A State's archive at 100,000 recommendations with their history: export and import, memory and time.

1. Uses the State of ``bench/bigstate.py`` (100,000 recommendations, each with its "created"
   history entry and a fifth with an "updated" one too; seeded once, reused).
2. ``manage.py export_state`` of it into a temporary file, then ``manage.py import_state`` of
   that file as a new State, each in a child process, as an operator runs them: the peak
   resident memory of each (``os.wait4``'s ``ru_maxrss``), its wall and CPU seconds, and the
   archive's size (targets: 300 MB each, whatever the State's size).
3. Checks that the copy has as many recommendations and history entries as the original had
   (plus the import's own "created" entries), then deletes the copy (archive, then delete, as
   the console does), so the bench can run again.

Prints one JSON line. Run: python -m nrtd.devtools bench bench/state_archive.py [--records 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

from django.db import connection  # noqa: E402

from bench import bigstate  # noqa: E402
from console.services import state_archive, state_delete  # noqa: E402
from recommendations.models import Recommendation  # noqa: E402
from tenants.models import HistoryEntry, State  # noqa: E402
from tenants.scoping import cross_state_access  # noqa: E402

COPY = "bench-big-copy"


def child(*args: str) -> dict:
    """``manage.py`` with ``args`` in a child process: its peak memory and its seconds."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, stdout=subprocess.PIPE)
    output = process.stdout.read().decode().strip()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"manage.py {args[0]} failed ({status}): {output}")
    print(output, file=sys.stderr)
    return {
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
    }


def delete_copy() -> None:
    with cross_state_access():
        copy = State.objects.filter(slug=COPY).first()
        if copy is None:
            return
        if copy.status != State.Status.ARCHIVED:
            copy = state_archive(state=copy, actor=None, reason="bench/state_archive.py")
        state_delete(state=copy, actor=None, confirm_slug=COPY, reason="bench/state_archive.py")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()

    state = bigstate.seed(args.records)
    delete_copy()
    with cross_state_access():
        recommendations = Recommendation.objects.filter(state=state).count()
        history = HistoryEntry.objects.filter(state=state).count()
    connection.close()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.zip"
        export = child("export_state", state.slug, str(path))
        size_mb = round(path.stat().st_size / 1024 / 1024, 1)
        imported = child("import_state", str(path), "--slug", COPY, "--iso3", "QBC", "--name", "Bench copy")
    with cross_state_access():
        copy = State.objects.get(slug=COPY)
        copied = Recommendation.objects.filter(state=copy).count()
        copied_history = HistoryEntry.objects.filter(state=copy).count()
    if copied != recommendations or copied_history < history:
        raise SystemExit(f"the copy differs: {copied} recommendations, {copied_history} history entries")
    delete_copy()
    print(
        json.dumps(
            {
                "recommendations": recommendations,
                "history_entries": history,
                "archive_mb": size_mb,
                "export_peak_rss_mb": export["peak_rss_mb"],
                "export_wall_s": export["wall_s"],
                "export_cpu_s": export["cpu_s"],
                "import_peak_rss_mb": imported["peak_rss_mb"],
                "import_wall_s": imported["wall_s"],
                "import_cpu_s": imported["cpu_s"],
                "copy_history_entries": copied_history,
                "load_average": [round(value, 2) for value in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
