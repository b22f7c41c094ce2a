"""In-process profile of home, the case list and a case page (no network, one client).

    bash bench/load.sh ... prepares the data; then, with the same environment:
    .venv/bin/python bench/profile_pages.py [--rounds 50] [--cprofile list]

Runs with the settings in DJANGO_SETTINGS_MODULE (load.sh uses production) on the bench
database, through django.test.Client with the sessions load_setup.py made. Prints per
page: the number of SQL queries, SQL time, and the median CPU time of the process per
request (process_time: less sensitive to a busy machine than wall time). --cprofile PAGE
prints the 30 most expensive functions of that page (cumulative).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--cprofile", choices=["home", "list", "case"], default=None)
    parser.add_argument("--show-queries", choices=["home", "list", "case"], default=None)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    pages = {
        "home": ("/", os.environ["SESSION_REGISSEUR"]),
        "list": ("/dossiers/", os.environ["SESSION_LISTER"]),
        "case": (os.environ["CASE_URL"], os.environ["SESSION_REGISSEUR"]),
    }
    print(f"{'page':<6} {'queries':>7} {'sql ms':>7} {'cpu ms (median)':>16} {'wall ms (median)':>17}")
    for name, (url, session) in pages.items():
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code, response.get("Location"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries = list(ctx.captured_queries)  # the next request clears the log (reset_queries)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        cpu, wall = [], []
        for _ in range(args.rounds):
            c0, w0 = time.process_time(), time.perf_counter()
            client.get(url)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        print(
            f"{name:<6} {len(queries):>7} {sql_ms:>7.1f} "
            f"{statistics.median(cpu):>16.1f} {statistics.median(wall):>17.1f}"
        )
        if args.show_queries == name:
            for q in queries:
                print("   ", q["time"], q["sql"][:300])
        if args.cprofile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.rounds):
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(30)


if __name__ == "__main__":
    main()
