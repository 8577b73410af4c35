"""La cartographie publique des dispositifs par département (feuille de route DREETS / ARS Occitanie) : carte,
le même chiffre en tableau, et la liste filtrée."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import render
from dsfr.utils import list_pages

from config.policy import Regle, acces
from dispositifs.cartographie import Zone, dessiner_carte, legende
from dispositifs.forms import FiltreCarteForm
from dispositifs.models import Dispositif, Statut, TypeDispositif, somme_capacite
from territoires.models import Niveau, Territoire

FRANCE = "FR"
PAR_PAGE = 50


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


def chiffres_par_departement(request, departements, types, cases) -> dict:
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
    """Une page de la liste, capacités calculées dans la base : trois requêtes, le compte, les identifiants de la
    page, puis ces seules lignes avec leurs capacités. Trier et couper la liste annotée obligeait la base à calculer
    les capacités de tous les dispositifs avant de garder les 50 premiers (~100 ms pour la France entière)."""
    identifiants = dispositifs.order_by("territoire__chemin", "type__ordre", "nom", "pk").values_list("pk", flat=True)
    page = Paginator(identifiants, PAR_PAGE).get_page(numero)
    page.object_list = dispositifs.for_liste().dans_l_ordre_de(page.object_list)
    if page.has_other_pages():
        list_pages(page)
    return page


def zones(departements, lignes, departement) -> list[Zone]:
    totaux = {ligne["code"]: ligne["total"] for ligne in lignes}
    return [
        Zone(d.code, d.nom, d.geometrie_texte, totaux.get(d.code, 0), selection=d == departement)
        for d in departements
        if d.geometrie_texte is not None
    ]


def territoire_demande(request, territoires):
    """La région demandée, sinon celle par défaut, sinon la France ; 404 sans référentiel des territoires."""
    par_code = {t.code: t for t in territoires}
    demandee = request.GET.get("region")
    territoire = par_code.get(demandee) or par_code.get(settings.REGION_PAR_DEFAUT) or par_code.get(FRANCE)
    if territoire is None:
        raise Http404("Le référentiel des territoires n'est pas chargé.")
    return territoire


def colonnes(types, filtres: dict, cases: dict) -> list:
    """Les types choisis, sinon ceux qui ont au moins un dispositif dans la zone."""
    presents = {type_id for _, type_id in cases}
    choisis = set(filtres.get("type") or []) or {t.code for t in types if t.pk in presents}
    return [t for t in types if t.code in choisis]


@acces(Regle.PUBLIC)
def carte(request):
    """Carte des départements d'une région (ou de la France, outre-mer en encarts), le même chiffre en
    tableau, et la liste des dispositifs filtrés. Sept requêtes quel que soit le nombre de dispositifs."""
    territoires = list(Territoire.objects.pays_et_regions())  # 1 : France et régions
    territoire = territoire_demande(request, territoires)
    # Les contours en texte, non décodés : le dessin est mémorisé avec ces textes pour clé (voir cartographie.py).
    departements = list(
        Territoire.objects.descendants(territoire)
        .departements()
        .annotate(geometrie_texte=Cast("contour__geometrie", TextField()))
        .order_by("code")
    )  # 2 : départements et contours
    types = list(TypeDispositif.objects.all())  # 3 : types
    form = filtres_de_la_carte(request, territoire, territoires=territoires, departements=departements, types=types)
    form.is_valid()
    filtres = form.cleaned_data  # les champs valides seulement : un filtre en erreur est ignoré et signalé
    dispositifs = filtrer(Dispositif.objects.dans(territoire), filtres)
    cases = repartir(dispositifs)  # 4 : nombre et capacité par territoire et type
    chiffres = chiffres_par_departement(request, departements, colonnes(types, filtres, cases), cases)
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
        "page_obj": page_de_la_liste(liste, request.GET.get("page")),  # 5 : le compte, 6 et 7 : la page
        "sans_departement": parametres(request, departement=None),
    }
    return render(request, "dispositifs/catalogue/carte.html", contexte)
