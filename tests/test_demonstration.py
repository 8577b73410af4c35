"""Ce que `charger_demo` met en place, lu sur une démonstration chargée une fois pour tout le module (vingt
secondes de chargement), puis rechargée une fois : rejouable, elle ne double rien."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from appels.models import Appel, Candidature
from comptes.models import Utilisateur
from config.policy import appels_instruits
from dispositifs.models import Dispositif
from indicateurs.models import Agregat, Declaration, Rapport, Valeur
from planification.models import Cible
from territoires.models import Niveau
from tests.conftest import donnees_du_module

pytestmark = pytest.mark.django_db


def charger_demo():
    call_command("charger_demo", stdout=StringIO())


@pytest.fixture(scope="module", autouse=True)
def demonstration(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        donnees_du_module(django_db_blocker),
        override_settings(DEBUG=True, MEDIA_ROOT=tmp_path_factory.mktemp("demonstration")),
    ):
        charger_demo()
        yield


def verifier_agregats() -> dict:
    """Le bilan de `verifier_agregats` : la dernière ligne qu'il imprime."""
    sortie = StringIO()
    call_command("verifier_agregats", stdout=sortie)
    return json.loads(sortie.getvalue().splitlines()[-1])


def test_un_compte_par_role_dont_ceux_d_ile_de_france_qui_instruisent_son_appel():
    # Les comptes « depot-N » sont ceux des organismes fictifs qui déposent les lettres de la démo.
    comptes = dict(Utilisateur.objects.exclude(email__startswith="depot-").values_list("email", "role"))
    assert comptes == {
        "admin@demo.example": "administrateur",
        "planificateur@demo.example": "planificateur",
        "instructeur@demo.example": "instructeur",
        "national@demo.example": "national",
        "planificateur-idf@demo.example": "planificateur",
        "dreets@demo.example": "dreets",
        "instructeur-idf@demo.example": "instructeur",
        "dreets-idf@demo.example": "dreets",
        "operateur@demo.example": "operateur",
        "operateur2@demo.example": "operateur",
    }
    for email in ("planificateur-idf@demo.example", "instructeur-idf@demo.example", "dreets-idf@demo.example"):
        assert Utilisateur.objects.get(email=email).region.code == "11"
    for email in ("instructeur-idf@demo.example", "dreets-idf@demo.example"):  # l'appel d'Île-de-France s'instruit
        agent = Utilisateur.objects.get(email=email)
        assert appels_instruits(agent).filter(reference="idf-aller-vers-segur-27").exists()
    op1, op2 = (
        Utilisateur.objects.get(email=e).organismes.get()
        for e in ("operateur@demo.example", "operateur2@demo.example")
    )
    assert op1 != op2 and op1.fictif and op2.fictif
    assert Utilisateur.objects.get(email="planificateur@demo.example").check_password("demo-praps")


def test_l_ami_d_ile_de_france_est_ouvert_et_l_appel_d_occitanie_porte_ses_places():
    idf = Appel.objects.get(reference="idf-aller-vers-segur-27")
    assert idf.est_ouvert and idf.region.code == "11"
    assert idf.cloture.astimezone(datetime.UTC).strftime("%m-%d") == "06-30"
    assert set(idf.types_exclus.values_list("code", flat=True)) == {"PASS-MOBILE", "EMPP"}
    occitanie = Appel.objects.get(reference="occitanie-aap-2023-lam-act")
    places = {
        d.type.code: d.capacite_autorisee
        for d in Dispositif.objects.filter(territoire=occitanie.region, type__in=occitanie.types_cibles.all())
        .with_capacites()
        .select_related("type")
    }  # à la région aussi, le projet des 36 psychologues (dispositifs.demo.creer_occitanie_demo)
    assert places == {"LAM": 26, "ACT": 31, "ACT-HLM": 103}


def etats_des_lettres() -> list[tuple]:
    lettres = Candidature.objects.filter(appel__reference="idf-aller-vers-segur-27")
    return sorted((c.statut, c.brouillon_modifie_depuis_depot, c.depots.count()) for c in lettres)


def test_les_lettres_de_l_ami_d_ile_de_france_sont_dans_plusieurs_etats():
    assert etats_des_lettres() == [("brouillon", False, 0), ("deposee", False, 1), ("deposee", True, 1)]


def test_les_agregats_enregistres_sont_ceux_du_calcul_complet():
    bilan = verifier_agregats()

    assert bilan["lignes_comparees"] > 1000
    assert (bilan["differences"], bilan["exemples"]) == (0, [])
    # Les places de LAM d'Occitanie, autorisées au niveau de la région, sont attendues dans les lignes France.
    lam = Dispositif.objects.en_service().filter(type__code="LAM")
    assert lam.filter(territoire__niveau=Niveau.REGION, territoire__code="76").exists()
    france = Agregat.objects.filter(territoire__niveau=Niveau.PAYS, type__code="LAM", granularite="mois")
    assert {a.nb_attendues for a in france} == {lam.count()}


def test_recharger_la_demonstration_ne_double_rien(settings):
    settings.DEBUG = True
    modeles = (Utilisateur, Appel, Candidature, Dispositif, Cible, Declaration, Valeur, Agregat, Rapport)
    avant = {modele.__name__: modele.objects.count() for modele in modeles}
    lettres = etats_des_lettres()

    charger_demo()

    assert {modele.__name__: modele.objects.count() for modele in modeles} == avant
    assert etats_des_lettres() == lettres
    assert verifier_agregats()["differences"] == 0
