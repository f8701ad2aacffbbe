from django.template.loader import render_to_string
from django.utils import translation

from bulletins.figures import manager_copy


def bulletin_context(*, bulletin, company=None) -> dict:
    """What the bulletin's templates need: the figures (a manager's copy when `company` is given),
    the officer's suggestions and bar widths precomputed (templates do no arithmetic)."""
    figures = manager_copy(bulletin.figures, company_id=company.pk) if company is not None else bulletin.figures
    by_point = figures["patrols"]["by_point"]
    most = max((p["done"] for p in by_point), default=0) or 1
    bars = [{**p, "width": round(100 * p["done"] / most)} for p in by_point]
    cert_rows = [{**c, "width": round(c["rate"])} for c in figures["certificates"]["by_company"]]
    return {
        "bulletin": bulletin, "f": figures, "company": company, "point_bars": bars, "certificate_rows": cert_rows,
        "officer_suggestions": [line.strip() for line in (bulletin.officer_suggestions or "").splitlines() if line.strip()],
    }


def render_bulletin_email(*, bulletin, company=None, language: str = "zh-hans") -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the bulletin in the recipient's language."""
    with translation.override(language):
        context = bulletin_context(bulletin=bulletin, company=company)
        subject = render_to_string("emails/bulletin_subject.txt", context).strip()
        text = render_to_string("emails/bulletin_body.txt", context)
        html = render_to_string("emails/bulletin_body.html", context)
    return subject, text, html
