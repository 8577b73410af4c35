import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from appels.models import Appel, StatutAppel
from appels.services.appels import publier_appel
from dispositifs.models import TypeDispositif
from tests.appels.factories import AppelFactory, CritereFactory
from tests.comptes.factories import UtilisateurFactory
from tests.territoires.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_les_appels_publies_sont_publics_et_les_brouillons_caches(client):
    AppelFactory(reference="publie")
    AppelFactory(reference="brouillon", brouillon=True)

    references = [a["reference"] for a in client.get("/api/v1/appels/").json()["results"]]

    assert references == ["publie"]
    assert client.get("/api/v1/appels/brouillon/").status_code == 404


def test_un_planificateur_voit_les_brouillons_de_sa_region_seulement(client, planificateur):
    AppelFactory(reference="brouillon-hdf", brouillon=True)
    AppelFactory(reference="brouillon-idf", brouillon=True, region=RegionFactory(code="11", nom="Île-de-France"))
    client.force_login(planificateur)

    references = {a["reference"] for a in client.get("/api/v1/appels/").json()["results"]}

    assert references == {"brouillon-hdf"}


def test_un_appel_dit_s_il_est_ouvert_a_l_instant_meme(client):
    AppelFactory(reference="ouvert")
    AppelFactory(reference="clos", clos=True)

    ouverts = {a["reference"]: a["est_ouvert"] for a in client.get("/api/v1/appels/").json()["results"]}

    assert ouverts == {"ouvert": True, "clos": False}


def test_la_date_limite_est_exclue_a_la_seconde_pres():
    cloture = timezone.now() + datetime.timedelta(hours=1)
    appel = AppelFactory(cloture=cloture)

    assert appel.est_ouvert_le(cloture - datetime.timedelta(microseconds=1))
    assert not appel.est_ouvert_le(cloture)


def test_publier_exige_un_type_vise_et_refuse_de_publier_deux_fois():
    appel = AppelFactory(brouillon=True)
    with pytest.raises(ValidationError, match="au moins un type"):
        publier_appel(appel=appel)

    appel.types_cibles.set([TypeDispositif.objects.get(code="LHSS")])
    publier_appel(appel=appel)
    assert Appel.objects.get().statut == StatutAppel.PUBLIE
    with pytest.raises(ValidationError, match="Seul un brouillon"):
        publier_appel(appel=appel)


def test_un_appel_a_projets_a_besoin_d_une_grille_pour_etre_publie():
    appel = AppelFactory(brouillon=True, nature="aap", types_cibles=[TypeDispositif.objects.get(code="ACT")])
    with pytest.raises(ValidationError, match="grille de notation"):
        publier_appel(appel=appel)

    CritereFactory(appel=appel)
    assert publier_appel(appel=appel).statut == StatutAppel.PUBLIE


def test_la_liste_des_appels_se_lit_en_six_requetes_quel_que_soit_leur_nombre(client, django_assert_num_queries):
    AppelFactory()
    # compte, page d'appels avec région, horizon et appel précédent, puis types visés, exclus, territoires, critères
    with django_assert_num_queries(6):
        client.get("/api/v1/appels/")
    for _ in range(20):
        CritereFactory(appel=AppelFactory(types_cibles=[TypeDispositif.objects.get(code="LAM")]))
    with django_assert_num_queries(6):
        assert client.get("/api/v1/appels/").json()["count"] == 21


def test_un_operateur_ne_voit_pas_les_brouillons(client):
    AppelFactory(brouillon=True)
    client.force_login(UtilisateurFactory(operateur=True))

    assert client.get("/api/v1/appels/").json()["count"] == 0


def test_les_appels_ouverts_de_la_base_sont_ceux_que_dit_est_ouvert():
    cloture = timezone.now() + datetime.timedelta(hours=1)
    ouvert = AppelFactory(cloture=cloture)
    AppelFactory(clos=True)
    AppelFactory(brouillon=True)
    AppelFactory(ouverture=timezone.now() + datetime.timedelta(days=1), cloture=cloture + datetime.timedelta(days=9))

    for instant in (timezone.now(), cloture - datetime.timedelta(microseconds=1), cloture):
        en_base = set(Appel.objects.ouverts(instant))
        assert en_base == {a for a in Appel.objects.all() if a.est_ouvert_le(instant)}
    assert list(Appel.objects.ouverts()) == [ouvert]
