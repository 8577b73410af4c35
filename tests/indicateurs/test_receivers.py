"""Le recalcul après un changement de dispositifs : une tâche par transaction et par type, après commit, d'où
que vienne l'écriture (import FINESS, administration) ; les agrégats sont alors ceux du calcul complet."""

import datetime
import random
from unittest import mock

import pytest
from django.urls import reverse

from bench.finess.extraction import ecrire_extraction
from dispositifs.models import Dispositif, Statut, TypeDispositif
from dispositifs.services import importer_finess
from indicateurs import tasks
from indicateurs.agregation import agreger_periode, verifier_agregats
from indicateurs.models import Agregat
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db
OCTOBRE = datetime.date(2026, 10, 1)


def test_un_import_finess_de_mille_dispositifs_lance_une_tache_par_type(
    tmp_path, region_hdf, django_capture_on_commit_callbacks
):
    TypeDispositif.objects.update(categories_finess="")
    for code, categorie in (("LHSS", "180"), ("LAM", "213"), ("ACT", "165")):
        TypeDispositif.objects.filter(code=code).update(categories_finess=categorie)
    departements = [TerritoireFactory(code=code, nom=code) for code in ("02", "59", "60", "62", "80")]
    fichier = tmp_path / "etalab-cs1100507-stock-synthetique.csv"
    ecrire_extraction(fichier, nb=20000, categories=["165", "180", "213"], hasard=random.Random(1))

    with mock.patch.object(tasks.recalculer_apres_dispositifs, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            rapport = importer_finess(fichier=fichier)
            assert delay.call_count == 0  # rien avant le commit

    assert rapport.crees > 1000
    # Une tâche par type, avec les départements où ce type a des dispositifs en service.
    en_service = Dispositif.objects.en_service()
    attendu = {
        type_id: sorted(set(en_service.filter(type_id=type_id).values_list("territoire_id", flat=True)))
        for type_id in en_service.values_list("type_id", flat=True).distinct()
    }
    assert len(attendu) == 3
    assert delay.call_count == 3
    assert {type_id: territoires for type_id, territoires in (appel.args for appel in delay.call_args_list)} == attendu
    assert set().union(*(set(t) for t in attendu.values())) <= {d.pk for d in departements}


def test_une_fermeture_dans_l_administration_recalcule_les_agregats(
    client, administrateur, region_hdf, type_lhss, django_capture_on_commit_callbacks
):
    nord = TerritoireFactory(code="59", nom="Nord")
    ferme, reste = (DispositifFactory(type=type_lhss, territoire=nord) for _ in range(2))
    ValeurFactory(declaration=DeclarationFactory(dispositif=reste, mois=OCTOBRE), valeur=12)
    agreger_periode(debut=OCTOBRE, fin=datetime.date(2026, 11, 1))
    assert {a.nb_attendues for a in Agregat.objects.filter(granularite="mois")} == {2}
    client.force_login(administrateur)
    donnees = {
        "nom": ferme.nom,
        "type": type_lhss.pk,
        "organisme": ferme.organisme_id,
        "territoire": nord.pk,
        "statut": Statut.FERME,
        "fictif": "on",
        **{f"evenements-{champ}": 0 for champ in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")},
        "evenements-MAX_NUM_FORMS": 1000,
    }

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("admin:dispositifs_dispositif_change", args=[ferme.pk]), donnees)

    assert reponse.status_code == 302, reponse.context["adminform"].errors if reponse.context else reponse
    assert {a.nb_attendues for a in Agregat.objects.filter(granularite="mois")} == {1}
    assert verifier_agregats().differences == 0
