import re

import pytest
from django.utils import timezone

from programme.models import Statut
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.programme.conftest import remplir
from tests.programme.factories import ActionFactory, FeuilleDeRouteFactory

pytestmark = pytest.mark.django_db


def liens(reponse) -> list[str]:
    return re.findall(r'href="([^"#]+)"', reponse.content.decode())


def test_le_programme_range_les_actions_par_feuille_de_route_et_par_axe(client, instructeur, praps, nord):
    action = remplir(praps, 1, territoire=nord)[0]
    client.force_login(instructeur)

    contenu = client.get("/programme/?region=32").content.decode()

    assert praps.titre in contenu
    assert action.axe.intitule in contenu
    assert action.intitule in contenu
    assert "Non renseigné" in contenu


def test_les_filtres_du_programme(client, dreets, praps, nord):
    ssiad = remplir(praps, 1, territoire=nord)[0]
    autre = ActionFactory(axe__feuille_de_route=praps, statut=Statut.EN_COURS)
    client.force_login(dreets)

    assert autre.intitule not in client.get("/programme/?region=32&type=SSIAD-PRECARITE").content.decode()
    contenu = client.get("/programme/?region=32&statut=en_cours").content.decode()
    assert autre.intitule in contenu and ssiad.intitule not in contenu
    assert (
        "Aucune action ne répond" in client.get("/programme/?region=32&territoire=59&statut=realisee").content.decode()
    )
    assert client.get("/programme/?region=32&statut=inconnu").status_code == 400
    assert client.get("/programme/?region=11").status_code == 404  # hors de son périmètre


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_page_du_programme_a_un_nombre_de_requetes_constant(
    client, planificateur, praps, nord, nombre, django_assert_num_queries
):
    remplir(praps, nombre, territoire=nord)
    client.force_login(planificateur)

    # Session et compte, régions visibles, feuilles de route, types et territoires des filtres ; actions (feuille,
    # région, territoire, axe joints) et leurs six relations ; région du compte (en-tête) ; feuilles de route avec
    # leur nombre d'actions.
    with django_assert_num_queries(15):
        reponse = client.get("/programme/?region=32")
    assert reponse.status_code == 200


def test_la_fiche_d_une_action_montre_la_cible_liee_et_son_ecart(client, planificateur, praps, region_hdf, nord):
    lhss = TypeDispositifFactory(code="LHSS", sigle="LHSS")
    cible = CibleFactory(type=lhss, territoire=region_hdf, horizon=HorizonFactory(fin=timezone.localdate()), valeur=62)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=nord), quantite=20)
    action = ActionFactory(axe__feuille_de_route=praps, types=[lhss], cibles=[cible], territoires=[nord])
    client.force_login(planificateur)

    reponse = client.get(f"/programme/actions/{action.pk}/")

    contenu = reponse.content.decode()
    assert "non précisé par la source" in contenu  # le porteur
    ligne = re.search(r"<th scope=\"row\"><a [^>]*>LHSS</a></th>(.*?)</tr>", contenu, re.S).group(1)
    cellules = re.findall(r'<td class="nombre">([^<]*)</td>', ligne)
    assert cellules == ["62", "20", "0", "42"]  # cible, autorisés, perspectives, écart


def test_la_fiche_d_une_feuille_de_route_montre_ses_actions_et_ses_revues(client, national, praps, nord):
    from tests.programme.factories import RevueAnnuelleFactory

    action = remplir(praps, 1, territoire=nord)[0]
    revue = RevueAnnuelleFactory(feuille_de_route=praps, annee=2025)
    client.force_login(national)

    reponse = client.get(f"/programme/feuilles-de-route/{praps.pk}/")

    assert f"/programme/actions/{action.pk}/" in liens(reponse)
    assert f"/programme/revues/{revue.pk}/" in liens(reponse)
    assert "Ajouter une action" not in reponse.content.decode()  # le national lit seulement


def test_une_feuille_de_route_d_une_autre_region_est_introuvable(client, planificateur, region_idf):
    feuille = FeuilleDeRouteFactory(region=region_idf)
    client.force_login(planificateur)

    assert client.get(f"/programme/feuilles-de-route/{feuille.pk}/").status_code == 404


def test_le_planificateur_va_de_son_accueil_jusqu_a_une_action(client, planificateur, praps, nord):
    action = remplir(praps, 1, territoire=nord)[0]
    client.force_login(planificateur)

    accueil = client.get("/")
    programme = next(lien for lien in liens(accueil) if lien.startswith("/programme/"))
    page = client.get(programme)
    feuille = next(lien for lien in liens(page) if lien.startswith("/programme/feuilles-de-route/"))
    fiche = client.get(feuille)
    vers_action = next(lien for lien in liens(fiche) if lien.startswith("/programme/actions/"))
    arrivee = client.get(vers_action)

    assert arrivee.status_code == 200
    assert f"<h1>{action.intitule}</h1>" in arrivee.content.decode()
