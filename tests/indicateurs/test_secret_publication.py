"""Les chiffres publics figés en éditions (indicateurs/publication.py) et l'attaquant qui les lit.

L'attaquant n'a que le HTML de la page publique : il y lit chaque case et chaque total, puis cherche par
programmation linéaire le plus petit et le plus grand nombre possibles pour chaque case « secret ».
"""

import datetime
import math
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from scipy.optimize import linprog

from indicateurs.croisement import croiser, tableau_secret
from indicateurs.models import Agregat, EditionPublique, Indicateur
from indicateurs.publication import lire_tableau
from indicateurs.secret import Seuils, cases_exposees
from indicateurs.services import demander_rapport, publier_mois
from tests.dispositifs.factories import DispositifFactory, TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory
from tests.indicateurs.pages import sans_aleatoire
from tests.territoires.factories import TerritoireFactory

OCTOBRE = datetime.date(2026, 10, 1)
FILTRES = {"debut": "2026-10", "fin": "2026-10", "indicateur": "file_active"}
SEUILS = Seuils(personnes=11, dispositifs=3)
# Octobre se verrouille 60 jours après sa fin : le 31 décembre 2026.
AVANT_VERROUILLAGE, APRES_VERROUILLAGE = datetime.date(2026, 12, 30), datetime.date(2026, 12, 31)

# Deux cycles de cases secrètes (Nord–Somme × LHSS–LAM, Oise–Aisne × ACT–EMPP) reliés par la seule Somme × ACT :
# l'ancien secret secondaire la laissait recalculer (tests/indicateurs/test_secret.py, PONT).
PONT = {
    ("59", "LHSS"): 3, ("59", "LAM"): 4, ("59", "ACT"): 30, ("59", "EMPP"): 41,
    ("80", "LHSS"): 5, ("80", "LAM"): 6, ("80", "ACT"): 7, ("80", "EMPP"): 52,
    ("60", "LHSS"): 33, ("60", "LAM"): 25, ("60", "ACT"): 8, ("60", "EMPP"): 9,
    ("02", "LHSS"): 47, ("02", "LAM"): 38, ("02", "ACT"): 2, ("02", "EMPP"): 10,
}  # fmt: skip
# Nord × LHSS : 4 personnes, secrètes ; une validation tardive les porte à 14, publiables.
REVISION = {
    ("59", "LHSS"): 4, ("59", "LAM"): 30, ("59", "ACT"): 20,
    ("80", "LHSS"): 25, ("80", "LAM"): 40, ("80", "ACT"): 35,
}  # fmt: skip


@pytest.fixture
def types(db):
    return {code: TypeDispositifFactory(code=code, sigle=code) for code in ["LHSS", "LAM", "ACT", "EMPP"]}


@pytest.fixture
def departements(region_hdf):
    noms = {"02": "Aisne", "59": "Nord", "60": "Oise", "80": "Somme"}
    return {code: TerritoireFactory(code=code, nom=nom, parent=region_hdf) for code, nom in noms.items()}


def agreger(cases: dict, departements, types, mois=OCTOBRE):
    """Les agrégats du mois (file active, cinq dispositifs par case) ; une case déjà là prend sa nouvelle valeur,
    comme après le recalcul qui suit une validation tardive."""
    file_active = Indicateur.objects.get(code="file_active")
    for (departement, type_), valeur in cases.items():
        Agregat.objects.filter(
            indicateur=file_active, territoire=departements[departement], type=types[type_], periode=mois
        ).delete()
        AgregatFactory(
            indicateur=file_active,
            territoire=departements[departement],
            type=types[type_],
            periode=mois,
            valeur=valeur,
            nb_dispositifs=5,
        )


# L'attaquant ------------------------------------------------------------------------------------------------


class TableauDuHTML(HTMLParser):
    """Les lignes du croisement département × type de la page : [en-tête, cases…] par ligne."""

    def __init__(self):
        super().__init__()
        self.lignes, self.ligne, self.texte, self.dans_croisement, self.entete = [], None, None, False, []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.ligne = []
        elif tag in ("th", "td") and self.ligne is not None:
            self.texte = ""

    def handle_data(self, data):
        if self.texte is not None:
            self.texte += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.ligne is not None and self.texte is not None:
            self.ligne.append(self.texte.strip())
            self.texte = None
        elif tag == "tr" and self.ligne:
            if self.ligne[0] == "Département":
                self.dans_croisement = self.ligne[-1] == "Tous types"
                self.entete = self.ligne[1:-1] if self.dans_croisement else self.entete
            elif self.dans_croisement:
                self.lignes.append(self.ligne)
                self.dans_croisement = self.ligne[0] != "Total"
            self.ligne = None


def lire_la_page(html: str) -> dict:
    """{(ligne, colonne): nombre ou None si « secret »}, totaux compris (ligne ou colonne « Total ») ; « — » (aucune
    donnée) compte pour zéro, connu de tous."""
    lecteur = TableauDuHTML()
    lecteur.feed(html)
    cases = {}
    for nom, *valeurs in lecteur.lignes:
        for colonne, texte in zip([*lecteur.entete, "Total"], valeurs, strict=True):
            nombre = 0 if texte == "—" else None if texte == "secret" else int(re.sub(r"\s", "", texte))
            cases[nom, colonne] = nombre
    return cases


def attaquer(pages: list[dict], stables: set) -> dict:
    """Pour chaque case secrète d'une page, (minimum, maximum) que permettent toutes les pages lues ensemble. Une
    case de `stables` (l'attaquant sait qu'elle n'a pas changé entre deux pages) est la même inconnue partout."""
    # Une case stable lue en clair sur une page est connue sur toutes.
    connues = {cle: page[cle] for page in pages for cle in stables if page.get(cle) is not None}
    inconnues = {}
    for numero, page in enumerate(pages):
        for (ligne, colonne), valeur in page.items():
            if valeur is None and "Total" not in (ligne, colonne) and (ligne, colonne) not in connues:
                identite = (ligne, colonne) if (ligne, colonne) in stables else (numero, ligne, colonne)
                inconnues.setdefault(identite, len(inconnues))

    def somme(numero, cases):
        coefficients, constante = [0.0] * len(inconnues), 0.0
        for cle in cases:
            if pages[numero][cle] is not None:
                constante += pages[numero][cle]
            elif cle in connues:
                constante += connues[cle]
            else:
                coefficients[inconnues[cle if cle in stables else (numero, *cle)]] += 1
        return coefficients, constante

    egalites, seconds = [], []
    for numero, page in enumerate(pages):
        lignes = {ligne for ligne, _ in page if ligne != "Total"}
        colonnes = {colonne for _, colonne in page if colonne != "Total"}
        contraintes = [((ligne, "Total"), [(ligne, c) for c in colonnes]) for ligne in [*lignes, "Total"]]
        contraintes += [(("Total", colonne), [(r, colonne) for r in lignes]) for colonne in colonnes]
        for total, cases in contraintes:
            if page[total] is not None:
                coefficients, constante = somme(numero, cases)
                egalites.append(coefficients)
                seconds.append(page[total] - constante)
    bornes = {}
    for identite, indice in inconnues.items():
        objectif = [1.0 if i == indice else 0.0 for i in range(len(inconnues))]
        mini = linprog(objectif, A_eq=egalites, b_eq=seconds, bounds=(0, None), method="highs")
        maxi = linprog([-a for a in objectif], A_eq=egalites, b_eq=seconds, bounds=(0, None), method="highs")
        bornes[identite] = (mini.fun, math.inf if maxi.status == 3 else -maxi.fun)
    return bornes


class TestAttaquant:
    def test_aucune_case_secrete_ne_se_retrouve_depuis_la_page_publique(
        self, client, region_hdf, departements, types, publier
    ):
        agreger(PONT, departements, types)
        publier(region_hdf, OCTOBRE)

        page = lire_la_page(client.get(reverse("indicateurs:tableau:public"), FILTRES).content.decode())

        assert page["Somme (80)", "ACT"] is None and page["Nord (59)", "LHSS"] is None  # la page est bien lue
        bornes = attaquer([page], stables=set())
        assert len(bornes) >= 9  # les neuf cases du secret primaire au moins
        for case, (minimum, maximum) in bornes.items():
            assert maximum - minimum >= SEUILS.personnes, f"{case} : entre {minimum} et {maximum}"

    def test_la_page_d_avant_et_celle_d_apres_une_revision_ne_livrent_rien_ensemble(
        self, client, region_hdf, departements, types, publier, django_capture_on_commit_callbacks
    ):
        agreger(REVISION, departements, types)
        publier(region_hdf, OCTOBRE)
        avant = lire_la_page(client.get(reverse("indicateurs:tableau:public"), FILTRES).content.decode())
        agreger({("59", "LHSS"): 14}, departements, types)  # la validation tardive
        with django_capture_on_commit_callbacks(execute=True):  # la page en cache se périme à la publication
            publier(region_hdf, OCTOBRE)
        apres = lire_la_page(client.get(reverse("indicateurs:tableau:public"), FILTRES).content.decode())

        assert EditionPublique.objects.filter(region=region_hdf, mois=OCTOBRE).count() == 2
        assert apres["Nord (59)", "Total"] != avant["Nord (59)", "Total"]  # la révision est publiée
        # L'attaquant sait même quelles cases n'ont pas changé : toutes sauf Nord × LHSS.
        stables = {cle for cle in avant if "Total" not in cle and cle != ("Nord (59)", "LHSS")}
        for case, (minimum, maximum) in attaquer([avant, apres], stables).items():
            assert maximum - minimum >= SEUILS.personnes, f"{case} : entre {minimum} et {maximum}"


# La publication ---------------------------------------------------------------------------------------------


def editions_auditees(region, mois) -> list:
    """Les éditions du mois vues par l'audit, pour chaque indicateur : [[Tableau de l'édition 1, 2…], …]."""
    editions = list(EditionPublique.objects.filter(region=region, mois=mois).order_by("numero"))
    departements = list(TerritoireFactory._meta.model.objects.filter(parent=region).order_by("code"))
    from dispositifs.models import TypeDispositif

    catalogue = list(TypeDispositif.objects.order_by("ordre", "sigle"))
    par_indicateur = []
    for indicateur in Indicateur.objects.filter(pk__in={int(k) for e in editions for k in e.tableaux}):
        tableaux = []
        for edition in editions:
            cellules, masques = lire_tableau(edition.tableaux.get(str(indicateur.pk)))
            croisement = croiser(indicateur, mois, departements, catalogue, cellules)
            tableaux.append(tableau_secret(croisement, masques))
        par_indicateur.append(tableaux)
    return par_indicateur


class TestPublication:
    def test_un_mois_ne_se_publie_qu_une_fois_verrouille(self, region_hdf, departements, types):
        agreger(REVISION, departements, types)

        assert publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=AVANT_VERROUILLAGE) is None
        edition = publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=APRES_VERROUILLAGE)

        assert (edition.numero, edition.mois) == (1, OCTOBRE)
        # Rien n'a changé : pas de deuxième édition.
        assert publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=APRES_VERROUILLAGE) is None
        assert EditionPublique.objects.count() == 1

    def test_une_validation_tardive_fait_une_revision_auditee_avec_la_premiere(self, region_hdf, departements, types):
        agreger(REVISION, departements, types)
        publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=APRES_VERROUILLAGE)
        agreger({("59", "LHSS"): 14, ("80", "ACT"): 36}, departements, types)

        revision = publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=APRES_VERROUILLAGE)

        assert revision.numero == 2
        for tableaux in editions_auditees(region_hdf, OCTOBRE):
            assert cases_exposees(tableaux, SEUILS) == []
        # Seule, la révision n'aurait rien masqué (plus aucun effectif sous 11) : ses masques viennent de l'audit
        # conjoint.
        premiere, seconde = editions_auditees(region_hdf, OCTOBRE)[0]
        assert premiere.masques and seconde.masques

    def test_pas_de_revision_tant_qu_une_derogation_rouvre_le_mois(
        self, region_hdf, departements, types, planificateur
    ):
        from indicateurs.models import Derogation

        agreger(REVISION, departements, types)
        publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=APRES_VERROUILLAGE)
        dispositif = DispositifFactory(territoire=departements["59"], type=types["LHSS"])
        Derogation.objects.create(
            dispositif=dispositif, mois=OCTOBRE, jusqu_au=datetime.date(2027, 1, 15), accordee_par=planificateur
        )
        agreger({("59", "LHSS"): 14}, departements, types)

        assert publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=APRES_VERROUILLAGE) is None
        assert publier_mois(region=region_hdf, mois=OCTOBRE, aujourd_hui=datetime.date(2027, 1, 16)).numero == 2

    def test_la_page_publique_lit_l_edition_et_jamais_les_agregats_vivants(
        self, client, region_hdf, departements, types, publier
    ):
        agreger(REVISION, departements, types)
        publier(region_hdf, OCTOBRE)
        agreger({("80", "LAM"): 4040}, departements, types)  # pas encore republié

        html = sans_aleatoire(client.get(reverse("indicateurs:tableau:public"), FILTRES).content.decode())
        csv = client.get(reverse("indicateurs:tableau:export_public"), {**FILTRES, "table": "departements"})

        assert "4040" not in html and "4\xa0040" not in html and "4\u202f040" not in html
        assert "4040" not in csv.content.decode()
        assert lire_la_page(html)["Somme (80)", "LAM"] in (40, None)

    def test_un_mois_non_publie_n_a_pas_de_chiffres_publics(self, client, region_hdf, departements, types):
        agreger(REVISION, departements, types)

        html = client.get(reverse("indicateurs:tableau:public"), FILTRES).content.decode()

        assert "Aucune donnée" in html
        assert "35" not in re.sub(r"<[^>]+>", " ", html).split()  # Somme × ACT

    def test_le_rapport_public_attend_la_publication_du_mois(self, region_hdf, departements, types, publier):
        agreger(REVISION, departements, types)

        with pytest.raises(ValidationError) as refus:
            demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=True)
        assert "ne sont pas encore publiés" in str(refus.value) and "31/12/2026" in str(refus.value)
        publier(region_hdf, OCTOBRE)
        assert demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=True).public

    def test_la_nuit_publie_les_mois_verrouilles_et_demande_leur_rapport_public(
        self, region_hdf, departements, types, django_capture_on_commit_callbacks
    ):
        from indicateurs.models import Rapport
        from indicateurs.services import publier_mois_clos

        agreger(REVISION, departements, types)  # octobre
        agreger(REVISION, departements, types, mois=datetime.date(2026, 11, 1))  # novembre, pas verrouillé

        with django_capture_on_commit_callbacks():
            assert publier_mois_clos(aujourd_hui=APRES_VERROUILLAGE) == 1
            assert publier_mois_clos(aujourd_hui=APRES_VERROUILLAGE) == 0  # rien n'a changé

        assert list(EditionPublique.objects.values_list("mois", "numero")) == [(OCTOBRE, 1)]
        assert list(Rapport.objects.values_list("mois", "public")) == [(OCTOBRE, True)]
        cellules, _ = lire_tableau(next(iter(EditionPublique.objects.get().tableaux.values())))
        assert cellules[departements["59"].pk, types["LAM"].pk].valeur == Decimal(30)

    def test_un_rapport_public_provisoire_ne_se_finalise_qu_une_fois_le_mois_publie(
        self, region_hdf, departements, types, publier
    ):
        from indicateurs.models import Rapport
        from indicateurs.services import finaliser_rapports

        agreger(REVISION, departements, types)
        Rapport.objects.create(territoire=region_hdf, mois=OCTOBRE, public=True, provisoire=True)

        assert finaliser_rapports(aujourd_hui=datetime.date(2026, 11, 23)) == 0  # échéance passée, pas publié
        publier(region_hdf, OCTOBRE)
        assert finaliser_rapports(aujourd_hui=datetime.date(2026, 11, 23)) == 1


def test_la_page_publique_dit_la_regle_de_protection(client, region_hdf, departements, types, publier, settings):
    agreger(REVISION, departements, types)
    publier(region_hdf, OCTOBRE)

    html = client.get(reverse("indicateurs:tableau:public"), FILTRES).content.decode()

    assert f"ne permettent plus de l'encadrer à moins de {settings.SECRET_SEUIL_PERSONNES} près" in html
    assert "protégée avec la" in html and "précédente" in html
