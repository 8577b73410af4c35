"""La page d'une cible montre sa trace : les appels lancés sur son écart (Appel.cibles, posé par « Lancer un
appel sur ces écarts »), leurs décisions, les dispositifs créés et leurs derniers indicateurs validés."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from appels.models import Appel, Nature
from dispositifs.models import TypeDispositif
from indicateurs.models import StatutDeclaration
from tests.appels.factories import AppelFactory
from tests.appels.test_instruction import clore, deposer, poster_decision
from tests.appels.test_pages import donnees_appel
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory
from tests.planification.factories import CibleFactory, HorizonFactory

pytestmark = pytest.mark.django_db


def texte(response) -> str:
    sans_balises = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(sans_balises).replace("\xa0", " "))


@pytest.fixture
def lhss_mobile(db):
    return TypeDispositif.objects.get(code="LHSS-MOBILE")


@pytest.fixture
def cible(region_hdf, lhss_mobile):
    return CibleFactory(type=lhss_mobile, territoire=region_hdf, horizon=HorizonFactory(), valeur=10)


def url_de(cible) -> str:
    return reverse("planification:historique", args=[cible.pk])


def test_l_appel_lance_depuis_le_tableau_garde_les_cibles_de_son_ecart(client, planificateur, cible):
    client.force_login(planificateur)
    nouveau = f"/appels/nouveau/?region=32&horizon={cible.horizon.slug}"

    formulaire = client.get(nouveau).content.decode()
    assert f'type="hidden" name="cibles" value="{cible.pk}"' in formulaire

    donnees = donnees_appel(types_cibles=[cible.type_id], types_exclus=[], cibles=[cible.pk])
    client.post("/appels/nouveau/", donnees | {"horizon": cible.horizon.pk})

    assert list(Appel.objects.get(reference="hdf-2027-lhss").cibles.all()) == [cible]


def test_une_cible_d_une_autre_region_est_refusee(client, planificateur, region_idf, lhss_mobile):
    ailleurs = CibleFactory(type=lhss_mobile, territoire=region_idf, horizon=HorizonFactory(), valeur=3)
    client.force_login(planificateur)

    reponse = client.post("/appels/nouveau/", donnees_appel(types_exclus=[], cibles=[ailleurs.pk]))

    assert reponse.status_code == 200 and not Appel.objects.exists()
    assert "Les écarts visés doivent être des cibles de la région Hauts-de-France." in texte(reponse)


def lancer_et_retenir(cible, client, instructeur, operateur, organisme):
    """Un appel lancé sur l'écart de la cible, une candidature retenue (projet de 8 places), et un appel sans lien."""
    appel = AppelFactory(reference="aap-ecart", nature=Nature.AMI, horizon=cible.horizon, types_cibles=[cible.type])
    appel.cibles.add(cible)
    AppelFactory(reference="sans-lien", titre="Appel sans lien", types_cibles=[cible.type])
    candidature = deposer(appel, organisme, operateur, dispositif_envisage=cible.type.code)
    clore(appel)
    client.force_login(instructeur)
    poster_decision(client, candidature, "retenue", capacite_retenue="8", montant_retenu="120000")
    return appel, candidature.decision


def test_la_page_de_la_cible_montre_appels_decisions_dispositifs_et_derniers_indicateurs(
    client, planificateur, instructeur, operateur, organisme, cible
):
    appel, decision = lancer_et_retenir(cible, client, instructeur, operateur, organisme)
    projet = decision.dispositif
    projet.statut = "installe"
    projet.save()
    ancienne = DeclarationFactory(dispositif=projet, mois=datetime.date(2026, 9, 1))
    ValeurFactory(declaration=ancienne, valeur=11)
    derniere = DeclarationFactory(dispositif=projet, mois=datetime.date(2026, 10, 1))
    ValeurFactory(declaration=derniere, valeur=17)
    DeclarationFactory(dispositif=projet, mois=datetime.date(2026, 11, 1), statut=StatutDeclaration.TRANSMISE)
    client.force_login(planificateur)

    page = texte(client.get(url_de(cible)))

    assert appel.titre in page and "Appel sans lien" not in page
    assert "Retenue" in page and organisme.nom in page
    assert f"{projet.nom}" in page
    assert "Octobre 2026 : File active : 17" in page  # la dernière validée, pas septembre ni novembre (transmise)


def test_sans_appel_la_page_le_dit(client, planificateur, cible):
    client.force_login(planificateur)

    assert "Aucun appel n'a été lancé sur l'écart de cette cible" in texte(client.get(url_de(cible)))


def test_la_dreets_ne_voit_pas_les_decisions_d_un_appel_sans_co_instruction(
    client, dreets, instructeur, operateur, organisme, cible
):
    appel, _ = lancer_et_retenir(cible, client, instructeur, operateur, organisme)
    client.force_login(dreets)

    page = texte(client.get(url_de(cible)))

    assert appel.titre in page and "Aucune décision pour l'instant." in page


@pytest.mark.parametrize("nombre", [1, 4])
def test_nombre_de_requetes_constant(
    client, planificateur, instructeur, operateur, organisme, cible, nombre, django_assert_num_queries
):
    from tests.dispositifs.factories import OrganismeFactory

    appel, decision = lancer_et_retenir(cible, client, instructeur, operateur, organisme)
    DeclarationFactory(dispositif=decision.dispositif)
    for rang in range(1, nombre):
        autre = OrganismeFactory(nom=f"Organisme {rang}")
        operateur.organismes.add(autre)
        candidature = deposer(appel, autre, operateur, dispositif_envisage=cible.type.code)
        poster_decision(client, candidature, "retenue", capacite_retenue="2")
        DeclarationFactory(dispositif=candidature.decision.dispositif)
    client.force_login(planificateur)

    # Session, utilisateur, cible (type, territoire, horizon), sa région, historique (journal), région (en-tête)…
    # puis la trace : appels, décisions (organisme, dispositif, type), déclarations, valeurs (indicateurs).
    with django_assert_num_queries(10):
        client.get(url_de(cible))
