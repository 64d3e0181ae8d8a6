app_name = "acse"
urlpatterns: list[object] = []
