"""Checkpoints of the liaison points' beats, and their printable QR codes."""
import io

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from config.forms import attempt
from patrol import services
from patrol.forms import CheckpointForm
from patrol.selectors import checkpoint_list, liaison_point_get_active, liaison_point_list_active
from patrol.views.common import PAGE_SIZE, int_or_none


@role_required("officer")
def checkpoint_list_view(request):
    point = liaison_point_get_active(pk=int_or_none(request.GET.get("point")))
    form = CheckpointForm(request.POST or None, initial={"liaison_point": point})
    if request.method == "POST" and form.is_valid():
        ok, checkpoint = attempt(request, lambda: services.checkpoint_save(**form.cleaned_data), form=form)
        if ok:
            messages.success(request, _("Checkpoint %(name)s added.") % {"name": checkpoint.name})
            return redirect(reverse("patrol:checkpoint-list") + f"?point={checkpoint.liaison_point_id}")
    page = Paginator(checkpoint_list(liaison_point=point), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "point": point, "points": liaison_point_list_active()}
    return render(request, "patrol/checkpoint_list.html", context)


def _scan_url(request, checkpoint) -> str:
    return request.build_absolute_uri(reverse("patrol:scan", kwargs={"code": services.checkpoint_signed_code(checkpoint)}))


def _qr_svg(url: str, *, scale: int = 10) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, svgclass="qr", lineclass=None)
    return out.getvalue().decode()


@role_required("officer")
def checkpoint_qr(request, pk):
    checkpoint = get_object_or_404(checkpoint_list(), pk=pk)
    url = _scan_url(request, checkpoint)
    return render(request, "patrol/checkpoint_qr.html", {"checkpoint": checkpoint, "url": url, "svg": mark_safe(_qr_svg(url))})


@role_required("officer")
def checkpoint_qr_svg(request, pk):
    checkpoint = get_object_or_404(checkpoint_list(), pk=pk)
    response = HttpResponse(_qr_svg(_scan_url(request, checkpoint)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="checkpoint-{checkpoint.pk}.svg"'
    return response
