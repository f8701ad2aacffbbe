app_name = "guards"
urlpatterns = []
