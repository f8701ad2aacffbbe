"""Columns of the guard list export (config.exports writes the file)."""
from django.utils import timezone
from django.utils.translation import gettext

from guards.forms import CertificateState


def guard_columns(*, show_company: bool) -> list:
    today = timezone.localdate()
    columns = [(gettext("Name"), lambda g: g.name)]
    if show_company:
        columns.append((gettext("Company"), lambda g: g.company.name))
    columns += [
        (gettext("Post / unit"), lambda g: g.post),
        (gettext("Liaison point"), lambda g: g.liaison_point.name if g.liaison_point_id else ""),
        (gettext("Township"), lambda g: g.liaison_point.township.name if g.liaison_point_id else ""),
        (gettext("Phone"), lambda g: g.phone),
        (gettext("Certificate"), lambda g: str(CertificateState.labels[CertificateState.of(g, today)])),
        (gettext("Certificate number"), lambda g: g.certificate_number),
        (gettext("Certificate expires on"), lambda g: g.certificate_expires_on),
        (gettext("Status"), lambda g: g.get_status_display()),
    ]
    return columns
