import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.serializers import ModelSerializer

from indicateurs.api import LECTURE_AGREGATS, AgregatSerializer
from indicateurs.models import Agregat, Granularite, Indicateur
from tests.dispositifs.factories import TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory
from tests.territoires.factories import FranceFactory, RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/agregats/"


@pytest.fixture
def agregats(region_hdf, region_idf):
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    paris = TerritoireFactory(code="75", nom="Paris", parent=region_idf)
    return {
        "nord": AgregatFactory(territoire=nord, valeur=30),
        "hdf": AgregatFactory(territoire=region_hdf, valeur=42),
        "hdf_trimestre": AgregatFactory(
            territoire=region_hdf, granularite=Granularite.TRIMESTRE, periode=datetime.date(2026, 10, 1), valeur=40
        ),
        "hdf_ancien": AgregatFactory(territoire=region_hdf, periode=datetime.date(2025, 1, 1), valeur=9),
        "france": AgregatFactory(territoire=FranceFactory(), valeur=100),
        "paris": AgregatFactory(territoire=paris, valeur=7),
    }


def valeurs(response):
    assert response.status_code == 200, response.content
    return sorted(float(ligne["valeur"]) for ligne in response.json()["results"])


def test_un_agent_lit_la_france_et_sa_region_seulement(client, planificateur, agregats):
    client.force_login(planificateur)

    assert valeurs(client.get(URL)) == [9, 30, 40, 42, 100]


def test_le_public_et_les_operateurs_n_y_ont_pas_acces(client, operateur, agregats):
    assert client.get(URL).status_code in (401, 403)
    client.force_login(operateur)
    assert client.get(URL).status_code == 403


def test_les_filtres_du_contrat(client, planificateur, agregats):
    client.force_login(planificateur)

    assert valeurs(client.get(URL, {"territoire": "32", "niveau": "region", "granularite": "mois"})) == [9, 42]
    assert valeurs(client.get(URL, {"niveau": "region", "periode_debut": "2026-01", "periode_fin": "2026-12"})) == [
        40,
        42,
    ]
    assert valeurs(client.get(URL, {"niveau": "departement", "indicateur": "file_active", "type": "LHSS"})) == [30]
    assert valeurs(client.get(URL, {"indicateur": "nouvelles_personnes"})) == []


def test_une_ligne_dit_tout_ce_qu_il_faut_pour_la_lire(client, planificateur, agregats):
    client.force_login(planificateur)

    ligne = client.get(URL, {"niveau": "departement"}).json()["results"][0]

    assert ligne | {"calcule_le": None} == {
        "indicateur": "file_active",
        "type": "LHSS",
        "territoire": "59",
        "niveau": "departement",
        "granularite": "mois",
        "periode": "2026-10-01",
        "valeur": "30.00",
        "numerateur": None,
        "denominateur": None,
        "nb_dispositifs": 3,
        "nb_declarations": 3,
        "nb_attendues": 4,
        "completude": 75.0,
        "calcule_le": None,
    }


def test_un_mois_mal_ecrit_est_une_erreur_claire(client, planificateur):
    client.force_login(planificateur)

    response = client.get(URL, {"periode_debut": "octobre"})

    assert response.status_code == 400
    assert "periode_debut" in response.json()


def test_nombre_de_requetes_constant(client, planificateur, region_hdf, django_assert_num_queries):
    client.force_login(planificateur)
    indicateurs = list(Indicateur.objects.all()[:5])
    for rang, code in enumerate(["LHSS", "LAM", "ACT"]):
        for indicateur in indicateurs:
            AgregatFactory(
                indicateur=indicateur,
                type=TypeDispositifFactory(code=code),
                territoire=TerritoireFactory(parent=RegionFactory()) if rang else region_hdf,
            )

    # session, utilisateur, chemins des régions visibles, page des agrégats avec les codes de l'indicateur, du type
    # et du territoire ; la page n'est pas pleine : elle donne le total, sans COUNT.
    with django_assert_num_queries(4):
        reponse = client.get(URL).json()
    assert len(reponse["results"]) == 15
    assert reponse["count"] == 15


@pytest.fixture
def cinq_agregats(region_hdf):
    return [
        AgregatFactory(territoire=region_hdf, periode=datetime.date(2026, mois, 1), valeur=mois)
        for mois in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("page", "requetes", "valeurs_attendues", "suivante", "precedente"),
    [
        # Une page pleine ne dit pas s'il en reste : le total vient d'un COUNT.
        (1, 5, [1, 2], "?page=2&page_size=2", None),
        (2, 5, [3, 4], "?page=3&page_size=2", "?page_size=2"),
        # La dernière page, entamée : le total se déduit des pages précédentes et de la sienne.
        (3, 4, [5], None, "?page=2&page_size=2"),
    ],
)
def test_la_pagination_ne_compte_que_si_la_page_ne_suffit_pas(
    client,
    planificateur,
    cinq_agregats,
    django_assert_num_queries,
    page,
    requetes,
    valeurs_attendues,
    suivante,
    precedente,
):
    client.force_login(planificateur)

    with django_assert_num_queries(requetes):
        reponse = client.get(URL, {"page_size": 2, "page": page})

    assert valeurs(reponse) == valeurs_attendues
    corps = reponse.json()
    assert corps["count"] == 5
    assert corps["next"] == (suivante and f"http://testserver{URL}{suivante}")
    assert corps["previous"] == (precedente and f"http://testserver{URL}{precedente}")


@pytest.mark.parametrize("page", ["4", "0", "abc", "", "1.5", "1" * 40])  # 40 chiffres : OFFSET hors de bigint
def test_une_page_hors_de_la_liste_est_introuvable(client, planificateur, cinq_agregats, page):
    client.force_login(planificateur)

    assert client.get(URL, {"page_size": 2, "page": page}).status_code == 404


def test_une_liste_vide_tient_sur_une_premiere_page_vide(client, planificateur, django_assert_num_queries):
    client.force_login(planificateur)

    with django_assert_num_queries(4):
        corps = client.get(URL).json()

    assert corps == {"count": 0, "next": None, "previous": None, "results": []}


def test_une_ligne_lue_par_values_se_rend_comme_le_model_serializer_la_rendrait(region_hdf):
    """La sérialisation en une passe (AgregatSerializer.to_representation, sur une ligne de `.values()`) face à
    celle, champ par champ, du ModelSerializer sur l'agrégat lui-même : nuls, taux, complétude sans attendu,
    décimales, heures de calcul distinctes ou partagées."""
    taux = Indicateur.objects.filter(agregation="taux").first()
    maintenant = timezone.now()
    agregats = [
        AgregatFactory(territoire=region_hdf, valeur=Decimal("12.50"), calcule_le=maintenant),
        AgregatFactory(
            territoire=region_hdf,
            indicateur=taux,
            valeur=Decimal("33.33"),
            numerateur=Decimal("1"),
            denominateur=Decimal("3.00"),
            calcule_le=maintenant,
        ),
        AgregatFactory(territoire=FranceFactory(), valeur=None, nb_attendues=0, nb_declarations=0),
        AgregatFactory(
            territoire=TerritoireFactory(parent=region_hdf),
            valeur=Decimal("999999999999.99"),
            nb_declarations=2,
            nb_attendues=3,
            calcule_le=maintenant - datetime.timedelta(days=200, microseconds=7),
        ),
    ]
    lignes = Agregat.objects.filter(pk__in=[a.pk for a in agregats]).values(*LECTURE_AGREGATS)
    rendu_rapide = AgregatSerializer(lignes.order_by("pk"), many=True).data
    rendu_champ_par_champ = [
        ModelSerializer.to_representation(AgregatSerializer(), agregat)
        for agregat in Agregat.objects.filter(pk__in=[a.pk for a in agregats]).order_by("pk")
    ]

    assert rendu_rapide == rendu_champ_par_champ
    assert [ligne["completude"] for ligne in rendu_rapide] == [75.0, 75.0, None, 66.7]
