"""Pages publiques : catalogue des types de dispositifs et cartographie (sans connexion)."""

app_name = "catalogue"
urlpatterns = []
