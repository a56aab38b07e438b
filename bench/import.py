"""Import speed and memory: the UHRI full-export path end to end.

1. Generates a UHRI-full-export-shaped JSON of 250,000 records over 200 States (streamed to a
   temporary file, about 1 KB a record), and imports one State's share through the same
   service as the workspace and the command (parse, match, write, history): the whole file is
   read, so this measures the full-file pass (target: 20 MB/s or better).
2. Generates 100,000 records of one State and imports them into an empty State: records
   written per second with history on (target: 5,000 or more).
3. Peak resident memory of the process over both (target: under 300 MB whatever the size).

Prints one JSON line: full_pass_mb_s, write_records_s, peak_rss_mb (and the sizes).
Run: python -m nrtd.devtools bench bench/import.py  [--records 250000 --states 200 --write 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

from imports.models import ImportJob  # noqa: E402
from imports.runs import import_job_run, parse_options_for  # noqa: E402
from recommendations.models import Recommendation  # noqa: E402
from tenants.models import State  # noqa: E402
from tenants.scoping import cross_state_access, state_context  # noqa: E402

THEMES = [
    "Equality & non-discrimination",
    "Right to education",
    "Women's rights",
    "Children: definition; general principles",
]
GROUPS = ["Children", "Women & girls", "Persons with disabilities", "Migrants"]
TEXT = (
    "<p>{para} Continue its efforts to promote and safeguard the right to education for all, including children "
    "with disabilities and children belonging to minorities, and ensure that the national action plan on human "
    "rights is adequately resourced and monitored ({country});</p>"
)


def record(number: int, country: str, rng: random.Random) -> dict:
    upr = number % 3 != 0
    return {
        "AnnotationId": str(uuid.UUID(int=rng.getrandbits(128))),
        "AnnotationType": "- Recommendations" if upr else "- Concerns/Observations",
        "Body": "- UPR" if upr else "- CRC",
        "Countries": [country],
        "DocumentId": str(uuid.UUID(int=rng.getrandbits(128))),
        "PublicationDate": "2025-02-12T00:00:00",
        "PublicationDateOnUhri": "2025-03-04T00:00:00",
        "Regions": ["Eastern European States"],
        "Sdgs": ["16.2 - Protect children from abuse, exploitation, trafficking and violence", "4 - QUALITY EDUCATION"],
        "Symbol": f"A/HRC/{40 + number % 20}/{number % 97}" if upr else f"CRC/C/{number % 500}/CO/5-6",
        "Text": TEXT.format(para=f"{120 + number % 30}.{number}", country="Pakistan"),
        "Themes": rng.sample(THEMES, 2),
        "AffectedPersons": rng.sample(GROUPS, 2),
        "UprCycle": "4th cycle" if upr else None,
        "UprPositions": [rng.choice(["- Supported", "- Noted"])] if upr else [],
        "UprRecommendingCountry": ["Pakistan"] if upr else [],
        "UprRecommendingRegions": ["Asia-Pacific States"] if upr else [],
        "UprSession": str(41 + number % 14) if upr else None,
    }


def generate(path: Path, *, records: int, countries: list[str], seed: int) -> int:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for number in range(records):
            if number:
                out.write(",\n")
            out.write(json.dumps(record(number, countries[number % len(countries)], rng), ensure_ascii=False))
        out.write("\n]")
    return path.stat().st_size


def bench_state(slug: str) -> State:
    with cross_state_access():
        State.objects.filter(slug=slug).delete()
        iso3 = "Z" + slug[-2:].upper()
        State.objects.filter(iso3=iso3).delete()
        return State.objects.create(name=slug.capitalize(), slug=slug, iso3=iso3, content_languages=["en"])


def run_import(state: State, path: Path) -> tuple[float, ImportJob]:
    with state_context(state):
        job = ImportJob.objects.create(state=state, format="uhri-json", filename=path.name)
        options = parse_options_for(state)
    start = time.perf_counter()
    with path.open("rb") as fileobj:
        job = import_job_run(state=state, job_id=job.pk, fileobj=fileobj, options=options)
    elapsed = time.perf_counter() - start
    if job.status != ImportJob.Status.SUCCEEDED:
        raise SystemExit(f"import failed: {job.failure}")
    return elapsed, job


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=250_000)
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--write", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        share = bench_state("benchshare")
        countries = [share.name] + [f"Country {n:03d}" for n in range(1, args.states)]
        full = Path(folder) / "uhri-full-export.json"
        size = generate(full, records=args.records, countries=countries, seed=1)
        print(f"generated {size / 1e6:.0f} MB, {args.records} records", file=sys.stderr)
        full_seconds, full_job = run_import(share, full)
        print(f"full pass: {full_seconds:.1f} s, {full_job.created} created", file=sys.stderr)
        full.unlink()

        target = bench_state("benchwrite")
        single = Path(folder) / "one-state.json"
        generate(single, records=args.write, countries=[target.name], seed=2)
        write_seconds, write_job = run_import(target, single)
        with state_context(target):
            written = Recommendation.objects.count()
        print(f"write: {write_seconds:.1f} s, {write_job.created} created", file=sys.stderr)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "full_pass_mb_s": round(size / 1e6 / full_seconds, 1),
                "write_records_s": round(written / write_seconds),
                "peak_rss_mb": round(peak_mb),
                "file_mb": round(size / 1e6),
                "records": args.records,
                "states": args.states,
                "share_created": full_job.created,
                "written": written,
            }
        )
    )


if __name__ == "__main__":
    main()
