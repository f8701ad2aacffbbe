"""Pages of the bulletins app, one module per resource: the weekly bulletin (`bulletin`), weekly
case figures (`cases`), the recipient list (`recipients`), the county dashboard (`dashboard`) and
the lists its action queue links to (`queue`).
Every page reads through bulletins.selectors and writes through bulletins.services; a service's
refusal becomes what the person sees through config.forms.attempt.

The names below are what bulletins/urls.py and config/page_urls.py import."""
from bulletins.views.bulletin import (
    archive,
    bulletin_compile_any,
    bulletin_detail,
    bulletin_print,
    bulletin_recompile,
    bulletin_send,
    bulletin_suggestions,
    delivery_retry,
)
from bulletins.views.cases import case_figures, case_figures_import, case_figures_template
from bulletins.views.dashboard import dashboard
from bulletins.views.queue import queue_patrols
from bulletins.views.recipients import (
    recipient_create,
    recipient_list,
    recipient_set_active,
    recipient_update,
    recipients_sync,
)

__all__ = [
    "archive", "bulletin_compile_any", "bulletin_detail", "bulletin_print", "bulletin_recompile", "bulletin_send",
    "bulletin_suggestions", "delivery_retry",
    "case_figures", "case_figures_import", "case_figures_template",
    "dashboard", "queue_patrols",
    "recipient_create", "recipient_list", "recipient_set_active", "recipient_update", "recipients_sync",
]
