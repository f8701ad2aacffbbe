"""The bulletin's recipient list: add, edit, switch off and on, and fill it from the officers and
company managers who have an email address."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from bulletins import selectors, services
from bulletins.forms import RecipientForm
from config.forms import attempt


@role_required("officer")
def recipient_list(request):
    recipients = list(selectors.recipient_list())
    context = {
        "recipients": recipients,
        "active_count": sum(1 for r in recipients if r.active),
    }
    return render(request, "bulletins/recipients.html", context)


def _recipient_form(request, recipient=None):
    form = RecipientForm(request.POST or None, instance=recipient)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        ok, saved = attempt(request, lambda: services.recipient_save(recipient=recipient, **fields), form=form)
        if ok:
            messages.success(request, _("Recipient %(who)s saved.") % {"who": saved})
            return redirect("bulletins:recipients")
    return render(request, "bulletins/recipient_form.html", {"form": form, "recipient": recipient})


@role_required("officer")
def recipient_create(request):
    return _recipient_form(request)


@role_required("officer")
def recipient_update(request, pk):
    return _recipient_form(request, selectors.recipient_get(pk=pk))


@require_POST
@role_required("officer")
def recipient_set_active(request, pk):
    recipient = selectors.recipient_get(pk=pk)
    active = request.POST.get("active") == "1"
    ok, saved = attempt(request, lambda: services.recipient_save(recipient=recipient, active=active))
    if ok and saved.active:
        messages.success(request, _("%(who)s will receive the bulletin again.") % {"who": saved})
    elif ok:
        messages.success(request, _("%(who)s will no longer receive the bulletin.") % {"who": saved})
    return redirect("bulletins:recipients")


@require_POST
@role_required("officer")
def recipients_sync(request):
    added = services.recipients_sync()
    if added:
        messages.success(request, _("%(n)d officers and managers added to the recipients.") % {"n": added})
    else:
        messages.info(request, _("Every officer and manager with an email address is already on the list."))
    return redirect("bulletins:recipients")
