"""Pages publiques : le catalogue des types de dispositifs, présentés comme l'annexe 2 bis de l'appel de
l'ARS Île-de-France, et la cartographie des dispositifs par département (feuille de route DREETS / ARS
Occitanie)."""

import unicodedata
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format
from dsfr.forms import DsfrBaseForm
from dsfr.utils import list_pages
from dsfr.widgets import InlineCheckboxSelectMultiple

from config.policy import Regle, acces
from dispositifs.cartographie import Zone, dessiner_carte, legende
from dispositifs.models import Dispositif, EvenementCapacite, Secteur, Statut, TypeDispositif, Unite, somme_capacite
from territoires.models import Niveau, Territoire

REGION_PAR_DEFAUT = "32"  # Hauts-de-France
FRANCE = "FR"
PAR_PAGE = 50
UNITE_AU_SINGULIER = {Unite.PLACES: "place", Unite.LITS: "lit", Unite.EQUIPES: "équipe", Unite.ETP: "ETP"}
# Les lignes du tableau comparatif, dans l'ordre de l'annexe 2 bis ; financement et coût viennent ensuite.
TEXTES_COMPARES = [
    ("Publics", "publics"),
    ("Missions", "missions"),
    ("Équipe", "equipe"),
    ("Modalités d'intervention", "intervention"),
    ("Partenaires", "partenaires"),
]
DECIMAL = DecimalField(max_digits=12, decimal_places=2)


def cout_par_unite(type_dispositif: TypeDispositif) -> str:
    """« 11 000 € par place et par an » ; vide sans coût de référence."""
    if type_dispositif.cout_annuel_unitaire is None:
        return ""
    montant = number_format(type_dispositif.cout_annuel_unitaire, decimal_pos=0, force_grouping=True)
    return f"{montant}\xa0€ par {UNITE_AU_SINGULIER[type_dispositif.unite]} et par an"


def financement(type_dispositif: TypeDispositif) -> str:
    return f"{type_dispositif.get_financement_display()}\n\n{type_dispositif.modalites_financement}".strip()


def cle_alphabetique(nom: str) -> bytes:
    """Trie « Île-de-France » avec les I, pas après « Occitanie »."""
    return unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").lower()


class ComparaisonForm(DsfrBaseForm):
    type = forms.MultipleChoiceField(
        label="Types à comparer",
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Aucun coché : tous les types.",
    )

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t.code, t.sigle) for t in types]


def comparaison(types: list[TypeDispositif]) -> list[dict]:
    """Les lignes du tableau comparatif : une par caractéristique, une valeur par type."""
    lignes = [
        {"libelle": libelle, "valeurs": [getattr(t, champ) for t in types]} for libelle, champ in TEXTES_COMPARES
    ]
    lignes.append({"libelle": "Financement", "valeurs": [financement(t) for t in types]})
    lignes.append({"libelle": "Coût annuel par unité", "valeurs": [cout_par_unite(t) for t in types]})
    return lignes


@acces(Regle.PUBLIC)
def liste(request):
    """Les types de dispositifs par secteur, et leur tableau comparatif."""
    types = list(TypeDispositif.objects.all())  # la seule requête de la page
    form = ComparaisonForm(request.GET, types=types)
    choisis = set(form.cleaned_data.get("type", [])) if form.is_valid() else set()
    compares = [t for t in types if t.code in choisis] or types
    groupes = [{"secteur": s.label, "types": [t for t in types if t.secteur == s]} for s in Secteur]
    contexte = {
        "groupes": [g for g in groupes if g["types"]],
        "form": form,
        "compares": compares,
        "lignes": comparaison(compares),
    }
    return render(request, "dispositifs/catalogue/liste.html", contexte)


def par_region(type_dispositif: TypeDispositif):
    """La France puis ses régions, chacune annotée du nombre de dispositifs du type (en service, en projet)
    et de leur capacité autorisée aujourd'hui : une seule requête, des sous-requêtes corrélées sur le chemin
    (à déplacer en méthode de TerritoireQuerySet si une autre page en a besoin)."""
    dans_le_territoire = {"territoire__chemin__startswith": OuterRef("chemin")}
    dispositifs = Dispositif.objects.filter(type=type_dispositif, **dans_le_territoire).order_by().values("type")
    evenements = EvenementCapacite.objects.filter(
        dispositif__type=type_dispositif, dispositif__territoire__chemin__startswith=OuterRef("chemin")
    )
    capacite = evenements.order_by().values("dispositif__type").annotate(c=somme_capacite("autorisee", prefixe=""))

    def nombre(**filtres):
        return Coalesce(Subquery(dispositifs.filter(**filtres).annotate(n=Count("pk")).values("n")), 0)

    return Territoire.objects.filter(niveau__in=[Niveau.PAYS, Niveau.REGION]).annotate(
        en_service=nombre(statut__in=[Statut.AUTORISE, Statut.INSTALLE]),
        projets=nombre(statut=Statut.PROJET),
        capacite_autorisee=Coalesce(Subquery(capacite.values("c")), Value(Decimal(0)), output_field=DECIMAL),
    )


@acces(Regle.PUBLIC)
def type_dispositif(request, code):
    """Un type présenté comme dans l'annexe 2 bis, et le nombre de ses dispositifs par région."""
    type_dispositif = get_object_or_404(
        TypeDispositif.objects.select_related("type_parent").prefetch_related("sous_types"), code=code
    )  # 1 requête, plus 1 pour les types rattachés
    territoires = list(par_region(type_dispositif))  # 1 requête
    france = next((t for t in territoires if t.niveau == Niveau.PAYS), None)
    regions = sorted((t for t in territoires if t.niveau == Niveau.REGION), key=lambda t: cle_alphabetique(t.nom))
    contexte = {
        "type": type_dispositif,
        "cout": cout_par_unite(type_dispositif),
        "financement": financement(type_dispositif),
        "france": france,
        "regions": regions,
        "breadcrumb": {
            "root_dir": "/",
            "links": [{"url": reverse("catalogue:liste"), "title": "Catalogue des dispositifs"}],
            "current": type_dispositif.sigle,
        },
    }
    return render(request, "dispositifs/catalogue/type.html", contexte)


class FiltreCarteForm(DsfrBaseForm):
    """Les filtres de la cartographie ; les choix viennent des listes déjà lues par la vue."""

    region = forms.ChoiceField(label="Région")
    departement = forms.ChoiceField(label="Département", required=False)
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous, sauf les fermés"), *Statut.choices]
    )
    type = forms.MultipleChoiceField(
        label="Types de dispositifs",
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Aucun coché : tous les types.",
    )

    def __init__(self, *args, territoires, departements, types, **kwargs):
        super().__init__(*args, **kwargs)
        france = [(t.code, "France entière") for t in territoires if t.niveau == Niveau.PAYS]
        regions = [t for t in territoires if t.niveau == Niveau.REGION]
        self.fields["region"].choices = france + [
            (t.code, t.nom) for t in sorted(regions, key=lambda t: cle_alphabetique(t.nom))
        ]
        self.fields["departement"].choices = [("", "Tous les départements"), *((d.code, str(d)) for d in departements)]
        self.fields["type"].choices = [(t.code, t.sigle) for t in types]


def filtres_de_la_carte(request, territoire, **choix) -> FiltreCarteForm:
    """Le formulaire lié aux paramètres ; un département d'une autre région (la région vient de changer)
    est oublié plutôt que signalé en erreur."""
    donnees = request.GET.copy()
    donnees["region"] = territoire.code
    if donnees.get("departement") not in {d.code for d in choix["departements"]}:
        donnees.pop("departement", None)
    return FiltreCarteForm(donnees, **choix)


def filtrer(dispositifs, filtres: dict):
    if filtres.get("type"):
        dispositifs = dispositifs.filter(type__code__in=filtres["type"])
    if filtres.get("statut"):
        return dispositifs.filter(statut=filtres["statut"])
    return dispositifs.exclude(statut=Statut.FERME)


def code_departement(chemin: str) -> str:
    """Le département d'un chemin « FR/32/59/32-nord-hainaut/ » ; vide au niveau d'une région ou de la France."""
    segments = chemin.split("/")
    return segments[2] if len(segments) > 3 else ""


def repartir(dispositifs) -> dict:
    """Nombre et capacité autorisée par (département, type), agrégés dans la base en une requête groupée par
    territoire : un dispositif d'un territoire de santé compte pour son département, un projet posé au niveau
    de la région pour la ligne « non réparti » (code vide)."""
    groupes = (
        dispositifs.order_by()
        .values("territoire__chemin", "type_id")
        .annotate(nombre=Count("pk", distinct=True), capacite=somme_capacite("autorisee"))
    )
    cases = defaultdict(lambda: {"nombre": 0, "capacite": Decimal(0)})
    for groupe in groupes:
        case = cases[(code_departement(groupe["territoire__chemin"]), groupe["type_id"])]
        case["nombre"] += groupe["nombre"]
        case["capacite"] += groupe["capacite"]
    return cases


def tableau(request, departements, types, cases) -> dict:
    """Département × type : les chiffres de la carte, et la ligne des totaux."""
    rangees = [(d.code, str(d)) for d in departements]
    if any(code == "" for code, _ in cases):
        rangees.append(("", "Non réparti entre départements"))
    lignes = []
    for code, libelle in rangees:
        valeurs = [cases.get((code, t.pk), {"nombre": 0, "capacite": Decimal(0)}) for t in types]
        total = sum(v["nombre"] for v in valeurs)
        lien = parametres(request, departement=code)
        lignes.append({"code": code, "libelle": libelle, "cases": valeurs, "total": total, "lien": lien})
    totaux = [
        {
            "nombre": sum(ligne["cases"][i]["nombre"] for ligne in lignes),
            "capacite": sum(ligne["cases"][i]["capacite"] for ligne in lignes),
        }
        for i in range(len(types))
    ]
    return {"types": types, "lignes": lignes, "totaux": totaux, "total": sum(ligne["total"] for ligne in lignes)}


def parametres(request, **changements) -> str:
    """Les paramètres de la page courante sans son numéro de page, modifiés (None : retiré)."""
    donnees = request.GET.copy()
    donnees.pop("page", None)
    for cle, valeur in changements.items():
        if valeur is None:
            donnees.pop(cle, None)
        else:
            donnees[cle] = valeur
    return donnees.urlencode()


def page_de_la_liste(dispositifs, numero):
    """Une page de la liste, capacités calculées dans la base : deux requêtes, le compte puis la page."""
    liste = dispositifs.select_related("type", "organisme", "territoire").with_capacites()
    page = Paginator(liste.order_by("territoire__chemin", "type__ordre", "nom"), PAR_PAGE).get_page(numero)
    if page.has_other_pages():
        list_pages(page)
    return page


def zones(departements, lignes, departement) -> list[Zone]:
    totaux = {ligne["code"]: ligne["total"] for ligne in lignes}
    return [
        Zone(d.code, d.nom, d.contour.geometrie, totaux.get(d.code, 0), selection=d == departement)
        for d in departements
        if hasattr(d, "contour")
    ]


@acces(Regle.PUBLIC)
def carte(request):
    """Carte des départements d'une région (ou de la France, outre-mer en encarts), le même chiffre en
    tableau, et la liste des dispositifs filtrés. Six requêtes quel que soit le nombre de dispositifs."""
    territoires = list(Territoire.objects.filter(niveau__in=[Niveau.PAYS, Niveau.REGION]))  # 1 : France et régions
    par_code = {t.code: t for t in territoires}
    territoire = par_code.get(request.GET.get("region")) or par_code.get(REGION_PAR_DEFAUT) or par_code.get(FRANCE)
    if territoire is None:
        raise Http404("Le référentiel des territoires n'est pas chargé.")
    departements = list(
        Territoire.objects.descendants(territoire).departements().select_related("contour").order_by("code")
    )  # 2 : départements et contours
    types = list(TypeDispositif.objects.all())  # 3 : types
    form = filtres_de_la_carte(request, territoire, territoires=territoires, departements=departements, types=types)
    form.is_valid()
    filtres = form.cleaned_data  # les champs valides seulement : un filtre en erreur est ignoré et signalé
    dispositifs = filtrer(Dispositif.objects.dans(territoire), filtres)
    cases = repartir(dispositifs)  # 4 : nombre et capacité par territoire et type
    # Colonnes : les types choisis, sinon ceux qui ont au moins un dispositif dans la zone.
    presents = {type_id for _, type_id in cases}
    colonnes = set(filtres.get("type") or []) or {t.code for t in types if t.pk in presents}
    chiffres = tableau(request, departements, [t for t in types if t.code in colonnes], cases)
    departement = next((d for d in departements if d.code == filtres.get("departement")), None)
    liste = dispositifs.dans(departement) if departement else dispositifs
    national = territoire.niveau == Niveau.PAYS
    contexte = {
        "territoire": territoire,
        "national": national,
        "form": form,
        "carte": dessiner_carte(zones(departements, chiffres["lignes"], departement), encarts_outre_mer=national),
        "legende": legende(),
        "tableau": chiffres,
        "departement": departement,
        "page_obj": page_de_la_liste(liste, request.GET.get("page")),  # 5 : le compte, 6 : la page
        "sans_departement": parametres(request, departement=None),
    }
    return render(request, "dispositifs/catalogue/carte.html", contexte)
