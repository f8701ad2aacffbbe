"""Reward round exports (CSV and XLSX), for the page and the API alike. Files are written by the
payout export helpers (rewards.api_payouts), whose cells go through config.exports.safe_row, so a
name starting with = + - @ reaches the spreadsheet as text."""
from django.http import HttpResponse
from django.utils.translation import gettext

from rewards.api_payouts import _csv, _xlsx
from rewards.models import RewardRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def round_rows(rnd: RewardRound, lines) -> list[list]:
    rows = [[
        gettext("Round"), gettext("Period"), gettext("Kind"), gettext("Rank"), gettext("Unit"), gettext("Guard"),
        gettext("Points"), gettext("Patrols attended"), gettext("Points per active guard"), gettext("Amount (yuan)"),
    ]]
    period = f"{rnd.starts_on:%Y-%m-%d} – {rnd.ends_on:%Y-%m-%d}"
    total = 0
    for line in lines:
        rows.append([
            rnd.name, period, line.get_kind_display(), line.rank, line.company.name, line.guard.name if line.guard_id else "",
            line.points, line.patrols if line.guard_id else "", line.per_guard if line.per_guard is not None else "", line.amount,
        ])
        total += line.amount
    rows.append([gettext("Total"), "", "", "", "", "", "", "", "", total])
    return rows


def round_file(rnd: RewardRound, lines, *, fmt: str, suffix: str = "all") -> HttpResponse:
    rows = round_rows(rnd, lines)
    name = f"reward-round-{rnd.pk}-{suffix}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(_xlsx(rows, title=f"{rnd.ends_on:%Y-%m-%d}"), content_type=XLSX)
    else:
        response = HttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
