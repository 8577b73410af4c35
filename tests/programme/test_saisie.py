import io

import pytest
from pypdf import PdfReader

from programme.models import Action, AvancementAction, RevueAnnuelle, Statut
from tests.comptes.factories import UtilisateurFactory
from tests.programme.conftest import remplir
from tests.programme.factories import ActionFactory, AxeFactory, FeuilleDeRouteFactory, RevueAnnuelleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(praps, nord):
    return remplir(praps, 1, territoire=nord)[0]


def saisie_action(action, **valeurs) -> dict:
    return {
        "axe": action.axe_id,
        "intitule": action.intitule,
        "objectif": action.objectif,
        "porteur": "",
        "statut": Statut.EN_COURS,
        "territoires": [t.pk for t in action.territoires.all()],
        "types": [t.pk for t in action.types.all()],
        "version": action.version,
        **valeurs,
    }


def test_le_planificateur_change_le_statut_d_une_action(client, planificateur, action):
    client.force_login(planificateur)

    reponse = client.post(f"/programme/actions/{action.pk}/modifier/", saisie_action(action))

    assert reponse.status_code == 302
    assert reponse["Location"] == f"/programme/actions/{action.pk}/"
    action.refresh_from_db()
    assert (action.statut, action.version) == (Statut.EN_COURS, 2)
    assert action.types.count() == 1  # les relations postées sont gardées


def test_une_modification_concurrente_ne_ecrase_rien_et_garde_la_saisie(client, planificateur, action):
    client.force_login(planificateur)
    Action.objects.filter(pk=action.pk).update(version=2, statut=Statut.A_LANCER)

    reponse = client.post(
        f"/programme/actions/{action.pk}/modifier/", saisie_action(action, porteur="DD de l'Aisne", version=1)
    )

    assert reponse.status_code == 409
    contenu = reponse.content.decode()
    assert "Cette action a été modifiée" in contenu and "Rien n&#x27;a été écrasé" in contenu
    assert "DD de l&#x27;Aisne" in contenu  # la saisie reste à l'écran
    assert reponse.context["form"]["version"].value() == 2  # la renvoyer l'enregistre
    action.refresh_from_db()
    assert (action.statut, action.porteur) == (Statut.A_LANCER, "")


def test_une_saisie_incomplete_nomme_le_champ(client, planificateur, action):
    client.force_login(planificateur)
    autre_axe = AxeFactory()  # d'une autre feuille de route

    vide = client.post(f"/programme/actions/{action.pk}/modifier/", saisie_action(action, intitule=""))
    mauvais_axe = client.post(f"/programme/actions/{action.pk}/modifier/", saisie_action(action, axe=autre_axe.pk))

    assert vide.status_code == 400
    assert vide.context["form"].errors["intitule"] == ["Ce champ est obligatoire."]
    assert mauvais_axe.status_code == 400
    assert "axe" in mauvais_axe.context["form"].errors
    assert Action.objects.get(pk=action.pk).version == 1


def test_le_planificateur_ajoute_une_action_a_sa_feuille_de_route(client, planificateur, praps, action):
    client.force_login(planificateur)
    donnees = saisie_action(action, intitule="Nouvelle action fictive", version="")

    reponse = client.post(f"/programme/feuilles-de-route/{praps.pk}/actions/nouvelle/", donnees)

    nouvelle = Action.objects.get(intitule="Nouvelle action fictive")
    assert reponse["Location"] == f"/programme/actions/{nouvelle.pk}/"
    assert (nouvelle.code, nouvelle.feuille_de_route) == ("nouvelle-action-fictive", praps)


def test_un_planificateur_d_une_autre_region_n_ecrit_pas(client, region_idf, action, praps):
    client.force_login(UtilisateurFactory(planificateur=True, region=region_idf, email="idf@exemple.test"))

    assert client.post(f"/programme/actions/{action.pk}/modifier/", saisie_action(action)).status_code == 404
    assert client.get(f"/programme/feuilles-de-route/{praps.pk}/actions/nouvelle/").status_code == 404
    assert client.get(f"/programme/feuilles-de-route/{praps.pk}/revues/nouvelle/").status_code == 404
    assert Action.objects.get(pk=action.pk).statut == Statut.NON_RENSEIGNE


@pytest.mark.parametrize("role", ["national", "instructeur", "dreets"])
def test_les_lecteurs_n_ecrivent_pas(client, request, role, action):
    client.force_login(request.getfixturevalue(role))

    assert client.post(f"/programme/actions/{action.pk}/modifier/", saisie_action(action)).status_code == 403
    assert "Modifier l'action" not in client.get(f"/programme/actions/{action.pk}/").content.decode()


def test_un_jalon_ajoute_change_la_version_de_l_action(client, planificateur, action):
    client.force_login(planificateur)
    donnees = {"echeance": "2020", "date": "", "libelle": "Vague fictive", "atteint": "oui", "version": 1}

    reponse = client.post(f"/programme/actions/{action.pk}/jalons/nouveau/", donnees)
    perime = client.post(f"/programme/actions/{action.pk}/jalons/nouveau/", donnees)

    assert reponse.status_code == 302
    jalon = action.jalons.get(libelle="Vague fictive")
    assert jalon.atteint is True
    assert Action.objects.get(pk=action.pk).version == 2
    assert perime.status_code == 409
    assert action.jalons.count() == 2  # celui de la fabrique et le nouveau


def test_la_revue_annuelle_se_saisit_et_s_exporte_en_pdf(client, planificateur, praps, action):
    client.force_login(planificateur)
    donnees = {
        "annee": 2025,
        "date": "2025-06-12",
        "instance": "Réunion fictive",
        "decisions": "Décision fictive",
        f"avancement_{action.pk}": "Deux vagues fictives sur trois",
        f"pourcentage_{action.pk}": 60,
    }

    reponse = client.post(f"/programme/feuilles-de-route/{praps.pk}/revues/nouvelle/", donnees)

    revue = RevueAnnuelle.objects.get()
    assert reponse["Location"] == f"/programme/revues/{revue.pk}/"
    assert AvancementAction.objects.get(revue=revue, action=action).pourcentage == 60
    pdf = client.get(f"/programme/revues/{revue.pk}/revue.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    texte = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert action.intitule in texte
    assert "Deux vagues fictives sur trois (60 %)" in texte
    assert "Décision fictive" in texte


def test_une_seconde_revue_de_la_meme_annee_est_refusee(client, planificateur, praps, action):
    RevueAnnuelleFactory(feuille_de_route=praps, annee=2025)
    client.force_login(planificateur)

    reponse = client.post(f"/programme/feuilles-de-route/{praps.pk}/revues/nouvelle/", {"annee": 2025})

    assert reponse.status_code == 400
    assert "La revue 2025 de cette feuille de route existe déjà" in reponse.content.decode()


def test_la_revue_liste_chaque_action_meme_sans_avancement(client, dreets, praps, action):
    revue = RevueAnnuelleFactory(feuille_de_route=praps)
    autre = ActionFactory(axe=action.axe)
    client.force_login(dreets)

    contenu = client.get(f"/programme/revues/{revue.pk}/").content.decode()

    assert action.intitule in contenu and autre.intitule in contenu
    assert "non renseigné" in contenu
    assert "non précisée par la source" in contenu  # la date


def test_le_national_ne_modifie_pas_une_revue(client, national, praps):
    revue = RevueAnnuelleFactory(feuille_de_route=FeuilleDeRouteFactory(region=praps.region))
    client.force_login(national)

    assert client.get(f"/programme/revues/{revue.pk}/modifier/").status_code == 403
