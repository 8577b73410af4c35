import pytest
from django.db import connection

from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires
from tests.conftest import exige_service

pytestmark = pytest.mark.django_db


def test_les_descendants_d_une_region_se_lisent_en_une_requete(django_assert_num_queries):
    importer_territoires()
    hdf = Territoire.objects.get(niveau=Niveau.REGION, code="32")

    with django_assert_num_queries(1):
        codes = {t.code for t in Territoire.objects.descendants(hdf)}

    assert codes == {"02", "59", "60", "62", "80"} | {
        "32-aisne",
        "32-somme",
        "32-pas-de-calais",
        "32-oise",
        "32-nord-hainaut",
        "32-nord-metropole",
    }


def test_les_descendants_ne_confondent_pas_deux_codes_de_meme_prefixe():
    importer_territoires()
    region_11 = Territoire.objects.get(niveau=Niveau.REGION, code="11")  # Île-de-France, pas la région 1x

    departements = set(Territoire.objects.descendants(region_11).values_list("code", flat=True))

    assert departements == {"75", "77", "78", "91", "92", "93", "94", "95"}


def test_la_requete_des_descendants_utilise_l_index_du_chemin():
    exige_service(connection.vendor == "postgresql", "PostgreSQL requis pour lire le plan d'exécution")
    importer_territoires()
    hdf = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    requete = Territoire.objects.descendants(hdf).only("pk")

    with connection.cursor() as curseur:
        # Sur 126 lignes, PostgreSQL parcourrait la table : on le lui interdit pour voir l'index servir.
        curseur.execute("SET LOCAL enable_seqscan = off")
        plan = requete.explain()

    # Parcours d'index simple ou « bitmap » selon les statistiques : dans les deux cas l'index du chemin sert
    # la borne du préfixe (condition d'index ~>=~ 'FR/32/').
    assert "territoires_territoire_chemin_" in plan
    assert "Index Cond: (((chemin)::text ~>=~ 'FR/32/'::text)" in plan
