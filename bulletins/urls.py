from django.urls import path, register_converter

from bulletins import views

app_name = "bulletins"


class WeekConverter:
    """An ISO week label in a URL: 2026-W47 (also 2026w47; the page redirects to the canonical form)."""

    regex = r"[0-9]{4}-?[Ww][0-9]{1,2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(WeekConverter, "isoweek")

urlpatterns = [
    path("", views.archive, name="archive"),
    path("compile/", views.bulletin_compile_any, name="compile"),
    path("cases/", views.case_figures, name="cases"),
    path("queue/patrols/", views.queue_patrols, name="queue-patrols"),
    path("cases/import/", views.case_figures_import, name="cases-import"),
    path("cases/template.csv", views.case_figures_template, name="cases-template"),
    path("recipients/", views.recipient_list, name="recipients"),
    path("recipients/new/", views.recipient_create, name="recipient-create"),
    path("recipients/sync/", views.recipients_sync, name="recipients-sync"),
    path("recipients/<int:pk>/edit/", views.recipient_update, name="recipient-update"),
    path("recipients/<int:pk>/active/", views.recipient_set_active, name="recipient-set-active"),
    path("<isoweek:week>/", views.bulletin_detail, name="detail"),
    path("<isoweek:week>/print/", views.bulletin_print, name="print"),
    path("<isoweek:week>/compile/", views.bulletin_recompile, name="recompile"),
    path("<isoweek:week>/suggestions/", views.bulletin_suggestions, name="suggestions"),
    path("<isoweek:week>/send/", views.bulletin_send, name="send"),
    path("<isoweek:week>/deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery-retry"),
]
