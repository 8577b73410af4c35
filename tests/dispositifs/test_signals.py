"""`perimetre_modifie` : chaque écriture de l'ORM qui change qui doit déclarer, ou sous quel type et quel
territoire, l'annonce avec les (type, territoire) d'avant et d'après ; les autres n'annoncent rien."""

import pytest

from dispositifs.models import Dispositif, Statut, TypeDispositif
from dispositifs.signals import perimetre_modifie
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def annonces():
    recues = []

    def ecouter(sender, cles, **kwargs):
        recues.append(cles)

    perimetre_modifie.connect(ecouter, dispatch_uid="test_signals")
    yield recues
    perimetre_modifie.disconnect(dispatch_uid="test_signals")


@pytest.fixture
def cas(region_hdf):
    nord, somme = TerritoireFactory(code="59", nom="Nord"), TerritoireFactory(code="80", nom="Somme")
    lhss, lam = TypeDispositif.objects.get(code="LHSS"), TypeDispositif.objects.get(code="LAM")
    return {"nord": nord, "somme": somme, "lhss": lhss, "lam": lam, "region": region_hdf}


def test_creer_en_service_annonce_creer_un_projet_non(annonces, cas):
    installe = DispositifFactory(type=cas["lhss"], territoire=cas["nord"])
    DispositifFactory(type=cas["lhss"], territoire=cas["nord"], projet=True)

    assert annonces == [{(cas["lhss"].pk, cas["nord"].pk)}]
    assert installe.empreinte_lue == (cas["lhss"].pk, cas["nord"].pk, True)


def test_save_annonce_l_entree_en_service_la_sortie_et_le_deplacement_pas_un_renommage(annonces, cas):
    projet = DispositifFactory(type=cas["lhss"], territoire=cas["region"], projet=True)
    dispositif = Dispositif.objects.get(pk=projet.pk)  # relu : son empreinte est celle de la base

    for champ, valeur in [("nom", "Renommé"), ("statut", Statut.AUTORISE), ("statut", Statut.INSTALLE)]:
        setattr(dispositif, champ, valeur)
        dispositif.save()
    dispositif.territoire = cas["somme"]
    dispositif.save()
    dispositif.statut = Statut.FERME
    dispositif.save()

    lhss, region, somme = cas["lhss"].pk, cas["region"].pk, cas["somme"].pk
    # Renommé, puis autorisé → installé (toujours en service) : rien ; la région → la Somme ; la fermeture.
    assert annonces == [{(lhss, region)}, {(lhss, region), (lhss, somme)}, {(lhss, somme)}]


def test_update_annonce_le_type_ancien_et_nouveau(annonces, cas):
    dispositifs = [DispositifFactory(type=cas["lhss"], territoire=t) for t in (cas["nord"], cas["somme"])]
    annonces.clear()

    Dispositif.objects.filter(pk__in=[d.pk for d in dispositifs]).update(nom="Même périmètre")
    Dispositif.objects.filter(pk__in=[d.pk for d in dispositifs]).update(type=cas["lam"])

    lhss, lam, nord, somme = cas["lhss"].pk, cas["lam"].pk, cas["nord"].pk, cas["somme"].pk
    assert annonces == [{(lhss, nord), (lhss, somme), (lam, nord), (lam, somme)}]


def test_bulk_create_et_bulk_update_annoncent_une_fois_pour_le_lot(annonces, cas):
    organisme = OrganismeFactory()
    lot = [
        Dispositif(
            nom=f"n° {n}", type=cas["lhss"], organisme=organisme, territoire=cas["nord"], statut=Statut.INSTALLE
        )
        for n in range(3)
    ]
    Dispositif.objects.bulk_create(lot)
    for dispositif in lot:
        dispositif.statut = Statut.FERME
    Dispositif.objects.bulk_update(lot, ["statut"])
    Dispositif.objects.bulk_update(lot, ["nom"])

    assert annonces == [{(cas["lhss"].pk, cas["nord"].pk)}] * 2


def test_supprimer_un_dispositif_en_service_annonce_un_projet_non(annonces, cas):
    installe = DispositifFactory(type=cas["lhss"], territoire=cas["nord"])
    DispositifFactory(type=cas["lam"], territoire=cas["nord"], projet=True)
    annonces.clear()

    Dispositif.objects.filter(type=cas["lam"]).delete()
    Dispositif.objects.get(pk=installe.pk).delete()

    assert annonces == [{(cas["lhss"].pk, cas["nord"].pk)}]
