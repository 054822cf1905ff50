"""CPU time of GET /api/v1/openapi.json: requests the document N times in a row through the test client of a
fresh app (no database needed) and prints the first (cold) request, the median of the others (warm) and the
total, in CPU milliseconds (time.process_time), plus one conditional request with the ETag it was given.

    .venv/bin/python bench/openapi.py [-n 20]
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="requests in a row (default 20)")
    args = parser.parse_args()

    from procure import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    client = app.test_client()
    times, response = [], None
    for _ in range(args.n):
        started = time.process_time()
        response = client.get("/api/v1/openapi.json")
        body = response.get_data()
        times.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(f"{'requests':<10}{'cold ms':>9}{'warm median ms':>16}{'total ms':>10}{'KiB':>6}")
    print(f"{args.n:<10}{times[0]:>9.1f}{statistics.median(times[1:] or times):>16.2f}{sum(times):>10.0f}"
          f"{len(body) / 1024:>6.0f}")
    etag = response.headers.get("ETag")
    if etag:
        started = time.process_time()
        again = client.get("/api/v1/openapi.json", headers={"If-None-Match": etag})
        print(f"If-None-Match {etag}: {again.status_code}, {len(again.get_data())} bytes, "
              f"{(time.process_time() - started) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
