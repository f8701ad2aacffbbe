app_name = "liaison_points"
urlpatterns = []
