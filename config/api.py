"""Racine de l'API v1 : le routeur où chaque application inscrit ses vues, et le schéma OpenAPI."""

from csp.decorators import csp_update
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from appels.api import AppelViewSet, AvisViewSet, CandidatureViewSet, DecisionViewSet, DemandeComplementViewSet
from config.policy import Regle
from dispositifs import api as dispositifs_api
from financements import api as financements_api
from indicateurs.api import AgregatViewSet, DeclarationViewSet, IndicateurViewSet, RapportViewSet
from journal.api import JournalViewSet
from partenariats.api import ConventionViewSet
from planification import api as planification_api
from programme import api as programme_api
from territoires.api import TerritoireViewSet


class RacineAPI(APIRootView):
    regle_acces = Regle.PUBLIC


class Routeur(DefaultRouter):
    APIRootView = RacineAPI


router = Routeur()
router.register("territoires", TerritoireViewSet)
router.register("types-dispositifs", dispositifs_api.TypeDispositifViewSet)
router.register("organismes", dispositifs_api.OrganismeViewSet)
router.register("dispositifs", dispositifs_api.DispositifViewSet)
router.register("credits", financements_api.CreditViewSet, basename="credit")
router.register("enveloppes", financements_api.EnveloppeViewSet, basename="enveloppe")
router.register("horizons", planification_api.HorizonViewSet)
router.register("cibles", planification_api.CibleViewSet, basename="cible")
router.register("appels", AppelViewSet, basename="appel")
router.register("candidatures", CandidatureViewSet, basename="candidature")
router.register("avis", AvisViewSet, basename="avis")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("demandes-complement", DemandeComplementViewSet, basename="demande-complement")
router.register("indicateurs", IndicateurViewSet)
router.register("agregats", AgregatViewSet, basename="agregat")
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("rapports", RapportViewSet, basename="rapport")
router.register("journal", JournalViewSet, basename="journal")
router.register("actions", programme_api.ActionViewSet, basename="action")
router.register("feuilles-de-route", programme_api.FeuilleDeRouteViewSet, basename="feuille-de-route")
router.register("conventions", ConventionViewSet, basename="convention")


class SchemaView(SpectacularAPIView):
    regle_acces = Regle.PUBLIC


# Swagger UI pose des styles en ligne : seule cette page les admet, et aucun script en ligne.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class DocumentationView(SpectacularSwaggerSplitView):
    regle_acces = Regle.PUBLIC


def introuvable(request, exception):
    """handler404 : sous /api/, une adresse qu'aucune route ne reconnaît (`/api/v1/cibles/1.5/`) répond en JSON, comme
    le schéma le promet ; ailleurs, la page d'erreur du site."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Aucune ressource de l'API à cette adresse."}, status=404)
    return page_not_found(request, exception)
