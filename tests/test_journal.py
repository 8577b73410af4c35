"""Le journal d'audit : chaque étape de la boucle est datée et attribuée, au même endroit."""

import pytest
from auditlog.models import LogEntry

from planification.models import Cible
from tests.appels.factories import AppelFactory, lettre_complete
from tests.dispositifs.factories import TypeDispositifFactory
from tests.planification.factories import HorizonFactory

pytestmark = pytest.mark.django_db


def entrees(modele):
    return LogEntry.objects.get_for_model(modele).select_related("actor")


def test_une_cible_modifiee_dans_la_grille_est_journalisee_avec_son_auteur(client, planificateur):
    horizon, lhss = HorizonFactory(), TypeDispositifFactory(code="LHSS")
    client.force_login(planificateur)
    prefixe = f"t{planificateur.region.pk}"

    client.post(
        f"/planification/cibles/?region=32&horizon={horizon.slug}&type=LHSS",
        {"territoire": planificateur.region.pk, f"{prefixe}-valeur": "62", f"{prefixe}-version_lue": "0"},
    )

    (entree,) = entrees(Cible)
    assert (entree.actor, entree.action, entree.changes_dict["valeur"][1]) == (
        planificateur,
        LogEntry.Action.CREATE,
        "62",
    )
    assert lhss.pk and entree.timestamp


def test_un_depot_est_journalise_avec_le_deposant_mais_pas_chaque_frappe(client, operateur, region_hdf):
    from appels.models import Candidature, Depot

    appel = AppelFactory(reference="ami-journal")
    client.force_login(operateur)
    url = f"/appels/{appel.reference}/lettre/"
    for version in range(3):
        client.post(url + "brouillon/", {"experience": f"frappe {version}", "version_brouillon": version})
    client.post(url + "deposer/", {**lettre_complete(appel), "version_brouillon": 3, "cle_depot": "journal"})

    assert [e.actor for e in entrees(Depot)] == [operateur]
    modifications = [e.changes_dict for e in entrees(Candidature) if e.action == LogEntry.Action.UPDATE]
    assert all("brouillon" not in champs for champs in modifications)
