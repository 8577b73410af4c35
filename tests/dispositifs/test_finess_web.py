"""L'import FINESS depuis le web : dépôt, simulation (rien d'écrit), application du fichier simulé (même résultat
que la commande)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from dispositifs.models import Dispositif, Organisme
from dispositifs.services import Issue
from tests.dispositifs.test_finess import EXEMPLE, catalogue, departements  # noqa: F401 — fixtures de l'exemple

pytestmark = pytest.mark.django_db

DEPOT = reverse("dispositifs:finess:depot")
APPLIQUER = reverse("dispositifs:finess:appliquer")


def extraction(contenu: bytes | None = None, nom="etalab-cs1100507-stock-exemple.csv"):
    return SimpleUploadedFile(nom, EXEMPLE.read_bytes() if contenu is None else contenu, content_type="text/csv")


def etat_de_la_base():
    """Ce que l'import écrit : les dispositifs et les organismes, champ par champ."""
    dispositifs = Dispositif.objects.values_list(
        "finess", "nom", "type__code", "territoire__code", "statut", "commune"
    )
    organismes = Organisme.objects.values_list("nom", "finess_juridique", "fictif")
    return sorted(dispositifs), sorted(organismes)


@pytest.fixture
def simulation(client, planificateur, catalogue, departements):  # noqa: F811
    client.force_login(planificateur)
    return client.post(DEPOT, {"fichier": extraction()})


def test_la_simulation_liste_chaque_ligne_et_n_ecrit_rien(simulation):
    assert simulation.status_code == 200
    par_ligne = {r.ligne: r for r in simulation.context["rapport"].par_ligne()}
    assert sorted(par_ligne) == [2, 3, 4, 5, 6, 7, 8, 14]
    assert par_ligne[2].issue == Issue.CREEE and par_ligne[2].finess == "599999018"
    assert par_ligne[5].issue == Issue.REJETEE and "599999027" in par_ligne[5].detail
    assert "département « 96 » inconnu" in par_ligne[14].detail
    assert "Appliquer l'import" in simulation.content.decode()
    assert not Dispositif.objects.exists() and not Organisme.objects.exists()


def test_appliquer_ecrit_ce_que_la_commande_ecrirait(client, simulation):
    reponse = client.post(APPLIQUER, {"cle": simulation.context["cle"]})

    assert reponse.status_code == 200
    assert [r.issue for r in reponse.context["rapport"].par_ligne()] == [
        r.issue for r in simulation.context["rapport"].par_ligne()
    ]
    par_le_web = etat_de_la_base()
    Dispositif.objects.all().delete()
    Organisme.objects.all().delete()
    call_command("importer_finess", str(EXEMPLE), stdout=io.StringIO())
    assert etat_de_la_base() == par_le_web
    assert len(par_le_web[0]) == 6


def test_une_mise_a_jour_nomme_les_champs_changes(client, simulation):
    client.post(APPLIQUER, {"cle": simulation.context["cle"]})
    Dispositif.objects.filter(finess="599999018").update(nom="Ancien nom")

    rapport = client.post(DEPOT, {"fichier": extraction()}).context["rapport"]

    resultats = {r.finess: r for r in rapport.par_ligne()}
    assert (resultats["599999018"].issue, resultats["599999018"].detail) == (Issue.MODIFIEE, "Change : nom.")
    assert resultats["629999012"].issue == Issue.INCHANGEE


def test_appliquer_efface_le_fichier_et_ne_se_rejoue_pas(client, simulation):
    cle = simulation.context["cle"]
    client.post(APPLIQUER, {"cle": cle})

    assert not default_storage.exists(cle)
    reponse = client.post(APPLIQUER, {"cle": cle})
    assert reponse.status_code == 302 and reponse.url == DEPOT


def test_un_fichier_modifie_apres_la_simulation_n_est_pas_applique(client, simulation):
    cle = simulation.context["cle"]
    with default_storage.open(cle, "wb") as fichier:
        fichier.write(EXEMPLE.read_bytes().replace(b"LE PHARE", b"AUTRE NOM"))

    reponse = client.post(APPLIQUER, {"cle": cle}, follow=True)

    assert any("rien n'a été importé" in str(message) for message in reponse.context["messages"])
    assert not Dispositif.objects.exists()


def test_la_cle_d_une_autre_simulation_est_refusee(client, simulation):
    reponse = client.post(APPLIQUER, {"cle": "imports-finess/autre.csv"})

    assert reponse.status_code == 302
    assert not Dispositif.objects.exists()


@pytest.mark.parametrize(
    ("fichier", "message"),
    [
        (extraction(b"%PDF-1.4\x00\x01", nom="arrete.csv"), "n'est pas un fichier CSV"),
        (extraction(nom="extraction.xlsx"), "n'est pas un fichier CSV"),
        (extraction(b"nom;siren\nA;1\n"), "Format non reconnu"),
    ],
)
def test_un_fichier_qui_n_est_pas_une_extraction_est_refuse_en_francais(client, planificateur, fichier, message):
    client.force_login(planificateur)

    reponse = client.post(DEPOT, {"fichier": fichier})

    assert reponse.status_code == 400
    assert message in reponse.context["form"].errors["fichier"][0]
    assert not default_storage.exists("imports-finess") or default_storage.listdir("imports-finess")[1] == []


def test_un_fichier_trop_lourd_est_refuse(client, planificateur, monkeypatch):
    monkeypatch.setattr("dispositifs.forms.TAILLE_MAX_FINESS", 10)
    client.force_login(planificateur)

    reponse = client.post(DEPOT, {"fichier": extraction()})

    assert reponse.status_code == 400
    assert "Le fichier dépasse" in reponse.context["form"].errors["fichier"][0]


def test_un_instructeur_n_importe_pas(client, instructeur):
    client.force_login(instructeur)

    assert client.post(DEPOT, {"fichier": extraction()}).status_code == 403
    assert client.post(APPLIQUER, {"cle": "x"}).status_code == 403
