"""Jeu « capacités » : capacités autorisées et installées aujourd'hui, par département × type de dispositif.

Les capacités se lisent dans le registre des arrêtés (`somme_capacite`, comme la planification et la
cartographie) : rien n'est saisi deux fois. Chaque ligne porte l'unité de son type — des places ne s'additionnent
pas avec des équipes ni avec des ETP — et les dispositifs fictifs (démonstration) sont comptés à part.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import BooleanField, Case, Max, Q, When
from django.utils import timezone

from dispositifs.models import Dispositif, EvenementCapacite, TypeDispositif, Unite, somme_capacite
from donnees.jeu import Champ, Jeu
from donnees.territoires import Carte, code_et_nom

# Un dispositif est fictif quand il l'est lui-même ou que son organisme l'est (un projet né d'une lettre fictive).
EST_FICTIF = Case(
    When(Q(fictif=True) | Q(organisme__fictif=True), then=True), default=False, output_field=BooleanField()
)

CHAMPS = (
    Champ("region_code", "string", "Code INSEE de la région."),
    Champ("region_nom", "string", "Nom de la région."),
    Champ(
        "departement_code",
        "string",
        "Code INSEE du département ; vide pour les dispositifs rattachés à la région entière.",
    ),
    Champ("departement_nom", "string", "Nom du département ; vide pour la région entière."),
    Champ("type_code", "string", "Code du type de dispositif (LHSS, LAM, ACT, EMPP, PASS…)."),
    Champ("type_libelle", "string", "Libellé du type de dispositif."),
    Champ(
        "unite",
        "string",
        "Unité de capacité du type : places, lits, équipes ou ETP. Deux unités ne s'additionnent pas.",
        valeurs=tuple(Unite.values),
    ),
    Champ("capacite_autorisee", "number", "Capacité autorisée à la date de situation, dans l'unité de la ligne."),
    Champ("capacite_installee", "number", "Capacité installée à la date de situation, dans l'unité de la ligne."),
    Champ("date_situation", "date", "Date à laquelle les capacités sont lues dans le registre des arrêtés."),
    Champ(
        "fictif",
        "boolean",
        "Vrai pour des dispositifs inventés pour la démonstration : ce ne sont pas des données réelles.",
    ),
)


def lignes() -> list[dict]:
    """Trois requêtes : les régions et départements, les types, les capacités groupées dans la base."""
    aujourd_hui = timezone.localdate()
    carte = Carte.lire()
    types = {t.pk: t for t in TypeDispositif.objects.all()}
    groupes = Dispositif.objects.annotate(est_fictif=EST_FICTIF).values("type_id", "territoire__chemin", "est_fictif")
    groupes = groupes.annotate(
        autorisee=somme_capacite("autorisee", date=aujourd_hui),
        installee=somme_capacite("installee", date=aujourd_hui),
    )
    cumuls = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for groupe in groupes.order_by():
        if not (groupe["autorisee"] or groupe["installee"]):
            continue
        chemin = groupe["territoire__chemin"]
        cle = (carte.region(chemin), carte.departement(chemin), types[groupe["type_id"]], groupe["est_fictif"])
        cumuls[cle][0] += groupe["autorisee"]
        cumuls[cle][1] += groupe["installee"]
    return [
        ligne(region, departement, type_, fictif, autorisee, installee, aujourd_hui)
        for (region, departement, type_, fictif), (autorisee, installee) in sorted(cumuls.items(), key=ordre)
    ]


def ordre(element):
    (region, departement, type_, fictif), _ = element
    return (region.code if region else "", departement.code if departement else "", type_.ordre, type_.code, fictif)


def ligne(region, departement, type_, fictif, autorisee, installee, date) -> dict:
    region_code, region_nom = code_et_nom(region)
    departement_code, departement_nom = code_et_nom(departement)
    return {
        "region_code": region_code,
        "region_nom": region_nom,
        "departement_code": departement_code,
        "departement_nom": departement_nom,
        "type_code": type_.code,
        "type_libelle": type_.libelle,
        "unite": type_.unite,
        "capacite_autorisee": autorisee,
        "capacite_installee": installee,
        "date_situation": date,
        "fictif": fictif,
    }


def mise_a_jour():
    """La date du dernier arrêté en vigueur (autorisation, installation, fermeture…)."""
    return EvenementCapacite.objects.filter(date__lte=timezone.localdate()).aggregate(d=Max("date"))["d"]


JEU = Jeu(
    slug="capacites",
    titre="Capacités autorisées et installées par département et type de dispositif",
    description=(
        "Pour chaque département et chaque type de dispositif du PRAPS, la capacité autorisée et la capacité "
        "installée à la date de situation, calculées depuis le registre des arrêtés (autorisations, extensions, "
        "réductions, installations, fermetures). Chaque ligne porte l'unité de son type : des places ne "
        "s'additionnent pas avec des équipes."
    ),
    champs=CHAMPS,
    lignes=lignes,
    mise_a_jour=mise_a_jour,
    cle_primaire=(),
)
