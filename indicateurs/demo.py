"""Démonstration : 24 mois d'indicateurs FICTIFS pour les dispositifs installés (fictifs) des Hauts-de-France.

Les valeurs sont inventées, plausibles et cohérentes (nouvelles personnes ≤ file active, journées réalisées
≤ journées théoriques, catégories d'une ventilation dont la somme égale le total) ; elles ne décrivent aucune
structure réelle. Les mois jusqu'à l'avant-dernier sont validés ; le dernier mois montre le travail en cours :
déclarations transmises à valider, un brouillon, une déclaration renvoyée et un dispositif qui n'a pas encore
déclaré.
"""

import calendar
import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from commun.mois import decaler, mois_precedent, nombre_de_mois
from dispositifs.models import Dispositif, Statut
from indicateurs import calendrier
from indicateurs.agregation import agreger_periode
from indicateurs.catalogue import VENTILATIONS
from indicateurs.models import Agregat, Declaration, EditionPublique, Indicateur, Rapport, StatutDeclaration, Valeur
from indicateurs.services import demander_rapport, generer_rapport, publier_mois_clos
from territoires.models import Niveau, Territoire

NOMBRE_DE_MOIS = 24
# Capacité supposée quand la source ne la donne pas (SSIAD précarité) : hypothèse de démonstration.
PLACES_PAR_DEFAUT = 10
# Le dernier mois, par rang du dispositif : ce que la démonstration montre à l'opérateur et à l'instructeur.
DERNIER_MOIS = [
    StatutDeclaration.TRANSMISE,
    StatutDeclaration.TRANSMISE,
    StatutDeclaration.RENVOYEE,
    StatutDeclaration.BROUILLON,
    StatutDeclaration.TRANSMISE,
    None,  # pas encore déclaré : apparaît dans le suivi et reçoit les relances
]


def dispositifs_demo():
    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    return (
        Dispositif.objects.dans(region)
        .filter(fictif=True, statut=Statut.INSTALLE)
        .select_related("type")
        .with_capacites()
        .order_by("pk")
    )


def effacer_indicateurs_demo():
    """Avant de recréer les dispositifs de démonstration : leurs déclarations les protègent de l'effacement."""
    Declaration.objects.filter(dispositif__in=dispositifs_demo()).delete()


def creer_rapports_demo(dernier_mois) -> list[Rapport]:
    """Les rapports des Hauts-de-France des deux mois entièrement validés : l'interne, et le public quand le mois
    est publié (verrouillé) ; et le rapport interne de la France du dernier d'entre eux (ses régions en lignes)."""
    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    rapports = []
    for mois in (decaler(dernier_mois, -1), decaler(dernier_mois, -2)):
        publie = EditionPublique.objects.filter(region=region, mois=mois).exists()
        for public in (False, True) if publie else (False,):
            rapports.append(produire_rapport(region, mois, public))
    rapports.append(produire_rapport(Territoire.objects.pays().get(), decaler(dernier_mois, -1), public=False))
    return rapports


def produire_rapport(territoire, mois, public: bool) -> Rapport:
    rapport = demander_rapport(territoire=territoire, mois=mois, public=public, motif="Rapport de la démonstration.")
    rapport.refresh_from_db()  # sans Redis, la tâche l'a déjà produit sur place : rien à refaire
    return generer_rapport(rapport=rapport)


@transaction.atomic
def creer_indicateurs_demo(aujourd_hui=None) -> dict[str, int]:
    """Recrée les déclarations des 24 derniers mois finis et calcule les agrégats (idempotent)."""
    aujourd_hui = aujourd_hui or calendrier.aujourd_hui()
    dernier = mois_precedent(aujourd_hui)
    premier = decaler(dernier, 1 - NOMBRE_DE_MOIS)
    dispositifs = list(dispositifs_demo())
    effacer_indicateurs_demo()
    indicateurs = list(Indicateur.objects.saisis().prefetch_related("types"))
    valeurs = []
    for rang, dispositif in enumerate(dispositifs):
        valeurs += declarer_les_mois(dispositif, rang, indicateurs, premier, dernier)
    Valeur.objects.bulk_create(valeurs)
    # Rechargée plus tard, la démonstration recalcule aussi les mois de la précédente, dont les déclarations
    # viennent d'être effacées : aucun de leurs agrégats ne survit.
    debut = min(premier, Agregat.objects.aggregate(premier=Min("periode"))["premier"] or premier)
    agregats = agreger_periode(debut=debut, fin=decaler(dernier, 1))
    # Les mois verrouillés ont leurs chiffres publics (les rapports publics de la démonstration : creer_rapports_demo).
    EditionPublique.objects.filter(region__code="32", region__niveau=Niveau.REGION).delete()
    publier_mois_clos(aujourd_hui=aujourd_hui, rapports=False)
    return {"dispositifs": len(dispositifs), "valeurs": len(valeurs), "agregats": agregats, "dernier_mois": dernier}


def declarer_les_mois(dispositif, rang, indicateurs, premier, dernier) -> list[Valeur]:
    """Crée les déclarations du dispositif de `premier` à `dernier` et rend leurs valeurs, à écrire d'un coup."""
    hasard = random.Random(dispositif.finess or dispositif.nom)  # mêmes chiffres à chaque chargement
    codes = {i.code for i in indicateurs if any(t.pk == dispositif.type_id for t in i.types.all())}
    valeurs = []
    for mois in (decaler(premier, rang_du_mois) for rang_du_mois in range(nombre_de_mois(premier, dernier) + 1)):
        statut = statut_du_mois(mois, dernier, rang)
        if statut is None:
            continue
        declaration = creer_declaration(dispositif, mois, statut, hasard)
        chiffres = chiffres_du_mois(dispositif, mois, hasard)
        valeurs += [
            Valeur(declaration=declaration, indicateur=i, valeur=chiffres[i.code])
            for i in indicateurs
            if i.code in codes and i.code in chiffres
        ]
    return valeurs


def statut_du_mois(mois, dernier, rang):
    if mois < dernier:
        return StatutDeclaration.VALIDEE
    return DERNIER_MOIS[rang % len(DERNIER_MOIS)]


def creer_declaration(dispositif, mois, statut, hasard: random.Random) -> Declaration:
    """Transmise entre le 3 et le 14 du mois suivant (l'échéance est le 10 : quelques retards), validée trois
    jours plus tard ; jamais dans le futur."""
    transmise = statut in (StatutDeclaration.TRANSMISE, StatutDeclaration.VALIDEE, StatutDeclaration.RENVOYEE)
    jour = datetime.datetime.combine(decaler(mois, 1), datetime.time(10), tzinfo=timezone.get_current_timezone())
    transmise_le = min(jour + datetime.timedelta(days=hasard.choice([2, 3, 4, 5, 6, 7, 8, 13])), timezone.now())
    return Declaration.objects.create(
        dispositif=dispositif,
        mois=mois,
        statut=statut,
        transmise_le=transmise_le if transmise else None,
        validee_le=transmise_le + datetime.timedelta(days=3) if statut == StatutDeclaration.VALIDEE else None,
        motif_renvoi="Démonstration : les journées réalisées semblent inversées avec les journées théoriques."
        if statut == StatutDeclaration.RENVOYEE
        else "",
    )


def chiffres_du_mois(dispositif, mois, hasard: random.Random) -> dict[str, Decimal]:
    """Des chiffres fictifs cohérents pour un mois, à l'échelle de la capacité du dispositif."""
    places = int(dispositif.capacite_installee) or PLACES_PAR_DEFAUT
    jours = calendar.monthrange(mois.year, mois.month)[1]
    file_active = round(places * hasard.uniform(1.1, 1.6))
    nouvelles = round(file_active * hasard.uniform(0.15, 0.35))
    theoriques = places * jours
    chiffres = {
        "file_active": file_active,
        "nouvelles_personnes": nouvelles,
        "bilans_sante": max(0, nouvelles - hasard.randint(0, 2)),
        "orientations_droit_commun": round(file_active * hasard.uniform(0.1, 0.3)),
        "ouvertures_droits": round(file_active * hasard.uniform(0.05, 0.2)),
        "interventions_aller_vers": round(file_active * hasard.uniform(1.5, 3)),
        "vaccinations": hasard.randint(0, 4),
        "depistages": hasard.randint(0, 6),
        "journees_theoriques": theoriques,
        "journees_realisees": round(theoriques * hasard.uniform(0.78, 0.97)),
        "sorties": max(0, nouvelles + hasard.randint(-2, 2)),
        "etp_en_poste": Decimal(places * hasard.choice([40, 45, 50, 55])) / 100,
    }
    chiffres |= chiffres_des_sources(chiffres, random.Random(f"{dispositif.pk}-{mois}"))
    return {code: Decimal(valeur) for code, valeur in chiffres.items()}


# Les parts FICTIVES de chaque catégorie des ventilations (catalogue.VENTILATIONS), dans l'ordre du catalogue.
PARTS = {
    "nouvelles_personnes": [25, 10, 30, 10, 5, 15, 5],  # rue, campement, hébergement, asile, FTM, logement, autre
    "interventions_aller_vers": [50, 35, 15],  # initiative, demande, programme de l'ARS
    "sorties": [25, 35, 20, 20],  # logement, hébergement, soins, autre
}


def chiffres_des_sources(chiffres: dict, hasard: random.Random) -> dict[str, int]:
    """Les indicateurs de l'issue 13 (point 5), fictifs : les catégories des ventilations, dont la somme égale
    le total, et les autres à l'échelle de l'activité. Un tirage à part : les chiffres d'avant ne changent pas."""
    ajout = {
        "duree_accompagnement": chiffres["sorties"] * hasard.randint(20, 90),
        "interpretariat_professionnel": round(chiffres["file_active"] * hasard.uniform(0, 0.15)),
        "travailleurs_sociaux_formes": hasard.choice([0, 0, 0, 4, 8, 12]),
    }
    for total, categories in VENTILATIONS.items():
        tirages = hasard.choices(range(len(categories)), weights=PARTS[total], k=int(chiffres[total]))
        ajout |= {code: tirages.count(rang) for rang, code in enumerate(categories)}
    return ajout
