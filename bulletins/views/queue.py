"""The lists the dashboard's action queue links to that no app page shows as such: the patrols
past their planned end still open, whatever their week (the week page shows one week at a time).
Reads through bulletins.action_queue, which counts the same rows for the queue."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import role_required
from bulletins.action_queue import my_point_ids, patrols_past_end

PAGE_SIZE = 50


@role_required("officer", "manager")
def queue_patrols(request):
    """?mine=yes: only the patrols of the liaison points the officer is responsible for."""
    mine = request.GET.get("mine") == "yes"
    rows = patrols_past_end(user=request.user, now=timezone.now(), mine=mine)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "mine": mine, "has_points": bool(my_point_ids(request.user)) if not mine else True}
    return render(request, "bulletins/queue_patrols.html", context)
