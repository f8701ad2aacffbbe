"""Measures the lists that grow with the province's points and guards: the guards API with its
filters, the liaison-points API and GeoJSON, and the guards page."""
from dataset import POINTS
from report import Report, clients_for, count_queries, officer_account, run_cases, timed, url_or_none


def bench_requests(report: Report, runs: int) -> None:
    from django.db.models import Count, Q

    from guards.models import Guard, SecurityCompany
    from liaison_points.models import Township

    officer = officer_account()
    if officer is None:
        report.skip("API and pages", "no officer account in the data set")
        return
    api, pages = clients_for(officer)

    wanted = {"status": Guard.Status.ACTIVE, "certificate_status": Guard.CertificateStatus.VALID}
    company = (SecurityCompany.objects.annotate(n=Count("guards", filter=Q(**{f"guards__{k}": v for k, v in wanted.items()})))
               .order_by("-n").first())
    township = Township.objects.filter(liaison_points__guards__isnull=False).order_by("pk").first()
    try:
        guards_url, points_url = url_or_none("guards-list"), url_or_none("liaison-points-list")
        geojson_url, page_url = url_or_none("liaison-points-geojson"), url_or_none("guards:guard-list")
    except Exception as exc:  # noqa: BLE001 -- a broken URLconf is reported, not hidden
        report.skip("API and pages", f"the URLs do not load: {type(exc).__name__}: {exc}")
        return

    cases = []
    if guards_url:
        cases += [
            ("GET guards API, page 1, no filter", api, guards_url, {}),
            ("GET guards API, page 1, status+certificate+company filters", api, guards_url,
             {**wanted, "company": company.pk}),
            ("GET guards API, page 1, township filter + search", api, guards_url,
             {**({"township": township.pk} if township else {}), "search": "1"}),
        ]
    else:
        report.skip("GET guards API", "/api/v1/guards/ does not exist yet")
    if points_url:
        cases.append(("GET liaison-points API, page 1 (with guard counts)", api, points_url, {}))
    if geojson_url:
        cases.append((f"GET liaison-points geojson, all {POINTS:,} points (warm)", api, geojson_url, {}))
    else:
        report.skip("GET liaison-points geojson", "the endpoint does not exist yet")
    if page_url:
        cases.append(("GET guards page (HTML), page 1", pages, page_url, {}))

    run_cases(report, runs, cases)
    if geojson_url:
        bench_geojson(report, runs, api, geojson_url)


def bench_geojson(report: Report, runs: int, api, url: str) -> None:
    """The liaison points' GeoJSON cold (the cache cleared before each request) and revalidated
    (If-None-Match with the ETag it gave: 304 without a body, when the endpoint sends an ETag)."""
    from django.core.cache import cache

    cold, q, response = [], None, None
    for _ in range(runs):
        cache.clear()
        t, (q, response) = timed(lambda: count_queries(lambda: api.get(url)))
        cold.append(t)
    if response.status_code != 200:
        report.skip("GET liaison-points geojson, cold", f"HTTP {response.status_code}")
        return
    report.add(f"GET liaison-points geojson, all {POINTS:,} points, cache cleared", cold, q,
               f"({len(response.content) / 1024:.0f} KiB)", target="≤ 100 ms, or ETag/304")
    etag = response.headers.get("ETag")
    if not etag:
        report.skip("GET liaison-points geojson, If-None-Match → 304", "the response has no ETag")
        return
    revalidated, statuses = [], set()
    for _ in range(runs):
        t, (q, response) = timed(lambda: count_queries(lambda: api.get(url, HTTP_IF_NONE_MATCH=etag)))
        revalidated.append(t)
        statuses.add(response.status_code)
    report.add("GET liaison-points geojson, If-None-Match → 304", revalidated, q,
               f"(HTTP {', '.join(map(str, sorted(statuses)))}, {len(response.content)} bytes)", target="≤ 100 ms, or ETag/304")
