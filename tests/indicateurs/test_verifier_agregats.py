"""`verifier_agregats` : le recalcul complet en mémoire face aux agrégats enregistrés ; et la propriété qu'il
garde, le recalcul après chaque validation donne les lignes du calcul complet."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given
from hypothesis import settings as reglages_hypothesis
from hypothesis import strategies as st

from dispositifs.models import Dispositif, Statut, TypeDispositif
from indicateurs.agregation import agreger_periode, verifier_agregats
from indicateurs.models import Agregat, Declaration, Indicateur, StatutDeclaration, Valeur
from indicateurs.services import valider
from territoires.models import Niveau, Territoire
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory

pytestmark = pytest.mark.django_db
# Trois mois qui franchissent un trimestre et une année : chaque validation touche trois périodes.
MOIS = [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]


def verifier(*arguments) -> tuple[dict, int]:
    """La dernière ligne imprimée par la commande, décodée, et son code de sortie."""
    sortie, code = StringIO(), 0
    try:
        call_command("verifier_agregats", *arguments, stdout=sortie)
    except SystemExit as sortie_anticipee:
        code = sortie_anticipee.code
    return json.loads(sortie.getvalue().splitlines()[-1]), code


@pytest.fixture
def agregats(region_hdf):
    """Deux LHSS du Nord, un mois validé, agrégé."""
    nord = Territoire.objects.create(niveau=Niveau.DEPARTEMENT, code="59", nom="Nord", parent=region_hdf)
    lhss = TypeDispositif.objects.get(code="LHSS")
    file_active = Indicateur.objects.get(code="file_active")
    for valeur in (12, 30):
        declaration = Declaration.objects.create(
            dispositif=DispositifFactory(type=lhss, territoire=nord), mois=MOIS[0], statut=StatutDeclaration.VALIDEE
        )
        Valeur.objects.create(declaration=declaration, indicateur=file_active, valeur=valeur)
    agreger_periode(debut=MOIS[0], fin=MOIS[1])
    return nord


def test_des_agregats_a_jour_ne_different_pas(agregats):
    bilan, code = verifier()

    assert bilan["lignes_comparees"] == Agregat.objects.count() > 0
    assert (bilan["differences"], code) == (0, 0)


def test_une_valeur_changee_est_une_difference_et_la_commande_sort_en_erreur(agregats):
    Agregat.objects.filter(territoire=agregats, granularite="mois").update(valeur=41)

    bilan, code = verifier()

    assert (bilan["differences"], code) == (1, 1)
    assert bilan["exemples"] == [
        {
            "indicateur": "file_active",
            "type": "LHSS",
            "territoire": agregats.chemin,
            "granularite": "mois",
            "periode": "2025-11-01",
            "enregistre": {"valeur": "41.00"},
            "recalcule": {"valeur": "42.00"},
        }
    ]


def test_une_ligne_manquante_ou_en_trop_est_une_difference(agregats):
    Agregat.objects.filter(territoire=agregats, granularite="annee").delete()  # manquante
    Agregat.objects.filter(territoire=agregats, granularite="mois").update(periode=MOIS[2])  # en trop + manquante

    bilan, code = verifier("--exemples", "1")

    assert (bilan["differences"], code, len(bilan["exemples"])) == (3, 1, 1)


# Propriété : le recalcul après une validation est le calcul complet -------------------------------------------

valeurs = st.fixed_dictionaries(
    {
        "file_active": st.integers(0, 40),  # moyenne
        "nouvelles_personnes": st.integers(0, 9),  # somme
        "etp_en_poste": st.decimals(0, 9, places=2),  # dernière valeur
        "journees_realisees": st.integers(0, 31),  # numérateur d'un taux…
        "journees_theoriques": st.none() | st.integers(1, 31),  # … dont le dénominateur peut manquer
    }
)
# Un pays : ses régions ; une région : le nombre de territoires de santé de chaque département, et de ceux qui
# dépendent directement d'elle.
arbres = st.lists(
    st.lists(st.tuples(st.lists(st.integers(0, 2), max_size=2), st.integers(0, 1)), min_size=1, max_size=2),
    min_size=1,
    max_size=2,
)
dispositifs = st.lists(
    st.tuples(
        # Le niveau du rattachement ; hypothesis part du premier : le plus courant.
        st.sampled_from([Niveau.DEPARTEMENT, Niveau.TERRITOIRE_SANTE, Niveau.REGION, Niveau.PAYS]),
        st.integers(0, 20),  # parmi les territoires de ce niveau
        st.sampled_from(["LHSS", "LAM"]),
        st.sampled_from([Statut.INSTALLE, Statut.AUTORISE, Statut.FERME]),
        st.dictionaries(st.sampled_from(MOIS), valeurs, min_size=1),  # ses déclarations
        st.integers(0, 1),  # combien sont déjà validées et agrégées par le calcul complet (la nuit)
    ),
    min_size=2,
    max_size=5,
)


def planter(arbre) -> dict[str, list[Territoire]]:
    """Les territoires de l'arbre tiré, par niveau."""
    par_niveau = {niveau: [] for niveau in Niveau}

    def creer(niveau, code, parent):
        territoire = Territoire.objects.create(niveau=niveau, code=code, nom=code, parent=parent)
        par_niveau[niveau].append(territoire)
        return territoire

    for p, regions in enumerate(arbre):
        pays = creer(Niveau.PAYS, f"P{p}", None)
        for r, (departements, directs) in enumerate(regions):
            region = creer(Niveau.REGION, f"R{p}{r}", pays)
            for t in range(directs):
                creer(Niveau.TERRITOIRE_SANTE, f"T{p}{r}{t}", region)
            for d, sante in enumerate(departements):
                departement = creer(Niveau.DEPARTEMENT, f"D{p}{r}{d}", region)
                for t in range(sante):
                    creer(Niveau.TERRITOIRE_SANTE, f"T{p}{r}{d}{t}", departement)
    return par_niveau


def declarer(dispositif, mois, chiffres, statut) -> Declaration:
    declaration = Declaration.objects.create(dispositif=dispositif, mois=mois, statut=statut)
    indicateurs = Indicateur.objects.in_bulk(list(chiffres), field_name="code")
    Valeur.objects.bulk_create(
        Valeur(declaration=declaration, indicateur=indicateurs[code], valeur=Decimal(valeur))
        for code, valeur in chiffres.items()
        if valeur is not None
    )
    return declaration


# Ce qu'un dispositif peut subir entre deux validations, et par quelle écriture de l'ORM : save() (services,
# administration, API), update() d'un QuerySet (services des appels) ou bulk_update() (import FINESS).
changements = st.lists(
    st.tuples(
        st.sampled_from(["entre en service", "sort du service", "change de territoire"]),
        st.integers(0, 20),  # quel dispositif
        st.sampled_from([Niveau.DEPARTEMENT, Niveau.TERRITOIRE_SANTE, Niveau.REGION, Niveau.PAYS]),
        st.integers(0, 20),  # le territoire d'arrivée, parmi ceux de ce niveau
        st.sampled_from(["save", "update", "bulk_update"]),
    ),
    max_size=4,
)


def ecrire(dispositif: Dispositif, ecriture: str, **valeurs):
    if ecriture == "update":
        Dispositif.objects.filter(pk=dispositif.pk).update(**valeurs)
        return
    dispositif = Dispositif.objects.get(pk=dispositif.pk)
    for champ, valeur in valeurs.items():
        setattr(dispositif, champ, valeur)
    if ecriture == "save":
        dispositif.save()
    else:
        Dispositif.objects.bulk_update([dispositif], list(valeurs))


def changer(changement, dispositifs, par_niveau):
    quoi, rang, niveau, arrivee, ecriture = changement
    dispositif = dispositifs[rang % len(dispositifs)]
    if quoi == "entre en service":
        ecrire(dispositif, ecriture, statut=Statut.AUTORISE)
    elif quoi == "sort du service":
        ecrire(dispositif, ecriture, statut=Statut.FERME)
    else:
        candidats = par_niveau[niveau] or par_niveau[Niveau.REGION]
        ecrire(dispositif, ecriture, territoire=candidats[arrivee % len(candidats)])


@reglages_hypothesis(
    max_examples=30,
    derandomize=True,  # la même suite d'exemples à chaque lancement : un échec se rejoue
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(arbre=arbres, tirages=dispositifs, changes=changements, data=st.data())
def test_apres_chaque_validation_ou_changement_de_dispositif_les_agregats_sont_ceux_du_calcul_complet(
    instructeur, arbre, tirages, changes, data
):
    with transaction.atomic():  # chaque exemple repart de la même base
        # Comme en service, chaque écriture est suivie de son commit : le worker recalcule ce qu'elle touche.
        with TestCase.captureOnCommitCallbacks(execute=True):
            par_niveau = planter(arbre)
            organisme = OrganismeFactory()
            a_valider, crees = [], []
            for niveau, rang, type_code, statut, declarations, deja in tirages:
                candidats = par_niveau[niveau] or par_niveau[Niveau.REGION]
                dispositif = DispositifFactory(
                    type=TypeDispositif.objects.get(code=type_code),
                    organisme=organisme,
                    territoire=candidats[rang % len(candidats)],
                    statut=statut,
                )
                crees.append(dispositif)
                for position, (mois, chiffres) in enumerate(sorted(declarations.items())):
                    validee = position < deja
                    statut_declaration = StatutDeclaration.VALIDEE if validee else StatutDeclaration.TRANSMISE
                    declaration = declarer(dispositif, mois, chiffres, statut_declaration)
                    if not validee:
                        a_valider.append(declaration)
            agreger_periode(debut=MOIS[0], fin=datetime.date(2026, 2, 1))  # le calcul de nuit
        assert verifier_agregats().differences == 0

        operations = [("valider", d) for d in a_valider] + [("changer", c) for c in changes]
        for operation, quoi in data.draw(st.permutations(operations), label="ordre des opérations"):
            with TestCase.captureOnCommitCallbacks(execute=True):
                if operation == "valider":
                    valider(
                        declaration=Declaration.objects.select_related("dispositif").get(pk=quoi.pk), user=instructeur
                    )
                else:
                    changer(quoi, crees, par_niveau)
            verification = verifier_agregats()
            assert verification.differences == 0, (operation, quoi, verification.exemples)
        assert Agregat.objects.filter(territoire__niveau=Niveau.PAYS).exists()  # tout est validé, et compté
        transaction.set_rollback(True)


# Un dispositif qui entre en service après une décision d'appel ------------------------------------------------


@pytest.fixture
def agregats_du_pays(region_hdf):
    """Un pays : les Hauts-de-France (un LAM du Nord, octobre validé) et l'Occitanie (un LAM de l'Hérault,
    octobre validé) ; agrégés par le calcul de nuit."""
    from appels.demo import RESULTATS_OCCITANIE  # noqa: F401 (l'appel de démonstration crée des LAM)

    lam = TypeDispositif.objects.get(code="LAM")
    occitanie = Territoire.objects.create(niveau=Niveau.REGION, code="76", nom="Occitanie", parent=region_hdf.parent)
    for code, region in (("59", region_hdf), ("34", occitanie)):
        departement = Territoire.objects.create(niveau=Niveau.DEPARTEMENT, code=code, nom=code, parent=region)
        dispositif = DispositifFactory(type=lam, territoire=departement)
        declarer(dispositif, datetime.date(2026, 10, 1), {"file_active": 20}, StatutDeclaration.VALIDEE)
    agreger_periode(debut=datetime.date(2026, 10, 1), fin=datetime.date(2026, 11, 1))
    assert verifier_agregats().differences == 0
    return {"lam": lam, "occitanie": occitanie, "hdf": region_hdf}


def attendues_du_pays(type_) -> int:
    return Agregat.objects.get(
        territoire__niveau=Niveau.PAYS, type=type_, granularite="mois", periode=datetime.date(2026, 10, 1)
    ).nb_attendues


def test_les_places_autorisees_par_l_appel_d_occitanie_au_niveau_de_la_region_sont_recalculees(
    agregats_du_pays, django_capture_on_commit_callbacks
):
    from appels.demo import creer_appel_occitanie
    from dispositifs.models import TypeDispositif as Types

    with django_capture_on_commit_callbacks(execute=True):
        # Ce que fait la démonstration : l'appel terminé et ses places autorisées, rattachées à la région.
        creer_appel_occitanie(agregats_du_pays["occitanie"], {t.code: t for t in Types.objects.all()})

    regionaux = Dispositif.objects.en_service().filter(territoire=agregats_du_pays["occitanie"])
    assert regionaux.filter(type=agregats_du_pays["lam"]).count() == 1
    assert attendues_du_pays(agregats_du_pays["lam"]) == 3  # Nord, Hérault, et les places de la région
    assert verifier_agregats().differences == 0


def test_une_decision_d_appel_puis_l_autorisation_du_projet_regional_laissent_les_agregats_exacts(
    agregats_du_pays, instructeur, organisme, operateur, django_capture_on_commit_callbacks
):
    from appels.services.instruction import decider
    from tests.appels.factories import AppelFactory
    from tests.appels.test_instruction import clore, deposer
    from tests.planification.factories import HorizonFactory

    hdf, lam = agregats_du_pays["hdf"], agregats_du_pays["lam"]
    Territoire.objects.create(niveau=Niveau.DEPARTEMENT, code="80", nom="Somme", parent=hdf)
    appel = AppelFactory(region=hdf, types_cibles=[lam], horizon=HorizonFactory())
    # Deux départements visés : le projet est rattaché à la région (aucune répartition inventée).
    candidature = deposer(appel, organisme, operateur, dispositif_envisage="LAM", territoires=["59", "80"])
    clore(appel)

    with django_capture_on_commit_callbacks(execute=True):
        decider(
            candidature=candidature, user=instructeur, nature="retenue", version_lue=0, capacite_retenue=Decimal(8)
        )
    projet = Dispositif.objects.get(decision__candidature=candidature)
    assert (projet.territoire, projet.statut, attendues_du_pays(lam)) == (hdf, Statut.PROJET, 2)

    with django_capture_on_commit_callbacks(execute=True):
        projet.statut = Statut.AUTORISE  # comme l'administration, qui enregistre le dispositif
        projet.save()

    assert attendues_du_pays(lam) == 3
    assert verifier_agregats().differences == 0
