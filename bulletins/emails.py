import re

from django.template.loader import render_to_string
from django.utils import translation

from bulletins.figures import manager_copy

# The bulletin's look in an email, where clients drop <style> and stylesheets: the partial
# bulletins/partials/bulletin_content.html carries classes (pages forbid inline styles by their
# Content-Security-Policy), and the email gets these styles inlined. Keep in step with the .bl rules of
# static/css/bulletins.css. Later classes of an element override earlier ones.
EMAIL_STYLES = {
    "bl": "font:14px/1.6 -apple-system,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1f2937;",
    "bl-h1": "margin:0 0 4px;font-size:22px;color:#0f2f57;",
    "bl-sub": "margin:0 0 16px;color:#6b7280;",
    "bl-h2": "margin:28px 0 8px;font-size:17px;color:#0f2f57;border-left:4px solid #1d4e89;padding-left:8px;",
    "bl-p": "margin:0 0 6px;",
    "bl-p0": "margin:0;",
    "bl-table": "border-collapse:collapse;",
    "bl-tiles": "margin:0 0 8px;",
    "bl-tile": "padding:10px;border:1px solid #eef0f4;",
    "bl-small": "font-size:12px;color:#6b7280;",
    "bl-big": "font-size:22px;font-weight:700;",
    "bl-th": "text-align:left;padding:6px 8px;border-bottom:2px solid #dfe3ea;font-weight:600;color:#374151;",
    "bl-td": "padding:6px 8px;border-bottom:1px solid #eef0f4;",
    "bl-num": "padding:6px 8px;border-bottom:1px solid #eef0f4;text-align:right;font-variant-numeric:tabular-nums;",
    "bl-right": "text-align:right;",
    "bl-muted": "color:#6b7280;",
    "bl-bad": "color:#b42318;",
    "bl-ok": "color:#067647;",
    "bl-strong": "font-weight:600;",
    "bl-bar": "background:#1d4e89;height:10px;font-size:0;line-height:0;",
    "bl-bar-bad": "background:#f04438;",
    "bl-bar-ok": "background:#12b76a;",
    "bl-bar-rest": "font-size:0;line-height:0;",
    "bl-bar-track": "background:#eef0f4;",
    "bl-ol": "margin:0;padding-left:20px;",
    "bl-li": "margin:0 0 4px;",
}
# Only our own markup matches: in user text a quote is escaped (&quot;), so it can never close a class="".
_BL_CLASS = re.compile(r'class="(bl(?:-[a-z0-9-]+)?(?: bl(?:-[a-z0-9-]+)?)*)"')


def inline_email_styles(html: str) -> str:
    """Adds style="" to every element with bulletin classes (bl-*), from EMAIL_STYLES."""
    def styled(match: re.Match) -> str:
        style = "".join(EMAIL_STYLES.get(name, "") for name in match.group(1).split())
        return f'{match.group(0)} style="{style}"' if style else match.group(0)

    return _BL_CLASS.sub(styled, html)


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
        html = inline_email_styles(render_to_string("emails/bulletin_body.html", context))
    return subject, text, html
