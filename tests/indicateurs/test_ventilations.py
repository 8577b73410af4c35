"""Issue 13, point 5 : les indicateurs des sources et leurs ventilations. Le catalogue (flux, types), la somme des
catégories refusée quand elle ne tombe pas juste (page, API, import CSV), l'agrégation qui garde les sommes, et le
secret statistique qui tient quand on soustrait les autres catégories du total."""

import datetime
import math
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as reglages_hypothesis
from hypothesis import strategies as st
from scipy.optimize import linprog

from dispositifs.models import TypeDispositif
from indicateurs.agregation import verifier_agregats
from indicateurs.catalogue import MOBILES, TOUS, VENTILATIONS
from indicateurs.croisement import Cellule, a_masquer, croiser, tableau_secret
from indicateurs.models import Agregat, Declaration, Indicateur, StatutDeclaration
from indicateurs.regles import erreurs_de_coherence
from indicateurs.secret import TOTAL, Seuils
from indicateurs.services import enregistrer_et_transmettre, valider
from indicateurs.ventilation import a_masquer as masquer_ventilation
from indicateurs.ventilation import proteger, tableau_de_ventilation, ventiler
from territoires.models import Niveau, Territoire
from tests.indicateurs.test_api_declarations import client_de
from tests.indicateurs.test_declarations_pages import saisie, texte, url_saisie
from tests.indicateurs.test_import_csv import importer

OCTOBRE = datetime.date(2026, 10, 1)
SEUILS = Seuils(personnes=11, dispositifs=3)
LIEU_DE_VIE = VENTILATIONS["nouvelles_personnes"]
# Une ventilation juste de 20 nouvelles personnes, et la même avec une personne de trop à la rue.
JUSTE = dict(zip(LIEU_DE_VIE, [5, 2, 6, 2, 1, 3, 1], strict=True))
FAUSSE = JUSTE | {"lieu_de_vie_rue": 6}
MESSAGE_FAUX = "doit égaler « Nouvelles personnes accueillies » (20)"


# Catalogue ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCatalogue:
    def test_les_indicateurs_des_sources_sont_des_flux_avec_leurs_types(self):
        par_code = {i.code: i for i in Indicateur.objects.prefetch_related("types")}

        def types(code):
            return {t.code for t in par_code[code].types.all()}

        for code in ["duree_accompagnement", "interpretariat_professionnel", "travailleurs_sociaux_formes"]:
            assert par_code[code].agregation == "somme" and par_code[code].total is None
        assert types("interpretariat_professionnel") == types("duree_accompagnement") == set(TOUS)
        assert types("travailleurs_sociaux_formes") == set(MOBILES)  # les équipes forment (source 001)
        assert types("declenchement_initiative") == set(MOBILES)  # les interventions d'aller-vers (source 001)
        assert types("lieu_de_vie_rue") == set(TOUS)

    def test_chaque_categorie_est_un_flux_du_total_pour_ses_types_et_dans_son_unite(self):
        categories = Indicateur.objects.filter(total__isnull=False).select_related("total").prefetch_related("types")

        assert {(c.total.code, c.code) for c in categories} == {
            (total, code) for total, codes in VENTILATIONS.items() for code in codes
        }
        for categorie in categories:
            total = categorie.total
            assert categorie.agregation == total.agregation == "somme", (
                categorie.code
            )  # seules les sommes se ventilent
            assert categorie.unite == total.unite
            assert set(categorie.types.all()) == set(total.types.all())

    def test_les_categories_ne_paraissent_qu_avec_leur_total(self):
        montres = set(Indicateur.objects.actifs().hors_categories().values_list("code", flat=True))

        assert "nouvelles_personnes" in montres and not montres & set(LIEU_DE_VIE)


# La somme des catégories --------------------------------------------------------------------------------------


class TestRegle:
    def test_une_ventilation_juste_ou_absente_passe(self):
        assert erreurs_de_coherence({"nouvelles_personnes": D(20)} | {k: D(v) for k, v in JUSTE.items()}) == {}
        assert erreurs_de_coherence({"nouvelles_personnes": D(20)}) == {}

    def test_une_somme_fausse_nomme_les_champs_et_donne_les_deux_sommes(self):
        erreurs = erreurs_de_coherence({"nouvelles_personnes": D(20)} | {k: D(v) for k, v in FAUSSE.items()})

        assert erreurs["nouvelles_personnes"].startswith("La somme des catégories (« Nouvelles personnes vivant à la")
        assert "= 21) " + MESSAGE_FAUX in erreurs["nouvelles_personnes"]

    def test_une_ventilation_incomplete_dit_ce_qui_manque(self):
        erreurs = erreurs_de_coherence({"sorties": D(3), "sortie_logement": D(3)})

        assert erreurs["sorties"] == (
            "Ventilation incomplète : remplissez aussi « Sorties vers un hébergement (CHU, CHRS…) », « Sorties vers "
            "une structure de soins », « Sorties vers une autre destination ou inconnue » (0 si aucune)."
        )


@pytest.mark.django_db
class TestSaisie:
    def test_la_page_refuse_une_somme_fausse_et_n_enregistre_rien(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = client.post(url_saisie(lhss), saisie(nouvelles_personnes=20, **FAUSSE))

        assert reponse.status_code == 400
        assert MESSAGE_FAUX in texte(reponse)
        assert not Declaration.objects.exists()

    def test_la_page_enregistre_une_somme_juste(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = client.post(url_saisie(lhss), saisie(nouvelles_personnes=20, **JUSTE))

        assert reponse.status_code == 302
        valeurs = Declaration.objects.get().valeurs.filter(indicateur__total__code="nouvelles_personnes")
        assert sum(v.valeur for v in valeurs) == 20

    def test_l_api_refuse_une_somme_fausse(self, operateur, lhss):
        reponse = client_de(operateur).post(
            "/api/v1/declarations/",
            {"dispositif": lhss.pk, "mois": "2026-10", "valeurs": {"nouvelles_personnes": 20, **FAUSSE}},
            format="json",
        )

        assert reponse.status_code == 400
        assert MESSAGE_FAUX in reponse.json()["valeurs"]["nouvelles_personnes"][0]
        assert not Declaration.objects.exists()

    def test_l_import_refuse_la_ligne_fausse_et_rien_n_est_enregistre(self, operateur, lhss):
        colonnes = ["nouvelles_personnes", *LIEU_DE_VIE]
        juste = ";".join(str(v) for v in [20, *JUSTE.values()])
        fausse = ";".join(str(v) for v in [20, *FAUSSE.values()])
        csv = f"finess;mois;{';'.join(colonnes)}\n990000011;2026-10;{juste}\n990000011;2026-09;{fausse}\n"

        compte_rendu = importer(operateur, csv)

        assert [ligne.numero for ligne in compte_rendu.refusees] == [3]
        [(colonne, message)] = compte_rendu.refusees[0].erreurs
        assert colonne == "nouvelles_personnes" and MESSAGE_FAUX in message
        assert not compte_rendu.enregistre and not Declaration.objects.exists()


# Agrégation : la validation (recalcul incrémental) et le calcul complet gardent les sommes ---------------------


@pytest.mark.django_db
def test_les_agregats_des_categories_tombent_juste_en_incremental_comme_en_complet(
    operateur, organisme, lhss, instructeur, type_lhss, departement, django_capture_on_commit_callbacks
):
    from tests.dispositifs.factories import DispositifFactory

    second = DispositifFactory(organisme=organisme, type=type_lhss, territoire=departement, finess="990000037")
    for dispositif, rue in ((lhss, 5), (second, 9)):
        chiffres = JUSTE | {"lieu_de_vie_rue": rue, "nouvelles_personnes": 20 - 5 + rue}
        declaration = enregistrer_et_transmettre(dispositif=dispositif, mois=OCTOBRE, valeurs=chiffres)
        with django_capture_on_commit_callbacks(execute=True):  # le recalcul incrémental, par le worker
            valider(declaration=declaration, user=instructeur)

    assert Declaration.objects.filter(statut=StatutDeclaration.VALIDEE).count() == 2
    bilan = verifier_agregats()  # le calcul complet, en mémoire, face aux agrégats incrémentaux
    assert (bilan.differences, bilan.lignes_comparees > 0) == (0, True)
    for agregat in Agregat.objects.filter(indicateur__code="nouvelles_personnes"):
        categories = Agregat.objects.filter(
            indicateur__total=agregat.indicateur,
            territoire=agregat.territoire,
            granularite=agregat.granularite,
            periode=agregat.periode,
        )
        assert sum(c.valeur for c in categories) == agregat.valeur == 44


# Secret statistique : l'attaquant soustrait ---------------------------------------------------------------------


def catalogue_en_memoire(nb_categories: int):
    """Un total, ses catégories, deux types et trois départements, sans base : hypothesis en tire des centaines."""
    total = Indicateur(pk=1, code="total", libelle="Total", unite="personnes", agregation="somme")
    categories = [
        Indicateur(pk=10 + i, code=f"c{i}", libelle=f"C{i}", unite="personnes", agregation="somme", total_id=1)
        for i in range(nb_categories)
    ]
    types = [TypeDispositif(pk=1, code="A", sigle="A"), TypeDispositif(pk=2, code="B", sigle="B")]
    departements = [Territoire(pk=100 + d, niveau=Niveau.DEPARTEMENT, code=str(d), nom=str(d)) for d in range(3)]
    return total, categories, types, departements


def publier_en_memoire(valeurs: dict, nb_dispositifs: dict, nb_categories: int):
    """Le croisement du total et sa ventilation protégés comme une édition publique : les deux tableaux."""
    total, categories, types, departements = catalogue_en_memoire(nb_categories)
    cellules = {(c.pk, OCTOBRE): {} for c in [total, *categories]}
    for (departement, type_, categorie), valeur in valeurs.items():
        cle = (departements[departement].pk, types[type_].pk)
        n = nb_dispositifs[departement, type_]
        cellules[categories[categorie].pk, OCTOBRE][cle] = Cellule(D(valeur), n)
        ancien = cellules[total.pk, OCTOBRE].get(cle, Cellule(D(0), n))
        cellules[total.pk, OCTOBRE][cle] = Cellule(ancien.valeur + valeur, n)
    croisement = croiser(total, OCTOBRE, departements, types, cellules[total.pk, OCTOBRE])
    masques = a_masquer(croisement, SEUILS)
    tableau_total = tableau_secret(croisement, masques)
    ventilation = ventiler(croisement, categories, cellules)
    tableau = tableau_de_ventilation(ventilation, masquer_ventilation(ventilation, tableau_total, SEUILS))
    return tableau_total, tableau, proteger(ventilation, tableau.masques)


def attaquer(tableaux) -> dict:
    """L'attaquant, écrit sans le module du secret : une inconnue ≥ 0 par case « secret » (la même quand deux
    tableaux publient la même case), une égalité par total de ligne et de colonne publié ou non ; pour chaque
    case secrète, le plus petit et le plus grand nombre possibles."""
    connues, inconnues = {}, {}
    for t in tableaux:
        for cle, valeur in t.valeurs.items():
            if cle not in t.masques:
                connues[cle] = float(valeur or 0)
    for t in tableaux:
        for cle in t.masques:
            if cle not in connues:
                inconnues.setdefault(cle, len(inconnues))
    egalites, seconds = [], []

    def terme(cle, coefficients, signe):
        if cle in inconnues:
            coefficients[inconnues[cle]] += signe
            return 0.0
        return signe * connues.get(cle, 0.0)

    for t in tableaux:
        lignes, colonnes = [*t.lignes, TOTAL], [*t.colonnes, TOTAL]
        sommes = [((r, TOTAL), [(r, c) for c in t.colonnes]) for r in lignes]
        sommes += [((TOTAL, c), [(r, c) for r in t.lignes]) for c in colonnes]
        for total, cases in sommes:
            coefficients = [0.0] * len(inconnues)
            constante = sum(terme(cle, coefficients, 1) for cle in cases) + terme(total, coefficients, -1)
            egalites.append(coefficients)
            seconds.append(-constante)
    bornes = {}
    for cle, indice in inconnues.items():
        objectif = [1.0 if i == indice else 0.0 for i in range(len(inconnues))]
        mini = linprog(objectif, A_eq=egalites, b_eq=seconds, bounds=(0, None), method="highs")
        maxi = linprog([-a for a in objectif], A_eq=egalites, b_eq=seconds, bounds=(0, None), method="highs")
        bornes[cle] = (mini.fun, math.inf if maxi.status == 3 else -maxi.fun)
    return bornes


def assert_aucune_case_retrouvee(tableaux):
    for cle, (minimum, maximum) in attaquer(tableaux).items():
        assert maximum - minimum >= SEUILS.personnes - 1e-6, f"{cle} : entre {minimum} et {maximum}"


def test_une_categorie_masquee_ne_se_retrouve_pas_par_difference():
    # Département 0, type A : 4 personnes à la rue (secret primaire) parmi 60 ; le total et les autres catégories
    # sont grands : sans secret secondaire, 60 − 30 − 26 donnerait 4.
    valeurs = {(0, 0, 0): 4, (0, 0, 1): 30, (0, 0, 2): 26, (1, 0, 0): 40, (1, 0, 1): 35, (1, 0, 2): 50}
    nb_dispositifs = {(d, t): 5 for d in range(3) for t in range(2)}

    total, tableau, ventilation = publier_en_memoire(valeurs, nb_dispositifs, 3)

    assert (100, "c0") in tableau.masques  # le secret primaire
    assert len(tableau.masques & {(100, "c1"), (100, "c2"), (100, TOTAL)}) >= 1  # et ce qui le protège
    assert ventilation.lignes[0].cellules[0].affichee is None
    assert_aucune_case_retrouvee([total, tableau])


@reglages_hypothesis(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    nb_categories=st.integers(2, 4),
    valeurs=st.dictionaries(
        st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(0, 3)), st.integers(0, 40), max_size=14
    ),
    nb_dispositifs=st.fixed_dictionaries({(d, t): st.integers(1, 6) for d in range(3) for t in range(2)}),
)
def test_aucune_categorie_masquee_ne_se_retrouve_quelles_que_soient_les_valeurs(
    nb_categories, valeurs, nb_dispositifs
):
    valeurs = {cle: v for cle, v in valeurs.items() if cle[2] < nb_categories}

    total, tableau, _ = publier_en_memoire(valeurs, nb_dispositifs, nb_categories)

    for d in range(3):  # chaque case du secret primaire est masquée…
        for c in range(nb_categories):
            if 0 < sum(v for (dd, _, cc), v in valeurs.items() if (dd, cc) == (d, c)) < SEUILS.personnes:
                assert (100 + d, f"c{c}") in tableau.masques
    assert_aucune_case_retrouvee([total, tableau])  # … et ni la différence ni les deux tableaux ne la livrent


# Tableau de bord, page publique et PDF ------------------------------------------------------------------------


@pytest.fixture
def ventile(region_hdf, nord):
    """Octobre dans le Nord : 60 nouvelles personnes LHSS de 5 dispositifs, dont 4 à la rue (secret)."""
    from tests.dispositifs.factories import TypeDispositifFactory
    from tests.indicateurs.factories import AgregatFactory

    lhss = TypeDispositifFactory(code="LHSS")
    par_code = {"nouvelles_personnes": 60} | dict.fromkeys(LIEU_DE_VIE, 0)
    par_code |= {"lieu_de_vie_rue": 4, "lieu_de_vie_hebergement": 30, "lieu_de_vie_asile": 26}
    for code, valeur in par_code.items():
        AgregatFactory(
            indicateur=Indicateur.objects.get(code=code),
            type=lhss,
            territoire=nord,
            valeur=D(valeur),
            nb_dispositifs=5,
        )
    return nord


@pytest.mark.django_db
class TestAffichage:
    FILTRES = {"debut": "2026-10", "fin": "2026-10", "indicateur": "file_active"}

    def test_le_tableau_de_bord_interne_montre_la_ventilation(self, client, instructeur, ventile):
        client.force_login(instructeur)

        page = texte(client.get(reverse("indicateurs:tableau:region"), self.FILTRES))

        assert "Ventilations — oct. 2026" in page
        assert "Nord (59) 4 0 30 26 0 0 0 60" in page  # la ligne : les catégories puis le total

    def test_la_page_publique_masque_la_categorie_et_ce_qui_la_trahirait(self, client, ventile, region_hdf, publier):
        publier(region_hdf, OCTOBRE)

        page = texte(client.get(reverse("indicateurs:tableau:public"), self.FILTRES))

        assert "Ventilations — oct. 2026" in page
        ligne = page[page.index("Nord (59)", page.index("Ventilations")) :].split(" Total ")[0]
        assert ligne.count("secret") >= 2 and " 4 " not in f"{ligne} "

    def test_le_csv_des_ventilations_interne_et_public(self, client, instructeur, ventile, region_hdf, publier):
        """Une ligne par territoire et catégorie ; en public, la catégorie masquée s'écrit « secret » et la valeur
        4 n'apparaît nulle part."""
        publier(region_hdf, OCTOBRE)
        client.force_login(instructeur)
        filtres = {**self.FILTRES, "table": "ventilations"}

        interne = client.get(reverse("indicateurs:tableau:export"), filtres).content.decode("utf-8-sig").splitlines()
        public = client.get(reverse("indicateurs:tableau:export_public"), filtres).content.decode("utf-8-sig")

        assert interne[0] == "Indicateur;Unité;Période;Département;Code;Catégorie;Valeur"
        du_nord = [ligne.split(";")[-2:] for ligne in interne if ";Nord;59;" in ligne]
        assert du_nord[0] == ["Vivant à la rue", "4"] and du_nord[-1] == ["Total", "60"]
        assert sum(int(valeur) for _, valeur in du_nord[:-1]) == 60  # les catégories tombent juste sur le total
        assert "secret" in public and not re.search(r";4(\r?\n|$)", public)

    def test_une_edition_publiee_avant_les_ventilations_n_en_montre_pas(self, client, ventile, region_hdf, publier):
        from indicateurs.models import EditionPublique

        publier(region_hdf, OCTOBRE)
        edition = EditionPublique.objects.get()
        for tableau in edition.tableaux.values():  # l'édition telle qu'on la publiait avant cette version
            tableau.pop("ventilation", None)
        edition.save()

        page = texte(client.get(reverse("indicateurs:tableau:public"), self.FILTRES))

        assert "Chiffres clés" in page and "Ventilations" not in page  # le reste y vaudrait le total, non protégé

    def test_le_pdf_interne_montre_la_ventilation(self, ventile, region_hdf):
        from indicateurs.services import generer_rapport
        from tests.indicateurs.test_rapports import lire, nouveau_rapport, texte_du_pdf

        rapport = generer_rapport(rapport=nouveau_rapport(region_hdf))
        contenu = texte_du_pdf(lire(rapport)).replace("\u202f", " ").replace("\xa0", " ")

        assert "Ventilations — oct. 2026" in contenu
        assert "Nord (59) 4 0 30 26 0 0 0 60" in contenu
