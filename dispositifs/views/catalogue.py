"""Le catalogue public des types de dispositifs, présentés comme l'annexe 2 bis de l'appel de l'ARS
Île-de-France, avec leur tableau comparatif et leur nombre par région."""

from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format

from commun.tri import cle_alphabetique
from config.policy import Regle, acces
from dispositifs.forms import ComparaisonForm
from dispositifs.models import (
    UNITE_AU_SINGULIER,
    Dispositif,
    EvenementCapacite,
    Secteur,
    Statut,
    TypeDispositif,
    somme_capacite,
)
from territoires.models import Niveau, Territoire

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
    et de leur capacité autorisée aujourd'hui : une seule requête, des sous-requêtes corrélées sur le chemin."""
    dispositifs = Dispositif.objects.filter(type=type_dispositif).sous_chemin(OuterRef("chemin"))
    evenements = EvenementCapacite.objects.filter(dispositif__type=type_dispositif).sous_chemin(OuterRef("chemin"))
    capacite = evenements.order_by().values("dispositif__type").annotate(c=somme_capacite("autorisee", prefixe=""))
    return Territoire.objects.pays_et_regions().annotate(
        en_service=nombre(dispositifs.en_service()),
        projets=nombre(dispositifs.filter(statut=Statut.PROJET)),
        capacite_autorisee=Coalesce(Subquery(capacite.values("c")), Value(Decimal(0)), output_field=DECIMAL),
    )


def nombre(dispositifs):
    """Le nombre de `dispositifs` (sous-requête corrélée), 0 quand il n'y en a aucun."""
    return Coalesce(Subquery(dispositifs.order_by().values("type").annotate(n=Count("pk")).values("n")), 0)


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
            "links": [{"url": reverse("dispositifs:catalogue:liste"), "title": "Catalogue des dispositifs"}],
            "current": type_dispositif.sigle,
        },
    }
    return render(request, "dispositifs/catalogue/type.html", contexte)
