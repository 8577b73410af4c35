"""Un journal à lire : des changements dans les Hauts-de-France (cible, avis avec annotation privée, projet) et en
Île-de-France (une cible), chacun attribué à son auteur."""

from decimal import Decimal

import pytest

from dispositifs.models import TypeDispositif
from journal.contexte import au_nom_de
from planification.services import modifier_cible
from tests.comptes.factories import UtilisateurFactory
from tests.planification.factories import HorizonFactory

ANNOTATION = "Note que seul l'évaluateur doit relire"


@pytest.fixture
def horizon(db):
    return HorizonFactory()


@pytest.fixture
def planificateur_idf(region_idf):
    return UtilisateurFactory(planificateur=True, region=region_idf, email="planif-idf@exemple.test")


def poser_cible(user, territoire, horizon, valeur, *, version_lue=0, code="LHSS"):
    with au_nom_de(user):
        return modifier_cible(
            type=TypeDispositif.objects.get(code=code),
            territoire=territoire,
            horizon=horizon,
            valeur=Decimal(valeur),
            version_lue=version_lue,
        )


@pytest.fixture
def journal_exemple(planificateur, planificateur_idf, instructeur, operateur, organisme, region_hdf, horizon):
    """Une cible HDF posée puis modifiée par le planificateur ; un avis (annotation privée) de l'instructeur ;
    une cible IDF du planificateur d'Île-de-France."""
    from appels.services.instruction import enregistrer_avis
    from tests.appels.factories import AppelFactory
    from tests.appels.test_instruction import clore, deposer

    cible = poser_cible(planificateur, region_hdf, horizon, 62)
    poser_cible(planificateur, region_hdf, horizon, 70, version_lue=1)
    appel = AppelFactory(reference="ami-journal")
    candidature = deposer(appel, organisme, operateur)
    clore(appel)
    with au_nom_de(instructeur):
        avis = enregistrer_avis(
            candidature=candidature,
            user=instructeur,
            notes={},
            commentaire="Solide.",
            annotation_privee=ANNOTATION,
            version_lue=0,
        )
    cible_idf = poser_cible(planificateur_idf, planificateur_idf.region, horizon, 12)
    return {"cible": cible, "avis": avis, "candidature": candidature, "cible_idf": cible_idf}
