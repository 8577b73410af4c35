"""Démonstration : le PRAPS des Hauts-de-France (source 000), les six feuilles de route de ses territoires de santé
(source 004) et la feuille de route commune DREETS / ARS d'Occitanie avec sa revue annuelle (source 003), lus dans
programme/donnees/programme.json (voir PROVENANCE.md). Idempotent : rejoué, il remet chaque objet à l'état du fichier.

Les types créés par ailleurs (ARMS, CSAPA-CA, UCSD…) sont reliés par leur code s'ils existent, ignorés sinon. Les
dispositifs et appels de démonstration (fictifs) sont reliés aux actions de leur région qui nomment leur type.
"""

import json
from pathlib import Path

from django.db import transaction

from appels.models import Appel
from dispositifs.models import Dispositif, TypeDispositif
from planification.models import Cible
from programme.models import Action, Axe, FeuilleDeRoute, Jalon, RevueAnnuelle
from territoires.models import Niveau, Territoire

DONNEES = Path(__file__).parent / "donnees" / "programme.json"
SOURCES = {
    "000": "Source 000 : ARS Hauts-de-France, volet santé de la stratégie pauvreté, PRAPS 2018-2022",
    "003": "Source 003 : feuille de route commune DREETS / DDETS(PP) / ARS Occitanie, 24 mai 2024",
    "004": "Source 004 : ARS Hauts-de-France, « 6 feuilles de route pour une action au plus près des territoires » "
    "(2024)",
}


def lire_donnees() -> dict:
    return json.loads(DONNEES.read_text(encoding="utf-8"))


@transaction.atomic
def creer_programme_demo() -> dict[str, int]:
    """Les feuilles de route du fichier, leurs axes, actions et jalons, et leurs revues ; renvoie les comptes."""
    for ordre, donnees in enumerate(lire_donnees()["feuilles_de_route"]):
        creer_feuille(donnees, ordre)
    return {
        "feuilles": FeuilleDeRoute.objects.count(),
        "actions": Action.objects.count(),
        "jalons": Jalon.objects.count(),
        "revues": RevueAnnuelle.objects.count(),
    }


def creer_feuille(donnees: dict, ordre: int) -> FeuilleDeRoute:
    region = Territoire.objects.get(niveau=Niveau.REGION, code=donnees["region"])
    territoires = {t.code: t for t in Territoire.objects.descendants(region, inclus=True)}
    feuille, _ = FeuilleDeRoute.objects.update_or_create(
        slug=donnees["slug"],
        defaults={
            "region": region,
            "territoire": territoires.get(donnees["territoire"]) if donnees["territoire"] else None,
            "genre": donnees["genre"],
            "titre": donnees["titre"],
            "periode": donnees["periode"],
            "presentation": donnees["presentation"],
            "source": SOURCES[donnees["source"]],
            "ordre": ordre,
        },
    )
    for rang, axe in enumerate(donnees["axes"]):
        creer_axe(feuille, axe, rang, territoires)
    for revue in donnees["revues"]:
        creer_revue(feuille, revue)
    return feuille


def creer_axe(feuille, donnees: dict, rang: int, territoires: dict) -> None:
    axe, _ = Axe.objects.update_or_create(
        feuille_de_route=feuille, intitule=donnees["intitule"], defaults={"ordre": rang}
    )
    for ordre, action in enumerate(donnees["actions"]):
        creer_action(feuille, axe, action, ordre, territoires)


def creer_action(feuille, axe, donnees: dict, ordre: int, territoires: dict) -> Action:
    action, _ = Action.objects.update_or_create(
        feuille_de_route=feuille,
        code=donnees["code"],
        defaults={
            "axe": axe,
            "intitule": donnees["intitule"],
            "objectif": donnees["objectif"],
            "porteur": donnees["porteur"],
            "citation": donnees["citation"],
            "ordre": ordre,
        },
    )
    types = list(TypeDispositif.objects.filter(code__in=donnees["types"]))
    action.types.set(types)
    action.territoires.set([territoires[code] for code in donnees["territoires"]])
    action.cibles.set(cibles_de(feuille.region, donnees["cibles"]))
    action.dispositifs.set(Dispositif.objects.dans(feuille.region).filter(type__in=types) if types else [])
    action.appels.set(Appel.objects.filter(region=feuille.region, types_cibles__in=types).distinct() if types else [])
    action.jalons.all().delete()
    Jalon.objects.bulk_create(
        Jalon(action=action, ordre=rang, **jalon) for rang, jalon in enumerate(donnees["jalons"])
    )
    return action


def cibles_de(region, references: list[dict]) -> list[Cible]:
    """Les cibles de la région que nomme le fichier (type × horizon) ; celles qui n'existent pas sont ignorées."""
    cibles = []
    for reference in references:
        cible = Cible.objects.filter(
            territoire=region, type__code=reference["type"], horizon__slug=reference["horizon"]
        ).first()
        if cible:
            cibles.append(cible)
    return cibles


def creer_revue(feuille, donnees: dict) -> RevueAnnuelle:
    """La revue et une ligne d'avancement (vide : non renseignée) par action de la feuille de route."""
    revue, _ = RevueAnnuelle.objects.update_or_create(
        feuille_de_route=feuille,
        annee=donnees["annee"],
        defaults={
            "date": donnees["date"],
            "instance": donnees["instance"],
            "decisions": donnees["decisions"],
            "citation": donnees["citation"],
        },
    )
    for action in feuille.actions.all():
        revue.avancements.get_or_create(action=action)
    return revue
