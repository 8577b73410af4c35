"""Ce que les opérateurs ont reçu, confronté à ce que la base contient : des fonctions pures, sans base ni réseau.

Un refus se classe par le code stable que la page pose (voir navigateur.classer_refus) : « date_limite » (le dépôt
arrivé après l'heure), « appel_ferme » (son brouillon refusé, l'appel fermé entre-temps), « conflit_version » ou
« autre ». Les deux premiers sont les refus hors délai (`refusees_hors_delai`).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from bench.commun import centile

REFUS_HORS_DELAI = {"date_limite", "appel_ferme"}

# Les objectifs de l'issue 16 : (sens, seuil) par chiffre du bilan. Les garanties (rien de perdu, chaque accusé
# produit) font aussi échouer la mesure (`problemes`) ; un objectif de vitesse manqué est seulement signalé.
OBJECTIFS = {
    "ratio_au_minimal": (">=", 0.5),
    "p95_ms": ("<=", 300),
    "perdues": ("==", 0),
    "accuses_manquants": ("==", 0),
    "accuses_delai_s": ("<=", 60),
}


@dataclass
class Requete:
    """Un envoi du bouton « Déposer » et ce qu'il a obtenu."""

    operateur: int
    sorte: str  # simple, double_clic, rejeu
    cle: str
    envoi: float  # heure d'envoi, en secondes depuis l'époque
    latence_ms: float = 0
    statut: int = 0  # 0 : pas de réponse
    numero: str = ""  # si accepté (redirection vers le dépôt)
    refus: str = ""  # date_limite, appel_ferme (les deux hors délai), conflit_version, autre
    version_lue: str | None = None  # celle de la page renvoyée avec un refus


@dataclass(frozen=True)
class DepotEnBase:
    numero: str
    cle: str
    depose_le: float


def verifier(requetes: list[Requete], depots: list[DepotEnBase], cloture: float) -> dict:
    """Confronte ce que les opérateurs ont reçu à ce que la base contient. Les six premières clés sont le contrat."""
    acceptes = {(r.numero, r.cle) for r in requetes if r.numero}
    acceptees = len({numero for numero, _ in acceptes})
    debut = min((r.envoi for r in requetes), default=cloture)
    return {
        "acceptees": acceptees,
        "refusees_hors_delai": sum(1 for r in requetes if r.refus in REFUS_HORS_DELAI),
        "perdues": compter_perdues(acceptes, depots),
        "doublons": compter_doublons(acceptes, depots),
        "depots_par_s": round(acceptees / max(cloture - debut, 1), 1),
        **latences(requetes),
        "requetes_depot": len(requetes),
        "depots_en_base": len(depots),
        "fantomes": len({d.cle for d in depots} - {cle for _, cle in acceptes}),
        "depots_apres_date_limite": sum(1 for d in depots if d.depose_le >= cloture),
        "trous_de_numerotation": trous(depots),
        **bilan_des_refus(requetes, cloture),
        **bilan_des_doubles(requetes),
    }


def latences(requetes: list[Requete]) -> dict:
    toutes = [r.latence_ms for r in requetes]
    return {
        "p95_ms": round(centile(toutes, 95)),
        "p50_ms": round(centile(toutes, 50)),
        "p95_acceptees_ms": round(centile([r.latence_ms for r in requetes if r.numero], 95)),
    }


def compter_perdues(acceptes: set[tuple[str, str]], depots: list[DepotEnBase]) -> int:
    """Les dépôts dont l'opérateur a reçu le numéro mais que la base ne porte pas sous ce numéro avec sa clé."""
    en_base = {d.numero: d.cle for d in depots}
    return sum(1 for numero, cle in acceptes if en_base.get(numero) != cle)


def bilan_des_refus(requetes: list[Requete], cloture: float) -> dict:
    """Tout envoi parti à ou après la date limite doit être refusé (400) par la page marquée hors délai, qui rappelle
    la date limite ; sauf s'il rejoue la clé d'un dépôt accepté avant (rejeu, double clic à cheval sur la date
    limite) : la page le renvoie alors à ce dépôt, comme elle le doit."""
    tardives = [r for r in requetes if r.envoi >= cloture]
    acceptes_avant = {(r.numero, r.cle) for r in requetes if r.numero and r.envoi < cloture}
    return {
        "envois_tardifs": len(tardives),
        "tardives_mal_refusees": sum(1 for r in tardives if not est_bien_traitee(r, acceptes_avant)),
        "refus_date_limite": sum(1 for r in requetes if r.refus == "date_limite"),
        "refus_appel_ferme": sum(1 for r in requetes if r.refus == "appel_ferme"),
        "conflits_version": sum(1 for r in requetes if r.sorte != "double_clic" and r.refus == "conflit_version"),
        "refus_autres": sum(1 for r in requetes if est_refus_inattendu(r)),
        "sans_reponse_ou_5xx": sum(1 for r in requetes if r.statut == 0 or r.statut >= 500),
    }


def est_bien_traitee(tardive: Requete, acceptes_avant: set[tuple[str, str]]) -> bool:
    """Refusée hors délai, ou renvoyée au dépôt que sa clé a obtenu avant la date limite."""
    if tardive.statut == 302:
        return (tardive.numero, tardive.cle) in acceptes_avant
    return tardive.statut == 400 and tardive.refus in REFUS_HORS_DELAI


def est_refus_inattendu(requete: Requete) -> bool:
    """Un statut hors de 302 et 400, ou un refus « autre » (lettre invalide, formulaire déjà servi)."""
    return requete.refus == "autre" or requete.statut not in (0, 302, 400)


def trous(depots: list[DepotEnBase]) -> int:
    """Les numéros de séquence manquants entre 1 et le plus grand attribué (« …-00042 » : 42)."""
    sequences = {int(d.numero.rsplit("-", 1)[-1]) for d in depots}
    return max(sequences, default=0) - len(sequences)


def compter_doublons(acceptes: set[tuple[str, str]], depots: list[DepotEnBase]) -> int:
    """Ce qui est en trop : un numéro donné à deux dépôts, une clé qui a produit deux dépôts ou deux numéros."""
    en_trop = sum(n - 1 for n in Counter(d.numero for d in depots).values())
    en_trop += sum(n - 1 for n in Counter(d.cle for d in depots).values())
    en_trop += sum(n - 1 for n in Counter(numero for numero, _ in acceptes).values())
    return en_trop + sum(n - 1 for n in Counter(cle for _, cle in acceptes).values())


def bilan_des_doubles(requetes: list[Requete]) -> dict:
    """Doubles clics et rejeux : une seule acceptation par clé ; le second envoi, s'il est refusé, dit pourquoi."""
    doubles = defaultdict(list)
    for requete in requetes:
        if requete.sorte == "double_clic":
            doubles[requete.cle].append(requete)
    acceptes_une_fois = [envois for envois in doubles.values() if len({r.numero for r in envois if r.numero}) == 1]
    return {
        "doubles_clics": len(doubles),
        "doubles_clics_acceptes": len(acceptes_une_fois),
        "doubles_clics_second_accepte_meme_numero": sum(1 for e in acceptes_une_fois if all(r.numero for r in e)),
        "doubles_clics_second_refuse_conflit": sum(
            1 for e in acceptes_une_fois if any(r.refus == "conflit_version" for r in e)
        ),
        "doubles_clics_second_refuse_hors_delai": sum(
            1 for e in acceptes_une_fois if any(r.refus in REFUS_HORS_DELAI for r in e)
        ),
        **bilan_des_rejeux(requetes),
    }


def bilan_des_rejeux(requetes: list[Requete]) -> dict:
    """Un rejeu de la même clé retrouve le numéro du premier envoi, ou est refusé hors délai."""
    premiers = {r.cle: r.numero for r in requetes if r.sorte == "simple" and r.numero}
    rejeux = [r for r in requetes if r.sorte == "rejeu"]
    return {
        "rejeux": len(rejeux),
        "rejeux_meme_numero": sum(1 for r in rejeux if r.numero and r.numero == premiers.get(r.cle)),
        "rejeux_refuses_hors_delai": sum(1 for r in rejeux if r.refus in REFUS_HORS_DELAI),
    }


def avancement(requetes: list[Requete], cloture: float, maintenant: float) -> str:
    acceptes = sum(1 for r in requetes if r.numero)
    refuses = sum(1 for r in requetes if r.refus in REFUS_HORS_DELAI)
    numeros = len({r.numero for r in requetes if r.numero})
    p95 = round(centile([r.latence_ms for r in requetes], 95))
    return (
        f"T{maintenant - cloture:+.0f} s : {len(requetes)} envois ; {acceptes} acceptés ({numeros} numéros), "
        f"{refuses} refusés hors délai, {len(requetes) - acceptes - refuses} autres ; p95 {p95} ms"
    )


def objectifs(bilan: dict) -> list[dict]:
    """Une ligne par objectif : le chiffre mesuré, l'objectif et s'il est atteint (un chiffre absent ne l'est pas)."""
    comparer = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b}
    lignes = []
    for cle, (sens, seuil) in OBJECTIFS.items():
        valeur = bilan.get(cle)
        atteint = valeur is not None and comparer[sens](valeur, seuil)
        lignes.append({"mesure": cle, "valeur": valeur, "objectif": f"{sens} {seuil}", "atteint": atteint})
    return lignes


def problemes(bilan: dict) -> list[str]:
    """Ce qui fait échouer la mesure, en français ; vide si tout est conforme."""
    regles = [
        (bilan["perdues"], "dépôts acceptés mais absents de la base (perdus)"),
        (bilan["doublons"], "doublons (numéro ou clé en double)"),
        (bilan["depots_apres_date_limite"], "dépôts enregistrés à ou après la date limite"),
        (bilan["tardives_mal_refusees"], "envois tardifs non refusés avec un message qui donne la date limite"),
        (bilan["fantomes"], "dépôts enregistrés sans que l'opérateur ait reçu leur numéro"),
        (bilan["sans_reponse_ou_5xx"], "envois sans réponse ou en erreur 5xx"),
        (bilan["erreurs_serveur"], "erreurs dans le journal du serveur"),
        (bilan["incidents_clients"], "opérateurs simulés arrêtés par un incident"),
        (bilan["conflits_version"] + bilan["refus_autres"], "refus inattendus"),
        (bilan["acceptees"] == 0, "aucun dépôt accepté"),
        (bilan["refusees_hors_delai"] == 0, "aucun envoi tardif refusé"),
        (bilan.get("accuses_manquants", 0), "dépôts sans accusé à la fin de l'attente"),
        (bilan.get("minimal_echecs", 0), "envois de la référence sans réponse ou refusés"),
    ]
    return [f"{libelle} : {int(nombre)}" for nombre, libelle in regles if nombre]
