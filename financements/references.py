"""Les coûts de référence des documents sources (donnees/couts_reference.json) : leur chargement, et le coût annuel
par unité de capacité que le catalogue des types en tire.

Une seule vérité : le fichier. `TypeDispositif.cout_annuel_unitaire`, que lisent le catalogue, les appels et le
calcul de ce que finance un reste d'enveloppe, en est alimenté ici (et le catalogue livré dit la même chose : un test
le vérifie, sans quoi `charger_catalogue` et ce chargement se contrediraient).
"""

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from dispositifs.models import TypeDispositif, Unite
from financements.models import Base, CoutReference

FICHIER = Path(__file__).resolve().parent / "donnees" / "couts_reference.json"
# Les unités de capacité qu'un coût « par place et par an » mesure.
UNITES_EN_PLACES = {Unite.PLACES, Unite.LITS}


def lire_couts_reference() -> list[dict]:
    """Les coûts du fichier, montants en Decimal (écrits en texte pour rester exacts)."""
    entrees = json.loads(FICHIER.read_text(encoding="utf-8"))
    for entree in entrees:
        entree["montant_cite"] = Decimal(entree["montant_cite"])
        quantite = entree["quantite_citee"]
        entree["quantite_citee"] = None if quantite is None else Decimal(quantite)
    return entrees


def par_place_et_par_an(entree: dict) -> Decimal | None:
    """Le coût annuel d'une place d'une entrée du fichier, None si elle ne le donne pas."""
    if entree["base"] != Base.PLACE_AN or not entree["annuel"]:
        return None
    return entree["montant_cite"] / (entree["quantite_citee"] or 1)


# La base d'un coût qui se compte dans l'unité de capacité de ses types : sa quantité citée suit alors la règle des
# unités (entière, sauf en postes : `TypeDispositif.refus_de_decimales`).
UNITES_DE_LA_BASE = {Base.PLACE_AN: UNITES_EN_PLACES, Base.POSTE: {Unite.ETP}, Base.STRUCTURE_AN: {Unite.STRUCTURES}}


def verifier_quantite_citee(entree: dict, types) -> None:
    """Une quantité citée dans l'unité d'un type (60 postes d'ARMS, 6 SSIAD…) est entière sauf en postes (ETP)."""
    quantite = entree["quantite_citee"]
    for type_ in types:
        if quantite is None or type_.unite not in UNITES_DE_LA_BASE.get(entree["base"], ()):
            continue
        if message := type_.refus_de_decimales(quantite, quoi=f"la quantité citée du coût « {entree['code']} »"):
            raise ValidationError({"quantite_citee": ValidationError(message, code="non_entiere")})


def couts_annuels_par_unite() -> dict[str, Decimal]:
    """{code du type : coût annuel par unité de capacité} que donnent les sources ; les autres types n'en ont pas."""
    return {
        code: cout
        for entree in lire_couts_reference()
        if (cout := par_place_et_par_an(entree))
        for code in entree["types"]
    }


@transaction.atomic
def charger_couts_reference(*, modele=CoutReference, modele_type=TypeDispositif) -> int:
    """Crée ou remet à jour chaque coût du fichier par son code (idempotent), retire ceux qui n'y sont plus, puis
    alimente le coût annuel par unité du catalogue. `modele`, `modele_type` : les modèles historiques quand une
    migration l'appelle. Renvoie le nombre de coûts."""
    entrees = lire_couts_reference()
    types = {t.code: t for t in modele_type.objects.all()}
    for entree in entrees:
        valeurs = {cle: valeur for cle, valeur in entree.items() if cle not in ("code", "types")}
        types_du_cout = [types[code] for code in entree["types"] if code in types]
        verifier_quantite_citee(entree, [TypeDispositif(unite=t.unite, sigle=t.sigle) for t in types_du_cout])
        cout, _ = modele.objects.update_or_create(code=entree["code"], defaults=valeurs)
        cout.types.set(types_du_cout)
    modele.objects.exclude(code__in=[entree["code"] for entree in entrees]).delete()
    alimenter_catalogue(types.values(), couts_annuels_par_unite())
    return len(entrees)


def alimenter_catalogue(types, couts: dict[str, Decimal]):
    """Donne à chaque type le coût annuel par unité des sources (aucun s'il n'en ont pas, ou si son unité n'est pas
    la place) ; save() type par type, seulement s'il change."""
    for type_ in types:
        cout = couts.get(type_.code) if type_.unite in UNITES_EN_PLACES else None
        if type_.cout_annuel_unitaire != cout:
            type_.cout_annuel_unitaire = cout
            type_.save(update_fields=["cout_annuel_unitaire"])
