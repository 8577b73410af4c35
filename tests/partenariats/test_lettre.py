"""Le partenariat acté d'une lettre d'intention renvoie à une convention actée de l'organisme ; une lettre sans
convention est figée exactement comme avant (même contenu, même empreinte)."""

import pytest

from appels.lettre import empreinte
from appels.models import Depot
from dispositifs.models import TypeDispositif
from tests.appels.factories import AppelFactory, lettre_complete
from tests.partenariats.factories import ConventionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def appel(region_hdf):
    return AppelFactory(reference="ami-essai", types_cibles=[TypeDispositif.objects.get(code="LHSS-MOBILE")])


def deposer(client, appel, donnees):
    return client.post(
        f"/appels/{appel.reference}/lettre/deposer/", {**donnees, "cle_depot": "cle-1", "version_brouillon": 0}
    )


def test_une_lettre_sans_convention_est_figee_comme_avant(client, operateur, appel, convention):
    client.force_login(operateur)

    assert deposer(client, appel, lettre_complete(appel)).status_code == 302

    depot = Depot.objects.get()
    # Le contenu figé d'avant l'issue 13 : pas de clé « convention », l'empreinte est celle de ce contenu.
    assert depot.contenu["lettre"]["partenariats"] == [
        {"nom": "PASS du centre hospitalier", "nature": "Consultations et bilans", "etat": "acte"}
    ]
    assert depot.empreinte == empreinte(depot.contenu) and not depot.conventions.exists()


def test_un_partenariat_acte_cite_une_convention_actee_de_l_organisme(
    client, operateur, instructeur, national, appel, convention
):
    client.force_login(operateur)
    page = client.get(f"/appels/{appel.reference}/lettre/").content.decode()
    assert "CHRS fictif de Lille" in page  # la convention est proposée dans la ligne de partenariat

    reponse = deposer(client, appel, lettre_complete(appel, **{"partenariats-0-convention": str(convention.pk)}))

    depot = Depot.objects.get()
    assert reponse.status_code == 302
    assert depot.contenu["lettre"]["partenariats"][0]["convention"] == convention.pk
    assert list(depot.conventions.all()) == [convention] and depot.empreinte == empreinte(depot.contenu)
    lien = f'href="/partenariats/conventions/{convention.pk}/"'
    assert lien in client.get(f"/candidatures/depots/{depot.numero}/").content.decode()
    client.force_login(instructeur)  # la fiche de la convention nomme la lettre qui la cite
    assert depot.numero in client.get(f"/partenariats/conventions/{convention.pk}/").content.decode()
    client.force_login(national)  # il lit la convention, jamais la lettre
    assert depot.numero not in client.get(f"/partenariats/conventions/{convention.pk}/").content.decode()


@pytest.mark.parametrize("cas", ["envisage", "prevue", "autre_organisme"])
def test_une_convention_qui_n_ecrit_pas_ce_partenariat_est_refusee_au_depot(
    client, operateur, appel, convention, organisme_autre, cas
):
    citee = convention
    etat = "acte"
    if cas == "envisage":
        etat = "envisage"
    elif cas == "prevue":
        citee = ConventionFactory(organisme=convention.organisme, territoire=convention.territoire, prevue=True)
    else:
        citee = ConventionFactory(organisme=organisme_autre, territoire=convention.territoire)
    client.force_login(operateur)

    donnees = lettre_complete(appel, **{"partenariats-0-convention": str(citee.pk), "partenariats-0-etat": etat})
    reponse = deposer(client, appel, donnees)

    assert reponse.status_code == 400 and not Depot.objects.exists()
    assert "Partenariats, ligne 1" in reponse.content.decode()
