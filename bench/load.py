"""The load generator of bench/measure_http.py: client threads, one connection each, sending POSTs
with a token (and an Idempotency-Key when asked) and collecting rates, latencies and statuses."""
import http.client
import json
import socket
import statistics
import threading
import time
import uuid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fire(port: int, requests: list[tuple[str, str, dict, bool]], connections: int) -> dict:
    """Send (path, token, body, keyed) requests over `connections` threads; returns the rate,
    latencies, statuses and errors."""
    jobs = iter(requests)
    lock = threading.Lock()
    latencies, statuses, failures = [], {}, []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                job = next(jobs, None)
            if job is None:
                break
            path, token, body, keyed = job
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}
            if keyed:
                headers["Idempotency-Key"] = uuid.uuid4().hex
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=json.dumps(body), headers=headers)
                response = conn.getresponse()
                content = response.read()
                code = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                code, content = type(exc).__name__, b""
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[code] = statuses.get(code, 0) + 1
                if not (isinstance(code, int) and 200 <= code < 300) and len(failures) < 3:
                    failures.append(f"{code} {path}: {content[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ok = sum(n for code, n in statuses.items() if isinstance(code, int) and 200 <= code < 300)
    latencies.sort()
    return {"seconds": seconds, "rate": len(requests) / seconds, "ok": ok, "errors": len(requests) - ok, "statuses": statuses,
            "failures": failures, "latencies": latencies, "p50": statistics.median(latencies),
            "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]}
