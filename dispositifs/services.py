"""Écritures des dispositifs : le catalogue des types (migration 0002, rechargeable sans doublon) et l'import
de l'extraction FINESS (commande importer_finess), que dispositifs/finess.py lit."""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from dispositifs.finess import Etablissement, Rejet, lire_etablissements, ouvrir_extraction
from dispositifs.models import Dispositif, Organisme, TypeDispositif
from territoires.models import Territoire

# Les textes du catalogue et leur provenance : donnees/PROVENANCE.md.
CATALOGUE = Path(__file__).resolve().parent / "donnees" / "catalogue_types.json"
NOM_PROVISOIRE = "Entité juridique FINESS {numero}"
TAILLE_LOT = 1000


def lire_catalogue() -> list[dict]:
    """Les types du catalogue livré, un dictionnaire de champs par type ; le coût de référence, écrit en texte
    dans le fichier pour rester exact, redevient un Decimal."""
    entrees = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for entree in entrees:
        cout = entree["cout_annuel_unitaire"]
        entree["cout_annuel_unitaire"] = None if cout is None else Decimal(cout)
    return entrees


@transaction.atomic
def charger_catalogue(*, modele: type[TypeDispositif] = TypeDispositif) -> tuple[int, int]:
    """Crée ou met à jour chaque type du catalogue par son code ; renvoie (créés, modifiés).

    `modele` : le modèle historique quand une migration l'appelle (`apps.get_model`). Les types sans parent passent
    d'abord (un seul niveau de parenté dans le catalogue).
    """
    crees = modifies = 0
    for entree in sorted(lire_catalogue(), key=lambda entree: entree["type_parent"] is not None):
        parent = entree.pop("type_parent")
        entree["type_parent_id"] = modele.objects.get(code=parent).pk if parent else None
        type_ = modele.objects.filter(code=entree["code"]).first()
        if type_ is None:
            modele.objects.create(**entree)
            crees += 1
        elif changes := _reporter(type_, entree):
            type_.save(update_fields=changes)
            modifies += 1
    return crees, modifies


class Issue(models.TextChoices):
    CREEE = "creee", "Créée"
    MODIFIEE = "modifiee", "Mise à jour"
    INCHANGEE = "inchangee", "Inchangée"
    REJETEE = "rejetee", "Rejetée"


@dataclass(frozen=True)
class ResultatLigne:
    """Ce que l'import fait d'une ligne : le dispositif créé, mis à jour (et quels champs) ou laissé tel quel, ou la
    ligne rejetée et pourquoi."""

    ligne: int
    issue: Issue
    finess: str = ""
    nom: str = ""
    detail: str = ""


@dataclass
class RapportFiness:
    categories: list[str] = field(default_factory=list)
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    hors_perimetre: int = 0
    organismes_crees: int = 0
    organismes_completes: int = 0
    rejets: list[Rejet] = field(default_factory=list)
    resultats: list[ResultatLigne] = field(default_factory=list)

    def par_ligne(self) -> list[ResultatLigne]:
        """Chaque ligne retenue ou rejetée, dans l'ordre du fichier : ce que montre la simulation."""
        rejets = [ResultatLigne(rejet.ligne, Issue.REJETEE, detail=rejet.raison) for rejet in self.rejets]
        return sorted([*self.resultats, *rejets], key=lambda resultat: resultat.ligne)

    def lignes(self) -> list[str]:
        return [
            f"Dispositifs : {self.crees} créé(s), {self.modifies} mis à jour, {self.inchanges} inchangé(s).",
            f"Organismes : {self.organismes_crees} créé(s) sous un nom provisoire, "
            f"{self.organismes_completes} complété(s) de leur FINESS juridique.",
            f"Hors périmètre : {self.hors_perimetre} établissement(s) d'une catégorie qu'aucun type ne retient.",
            f"Rejetées : {len(self.rejets)} ligne(s).",
        ]


@transaction.atomic
def importer_finess(*, fichier: Path) -> RapportFiness:
    """Crée ou met à jour organismes et dispositifs d'après l'extraction FINESS `fichier`.

    Une ligne fautive est rejetée avec son numéro et sa raison sans empêcher les autres ; un fichier qui n'a pas
    le format attendu est refusé (ValidationError) avant toute écriture. Idempotent : un second import n'écrit rien.
    """
    lecteur = ouvrir_extraction(fichier)
    types = types_par_categorie()
    departements = {
        code: (pk, chemin)
        for code, pk, chemin in Territoire.objects.departements().values_list("code", "pk", "chemin")
    }
    lecture = lire_etablissements(lecteur, categories=types, departements=departements)
    rapport = RapportFiness(categories=sorted(types), hors_perimetre=lecture.hors_perimetre, rejets=lecture.rejets)
    _enregistrer(lecture.etablissements, types=types, departements=departements, rapport=rapport)
    return rapport


def simuler_import_finess(*, fichier: Path) -> RapportFiness:
    """Le rapport qu'importer_finess rendrait, sans rien écrire : le même import, dans une transaction annulée (les
    tâches prévues après commit partent avec elle). Ce que l'import écrirait ne peut donc pas différer de ce que la
    simulation annonce, le fichier et la base étant les mêmes."""
    with transaction.atomic():
        rapport = importer_finess(fichier=fichier)
        transaction.set_rollback(True)
    return rapport


def types_par_categorie() -> dict[str, list[int]]:
    """Catégorie FINESS → types du catalogue qui la retiennent, un type sans parent en premier."""
    types = {}
    catalogue = TypeDispositif.objects.exclude(categories_finess="")
    for type_ in catalogue.order_by(F("type_parent_id").asc(nulls_first=True), "ordre", "sigle"):
        for categorie in type_.categories_finess.split(","):
            if categorie.strip():
                types.setdefault(categorie.strip(), []).append(type_.pk)
    return types


def _enregistrer(etablissements: list[Etablissement], *, types: dict, departements: dict, rapport: RapportFiness):
    """Écrit par lots ce qui a changé : une requête charge l'existant, rien n'est réécrit à l'identique."""
    existants = {
        d.finess: d for d in Dispositif.objects.exclude(finess=None).select_related("organisme", "territoire")
    }
    organismes = _organismes(etablissements, existants, rapport)
    nouveaux, modifies, champs_modifies = [], [], set()
    for etablissement in etablissements:
        dispositif = existants.get(etablissement.finess)
        valeurs = _valeurs(etablissement, dispositif, types=types, departements=departements, organismes=organismes)
        if dispositif is None:
            nouveaux.append(Dispositif(finess=etablissement.finess, **valeurs))
            rapport.resultats.append(_resultat(etablissement, Issue.CREEE))
        elif changes := _reporter(dispositif, valeurs):
            dispositif.updated_at = timezone.now()  # bulk_update ne remplit pas updated_at
            modifies.append(dispositif)
            champs_modifies.update(changes)
            rapport.resultats.append(_resultat(etablissement, Issue.MODIFIEE, changes))
        else:
            rapport.inchanges += 1
            rapport.resultats.append(_resultat(etablissement, Issue.INCHANGEE))
    Dispositif.objects.bulk_create(nouveaux, batch_size=TAILLE_LOT)
    # Seuls les champs qui ont changé quelque part : chacun coûte un CASE par ligne dans l'UPDATE groupé.
    Dispositif.objects.bulk_update(modifies, [*sorted(champs_modifies), "updated_at"], batch_size=TAILLE_LOT)
    rapport.crees, rapport.modifies = len(nouveaux), len(modifies)


def _resultat(etablissement: Etablissement, issue: Issue, changes=()) -> ResultatLigne:
    """Le résultat d'une ligne retenue ; pour une mise à jour, les libellés des champs changés."""
    libelles = [str(Dispositif._meta.get_field(nom.removesuffix("_id")).verbose_name) for nom in changes]
    detail = f"Change : {', '.join(libelles)}." if libelles else ""
    return ResultatLigne(etablissement.ligne, issue, etablissement.finess, etablissement.nom, detail)


def _organismes(etablissements: list[Etablissement], existants: dict, rapport: RapportFiness) -> dict[str, int]:
    """FINESS juridique → pk de l'organisme ; un organisme inconnu est créé sous un nom provisoire, car la ligne
    « structureet » ne donne pas le nom de l'entité juridique. Un organisme existant garde le sien."""
    connus = dict(Organisme.objects.exclude(finess_juridique=None).values_list("finess_juridique", "pk"))
    _completer_organismes(etablissements, existants, connus, rapport)
    premiers = {}
    for etablissement in etablissements:
        premiers.setdefault(etablissement.finess_juridique, etablissement)
    nouveaux = [
        Organisme(nom=NOM_PROVISOIRE.format(numero=numero), finess_juridique=numero, fictif=etablissement.fictif)
        for numero, etablissement in premiers.items()
        if numero not in connus
    ]
    Organisme.objects.bulk_create(nouveaux, batch_size=TAILLE_LOT)
    rapport.organismes_crees = len(nouveaux)
    return connus | {organisme.finess_juridique: organisme.pk for organisme in nouveaux}


def _completer_organismes(etablissements: list[Etablissement], existants: dict, connus: dict, rapport):
    """Un organisme saisi sans FINESS juridique reçoit celui de son dispositif plutôt qu'un doublon provisoire :
    ses utilisateurs gardent l'accès à leurs dispositifs."""
    completes = {}
    for etablissement in etablissements:
        dispositif = existants.get(etablissement.finess)
        organisme = dispositif.organisme if dispositif else None
        if organisme is None or organisme.finess_juridique or organisme.pk in completes:
            continue
        if etablissement.finess_juridique not in connus:
            organisme.finess_juridique, organisme.updated_at = etablissement.finess_juridique, timezone.now()
            connus[etablissement.finess_juridique] = organisme.pk
            completes[organisme.pk] = organisme
    Organisme.objects.bulk_update(completes.values(), ["finess_juridique", "updated_at"], batch_size=TAILLE_LOT)
    rapport.organismes_completes = len(completes)


def _valeurs(etablissement: Etablissement, dispositif, *, types, departements, organismes) -> dict:
    """Les champs dont FINESS fait foi, sans défaire ce qu'une personne a précisé à la main."""
    return {
        "nom": etablissement.nom,
        "type_id": _type_id(etablissement.categorie, dispositif, types),
        "organisme_id": organismes[etablissement.finess_juridique],
        "territoire_id": _territoire_id(etablissement.departement, dispositif, departements),
        "statut": etablissement.statut,
        "commune": etablissement.commune,
        "fictif": etablissement.fictif,
    }


def _type_id(categorie: str, dispositif, types: dict) -> int:
    """Le premier type de la catégorie, sauf pour un dispositif existant dont le type retient cette catégorie ou
    n'en retient aucune : c'est alors un classement plus fin, fait à la main, que FINESS ne distingue pas (LHSS
    mobile, ACT pédiatrique…). Un LHSS devenu LAM dans FINESS change bien de type."""
    possibles = types[categorie]
    if dispositif is None:
        return possibles[0]
    classe_par_finess = any(dispositif.type_id in pks for pks in types.values())
    return dispositif.type_id if dispositif.type_id in possibles or not classe_par_finess else possibles[0]


def _territoire_id(departement: str, dispositif, departements: dict) -> int:
    """Le département, sauf pour un dispositif déjà placé plus précisément dans ce département (territoire de
    santé) : il y reste."""
    departement_id, chemin = departements[departement]
    if dispositif is not None and dispositif.territoire.chemin.startswith(chemin):
        return dispositif.territoire_id
    return departement_id


def _reporter(objet, valeurs: dict) -> list[str]:
    """Reporte sur `objet` les valeurs qui diffèrent des siennes et renvoie leurs noms (aucun : il est à jour)."""
    changes = [nom for nom, valeur in valeurs.items() if getattr(objet, nom) != valeur]
    for nom in changes:
        setattr(objet, nom, valeurs[nom])
    return changes
