import datetime
from decimal import Decimal as D

import pytest

from commun.mois import decaler, mois_de, mois_precedent
from dispositifs.models import Statut, TypeDispositif
from indicateurs import calendrier
from indicateurs.agregation import agreger, agreger_autour, agreger_periode
from indicateurs.models import Agregat, Granularite, Indicateur, StatutDeclaration
from indicateurs.services import enregistrer_declaration, transmettre, valider
from indicateurs.tasks import agreger_tout
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db
JANVIER, FEVRIER, MARS = (datetime.date(2025, mois, 1) for mois in (1, 2, 3))


def declarer(dispositif, mois, statut=StatutDeclaration.VALIDEE, **valeurs):
    declaration = DeclarationFactory(dispositif=dispositif, mois=mois, statut=statut)
    indicateurs = Indicateur.objects.in_bulk(list(valeurs), field_name="code")
    for code, valeur in valeurs.items():
        declaration.valeurs.create(indicateur=indicateurs[code], valeur=valeur)
    return declaration


def valeur(code, territoire, granularite=Granularite.MOIS, periode=JANVIER, champ="valeur"):
    return (
        Agregat.objects.filter(indicateur__code=code, territoire=territoire, granularite=granularite, periode=periode)
        .values_list(champ, flat=True)
        .get()
    )


def contenu():
    """Les agrégats sans leur identifiant ni leur date de calcul : ce qui doit rester identique."""
    champs = [f.name for f in Agregat._meta.fields if f.name not in {"id", "calcule_le"}]
    return sorted(Agregat.objects.values_list(*champs))


@pytest.fixture
def lhss():
    return TypeDispositif.objects.get(code="LHSS")


@pytest.fixture
def nord_et_somme(lhss):
    """Deux LHSS installés : un dans le Nord, un dans la Somme, même région."""
    region = RegionFactory()
    nord = TerritoireFactory(code="59", nom="Nord", parent=region)
    somme = TerritoireFactory(code="80", nom="Somme", parent=region)
    return DispositifFactory(type=lhss, territoire=nord), DispositifFactory(type=lhss, territoire=somme)


def test_un_mois_s_additionne_par_departement_puis_region_puis_france(nord_et_somme):
    lille, amiens = nord_et_somme
    declarer(lille, JANVIER, file_active=30, nouvelles_personnes=5)
    declarer(amiens, JANVIER, file_active=12, nouvelles_personnes=2)

    agreger(granularite=Granularite.MOIS, periode=JANVIER)

    region, france = lille.territoire.parent, lille.territoire.parent.parent
    assert valeur("file_active", lille.territoire) == 30
    assert valeur("file_active", amiens.territoire) == 12
    assert valeur("file_active", region) == valeur("file_active", france) == 42
    assert valeur("nouvelles_personnes", region) == 7
    assert valeur("file_active", region, champ="nb_dispositifs") == 2


def test_un_stock_ne_s_additionne_pas_sur_les_mois_un_flux_si(nord_et_somme):
    lille, _ = nord_et_somme
    for mois, file_active, nouvelles, etp in ((JANVIER, 10, 1, 3), (FEVRIER, 20, 2, 4), (MARS, 30, 3, D("4.5"))):
        declarer(lille, mois, file_active=file_active, nouvelles_personnes=nouvelles, etp_en_poste=etp)

    agreger(granularite=Granularite.TRIMESTRE, periode=JANVIER)

    departement = lille.territoire
    assert valeur("file_active", departement, Granularite.TRIMESTRE) == 20  # moyenne, pas 60
    assert valeur("etp_en_poste", departement, Granularite.TRIMESTRE) == D("4.5")  # dernière valeur
    assert valeur("nouvelles_personnes", departement, Granularite.TRIMESTRE) == 6  # flux : somme
    assert valeur("file_active", departement, Granularite.TRIMESTRE, champ="nb_declarations") == 3


def test_un_flux_se_somme_sur_le_trimestre(nord_et_somme):
    lille, _ = nord_et_somme
    for mois, nouvelles in zip((JANVIER, FEVRIER, MARS), (10, 12, 8), strict=True):
        declarer(lille, mois, file_active=40, nouvelles_personnes=nouvelles)

    agreger(granularite=Granularite.TRIMESTRE, periode=JANVIER)

    assert valeur("nouvelles_personnes", lille.territoire, Granularite.TRIMESTRE) == 30


def test_un_stock_ne_se_somme_jamais_sur_plusieurs_mois(nord_et_somme):
    lille, amiens = nord_et_somme
    # La même file active de 100 personnes trois mois de suite reste 100, pas 300.
    for mois in (JANVIER, FEVRIER, MARS):
        declarer(lille, mois, file_active=100)
    # Un mois manquant ne compte pas pour zéro : (90 + 110) / 2 ; l'ETP est la dernière valeur déclarée.
    declarer(amiens, JANVIER, file_active=90, etp_en_poste=D("3.5"))
    declarer(amiens, FEVRIER, etp_en_poste=4)
    declarer(amiens, MARS, file_active=110, etp_en_poste=D("4.5"))

    agreger(granularite=Granularite.TRIMESTRE, periode=JANVIER)

    assert valeur("file_active", lille.territoire, Granularite.TRIMESTRE) == 100
    assert valeur("file_active", amiens.territoire, Granularite.TRIMESTRE) == 100
    assert valeur("etp_en_poste", amiens.territoire, Granularite.TRIMESTRE) == D("4.5")


def test_un_taux_sur_plusieurs_mois_se_recalcule_depuis_les_sommes_et_non_comme_une_moyenne_de_taux(nord_et_somme):
    lille, amiens = nord_et_somme
    for mois, realisees, theoriques_lille, theoriques_amiens in ((JANVIER, 300, 310, 310), (FEVRIER, 10, 310, 100)):
        declarer(lille, mois, journees_realisees=realisees, journees_theoriques=theoriques_lille)
        declarer(amiens, mois, journees_realisees=realisees, journees_theoriques=theoriques_amiens)

    agreger(granularite=Granularite.TRIMESTRE, periode=JANVIER)

    assert valeur("taux_occupation", lille.territoire, Granularite.TRIMESTRE) == D("50.00")  # 310 / 620
    taux = valeur("taux_occupation", amiens.territoire, Granularite.TRIMESTRE)
    moyenne_des_taux = ((D(300) / 310 + D(10) / 100) * 100 / 2).quantize(D("0.01"))
    assert taux == D("75.61") and taux != moyenne_des_taux  # 310 / 410


def test_les_stocks_de_dispositifs_differents_s_additionnent_au_meme_mois(nord_et_somme):
    lille, amiens = nord_et_somme
    declarer(lille, JANVIER, file_active=10)
    declarer(lille, FEVRIER, file_active=30)
    declarer(amiens, FEVRIER, file_active=5)

    agreger(granularite=Granularite.TRIMESTRE, periode=JANVIER)

    # Lille : moyenne 20 sur ses deux mois ; Amiens : 5 ; la région suit 25 personnes en moyenne.
    assert valeur("file_active", lille.territoire.parent, Granularite.TRIMESTRE) == 25


def test_un_taux_est_recalcule_depuis_ses_sommes_jamais_moyenne(nord_et_somme):
    lille, amiens = nord_et_somme
    declarer(lille, JANVIER, journees_realisees=9, journees_theoriques=10)  # 90 %
    declarer(amiens, JANVIER, journees_realisees=50, journees_theoriques=100)  # 50 %

    agreger(granularite=Granularite.MOIS, periode=JANVIER)

    region = lille.territoire.parent
    assert valeur("taux_occupation", region) == D("53.64")  # 59 / 110, et non (90 + 50) / 2 = 70
    assert (
        valeur("taux_occupation", region, champ="numerateur"),
        valeur("taux_occupation", region, champ="denominateur"),
    ) == (59, 110)
    assert valeur("taux_occupation", lille.territoire) == 90


def test_un_mois_sans_denominateur_ne_compte_pas_dans_le_taux(nord_et_somme):
    lille, _ = nord_et_somme
    declarer(lille, JANVIER, journees_realisees=9, journees_theoriques=10)
    declarer(lille, FEVRIER, journees_realisees=30)

    agreger(granularite=Granularite.TRIMESTRE, periode=JANVIER)

    assert valeur("taux_occupation", lille.territoire, Granularite.TRIMESTRE) == 90


def test_seules_les_declarations_validees_comptent(nord_et_somme):
    lille, amiens = nord_et_somme
    declarer(lille, JANVIER, file_active=30)
    declarer(amiens, JANVIER, StatutDeclaration.TRANSMISE, file_active=12)

    agreger(granularite=Granularite.MOIS, periode=JANVIER)

    assert valeur("file_active", lille.territoire.parent) == 30
    assert not Agregat.objects.filter(territoire=amiens.territoire).exists()


def test_la_completude_compte_les_mois_attendus_des_dispositifs_en_service(nord_et_somme, lhss):
    lille, amiens = nord_et_somme
    DispositifFactory(type=lhss, territoire=amiens.territoire, statut=Statut.PROJET)  # rien n'est attendu d'un projet
    declarer(lille, JANVIER, file_active=30)
    declarer(lille, FEVRIER, file_active=30)

    agreger(granularite=Granularite.TRIMESTRE, periode=JANVIER)

    agregat = Agregat.objects.get(indicateur__code="file_active", territoire=lille.territoire.parent)
    assert (agregat.nb_declarations, agregat.nb_attendues, agregat.completude) == (2, 6, 33.3)


def test_un_dispositif_rattache_a_la_region_ne_compte_dans_aucun_departement(nord_et_somme, lhss):
    lille, _ = nord_et_somme
    regional = DispositifFactory(type=lhss, territoire=lille.territoire.parent)
    declarer(regional, JANVIER, file_active=18)

    agreger(granularite=Granularite.MOIS, periode=JANVIER)

    assert valeur("file_active", lille.territoire.parent) == 18
    assert Agregat.objects.filter(territoire__niveau="departement").count() == 0


def test_recalculer_donne_les_memes_lignes(nord_et_somme):
    lille, amiens = nord_et_somme
    declarer(lille, JANVIER, file_active=30, journees_realisees=9, journees_theoriques=10)
    declarer(amiens, FEVRIER, file_active=12, etp_en_poste=2)

    agreger_periode(debut=JANVIER, fin=datetime.date(2025, 4, 1))
    premier = contenu()
    agreger_periode(debut=JANVIER, fin=datetime.date(2025, 4, 1))

    assert contenu() == premier
    assert len(premier) > 0


def test_une_valeur_corrigee_remplace_l_ancien_agregat(nord_et_somme):
    lille, _ = nord_et_somme
    declaration = declarer(lille, JANVIER, file_active=30)
    agreger(granularite=Granularite.MOIS, periode=JANVIER)
    declaration.valeurs.update(valeur=31)

    agreger(granularite=Granularite.MOIS, periode=JANVIER)

    assert valeur("file_active", lille.territoire) == 31


def test_le_recalcul_incremental_ne_touche_que_le_type_et_les_periodes_de_la_validation(nord_et_somme, lhss):
    lille, _ = nord_et_somme
    lam = DispositifFactory(type=TypeDispositif.objects.get(code="LAM"), territoire=lille.territoire)
    declarer(lam, JANVIER, file_active=8)
    declarer(lam, datetime.date(2024, 12, 1), file_active=8)
    agreger_periode(debut=datetime.date(2024, 12, 1), fin=FEVRIER)
    avant = set(Agregat.objects.values_list("pk", flat=True))
    declarer(lille, JANVIER, file_active=30)

    agreger_autour(type_id=lhss.pk, mois=JANVIER)

    nouveaux = Agregat.objects.exclude(pk__in=avant)
    assert set(nouveaux.values_list("type__code", flat=True)) == {"LHSS"}
    assert set(nouveaux.values_list("granularite", "periode")) == {
        (Granularite.MOIS, JANVIER),
        (Granularite.TRIMESTRE, JANVIER),
        (Granularite.ANNEE, JANVIER),
    }
    assert avant <= set(Agregat.objects.values_list("pk", flat=True))  # rien d'autre n'a été réécrit


def test_un_recalcul_limite_a_une_region_laisse_les_autres(nord_et_somme, lhss):
    lille, _ = nord_et_somme
    ailleurs = DispositifFactory(type=lhss, territoire=TerritoireFactory(parent=RegionFactory(code="11", nom="IDF")))
    declarer(lille, JANVIER, file_active=30)
    declarer(ailleurs, JANVIER, file_active=7)
    agreger(granularite=Granularite.MOIS, periode=JANVIER)
    france = lille.territoire.parent.parent
    hors_region = set(Agregat.objects.exclude(territoire__chemin__startswith="FR/32/").values_list("pk", flat=True))

    agreger(granularite=Granularite.MOIS, periode=JANVIER, dans=lille.territoire.parent)

    assert set(Agregat.objects.exclude(territoire__chemin__startswith="FR/32/").values_list("pk", flat=True)) == (
        hors_region
    )
    assert valeur("file_active", france) == 37
    assert valeur("file_active", lille.territoire.parent) == 30


def test_valider_une_declaration_met_a_jour_les_agregats(
    nord_et_somme, instructeur, django_capture_on_commit_callbacks
):
    lille, _ = nord_et_somme
    mois_dernier = mois_precedent(calendrier.aujourd_hui())
    declaration = enregistrer_declaration(dispositif=lille, mois=mois_dernier, valeurs={"file_active": D(25)})
    transmettre(declaration=declaration)

    with django_capture_on_commit_callbacks(execute=True):
        valider(declaration=declaration, user=instructeur)  # tâche exécutée sur place en test (sans Redis)

    annee = mois_dernier.replace(month=1)
    assert valeur("file_active", lille.territoire.parent, Granularite.ANNEE, annee) == 25


def test_le_recalcul_de_nuit_reprend_les_mois_recents(nord_et_somme):
    lille, _ = nord_et_somme
    recent = decaler(mois_de(calendrier.aujourd_hui()), -2)
    declarer(lille, recent, file_active=12)

    agreger_tout()

    assert valeur("file_active", lille.territoire, periode=recent) == 12


def test_le_recalcul_autour_d_un_dispositif_ne_reecrit_que_ses_territoires_et_donne_le_calcul_complet(
    nord_et_somme, lhss
):
    lille, amiens = nord_et_somme
    declarer(lille, JANVIER, file_active=30, journees_realisees=9, journees_theoriques=10)
    declarer(amiens, JANVIER, file_active=12, journees_realisees=50, journees_theoriques=100)
    agreger_periode(debut=JANVIER, fin=FEVRIER)
    somme = set(Agregat.objects.filter(territoire=amiens.territoire).values_list("pk", flat=True))
    declarer(lille, FEVRIER, file_active=40)
    # Le trimestre et l'année de février, que le recalcul doit corriger.
    Agregat.objects.filter(territoire=lille.territoire).exclude(granularite="mois").update(valeur=0)

    agreger_autour(type_id=lhss.pk, mois=FEVRIER, territoire_id=lille.territoire_id)

    assert set(Agregat.objects.filter(territoire=amiens.territoire).values_list("pk", flat=True)) == somme
    partiel = contenu()
    agreger_periode(debut=JANVIER, fin=datetime.date(2025, 4, 1))
    assert partiel == contenu()


def test_un_recalcul_change_la_version_des_tableaux_gardes_en_cache(nord_et_somme, django_capture_on_commit_callbacks):
    from indicateurs.agregation import version_des_agregats

    avant = version_des_agregats()
    with django_capture_on_commit_callbacks(execute=True):
        agreger(granularite=Granularite.MOIS, periode=JANVIER)

    assert version_des_agregats() != avant


@pytest.mark.parametrize("un_dispositif_national", [False, True])
def test_le_pays_du_recalcul_incremental_est_celui_du_calcul_complet(nord_et_somme, lhss, un_dispositif_national):
    """Après une validation, la France s'obtient en additionnant ses régions : les mêmes lignes, au centime
    près, que le calcul depuis les déclarations — moyennes en tiers, taux, dernière valeur, et une région dont
    le dispositif est attendu sans avoir rien déclaré. Un dispositif rattaché au pays lui-même (aucune région
    ne le compte) fait recalculer le pays depuis les déclarations."""
    lille, amiens = nord_et_somme
    france = lille.territoire.parent.parent
    paris = DispositifFactory(type=lhss, territoire=TerritoireFactory(parent=RegionFactory(code="11", nom="IDF")))
    DispositifFactory(type=lhss, territoire=TerritoireFactory(parent=RegionFactory(code="84", nom="ARA")))
    if un_dispositif_national:
        declarer(DispositifFactory(type=lhss, territoire=france), JANVIER, file_active=4)
    for mois, file_active in zip((JANVIER, FEVRIER, MARS), (10, 10, 11), strict=True):
        declarer(lille, mois, file_active=file_active, journees_realisees=7, journees_theoriques=9, etp_en_poste=2)
        declarer(paris, mois, file_active=file_active + 1, journees_realisees=8, journees_theoriques=31)
    declarer(amiens, JANVIER, file_active=5, etp_en_poste=1)
    avril = datetime.date(2025, 4, 1)
    agreger_periode(debut=JANVIER, fin=avril)
    declarer(amiens, MARS, file_active=7, journees_realisees=1, journees_theoriques=3, etp_en_poste=3)

    agreger_autour(type_id=lhss.pk, mois=MARS, territoire_id=amiens.territoire_id)

    incremental = contenu()
    if not un_dispositif_national:
        # Moyennes par dispositif arrondies au centième : 31 / 3 = 10,33 (Lille), 34 / 3 = 11,33 (Paris), 12 / 2 = 6.
        assert valeur("file_active", france, Granularite.TRIMESTRE) == D("27.66")
        assert valeur("taux_occupation", france, Granularite.TRIMESTRE) == D("37.40")  # 46 / 123 journées
        assert valeur("file_active", france, Granularite.TRIMESTRE, champ="nb_attendues") == 4 * 3
    agreger_periode(debut=JANVIER, fin=avril)
    assert contenu() == incremental


def test_le_recalcul_incremental_tient_en_un_nombre_fixe_de_requetes_et_une_transaction(
    nord_et_somme, lhss, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Les trois périodes du mois, sous un seul verrou et dans une transaction : l'arbre des territoires, le
    dispositif national éventuel, le verrou, un DELETE, les dispositifs attendus du pays, puis deux INSERT par
    période (les territoires du dispositif, le pays), et une seule nouvelle version des tableaux gardés en cache."""
    lille, amiens = nord_et_somme
    for mois in (JANVIER, FEVRIER, MARS):
        declarer(lille, mois, file_active=10, journees_realisees=7, journees_theoriques=9)
    agreger_periode(debut=JANVIER, fin=datetime.date(2025, 4, 1))
    declarer(amiens, MARS, file_active=7)

    # arbre et dispositif national ; SAVEPOINT (la transaction, dans celle du test), verrou, DELETE, compte des
    # dispositifs attendus ; deux INSERT par période ; RELEASE
    with django_capture_on_commit_callbacks() as rappels, django_assert_num_queries(2 + 4 + 3 * 2 + 1):
        agreger_autour(type_id=lhss.pk, mois=MARS, territoire_id=amiens.territoire_id)

    assert len(rappels) == 1
    assert valeur("file_active", amiens.territoire, periode=MARS) == 7
