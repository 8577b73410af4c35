"""Jeux « appels » et « projets-retenus » : les appels publiés de l'ARS et leurs résultats.

Ce qui est public d'une décision : l'appel, le nom de l'organisme retenu, le type et la capacité retenus, le montant
décidé, la date. Jamais le contenu des lettres d'intention (budget, équipe, partenaires…), ni les avis des
évaluateurs, ni les candidatures non retenues. Les résultats ne paraissent qu'une fois l'appel « terminé » : tant
qu'il est en instruction, une décision peut encore être reprise.
"""

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from appels.models import Appel, Decision, NatureDecision, StatutAppel
from appels.models.appels import Nature
from appels.models.candidatures import deposee
from donnees.jeu import Champ, Jeu

RETENUES = (NatureDecision.RETENUE, NatureDecision.REORIENTEE)
FICTIF = Champ(
    "fictif", "boolean", "Vrai pour un appel ou un organisme inventé pour la démonstration : pas une donnée réelle."
)

CHAMPS_APPELS = (
    Champ("reference", "string", "Référence stable de l'appel."),
    Champ("titre", "string", "Titre de l'appel."),
    Champ(
        "nature",
        "string",
        "Nature : ami (manifestation d'intérêt), aap (projets), aac (candidatures).",
        valeurs=tuple(Nature.values),
    ),
    Champ("region_code", "string", "Code INSEE de la région qui lance l'appel."),
    Champ("region_nom", "string", "Nom de la région."),
    Champ(
        "statut",
        "string",
        "Statut de l'appel : publie, clos, en_instruction, termine.",
        valeurs=tuple(s for s in StatutAppel.values if s != StatutAppel.BROUILLON),
    ),
    Champ("ouverture", "date", "Jour d'ouverture des dépôts (heure de Paris)."),
    Champ("cloture", "date", "Jour de la date limite de dépôt (heure de Paris)."),
    Champ("enveloppe", "integer", "Enveloppe annoncée ; vide si l'appel n'en annonce pas.", unite="euros"),
    Champ("nb_candidatures_deposees", "integer", "Candidatures déposées (au moins une version déposée)."),
    Champ(
        "nb_projets_retenus",
        "integer",
        "Projets retenus (ou réorientés vers un autre type) ; vide avant la fin de l'appel.",
    ),
    Champ(
        "montant_retenu",
        "integer",
        "Somme des montants décidés pour les projets retenus ; vide avant la fin de l'appel.",
        unite="euros",
    ),
    FICTIF,
)

CHAMPS_PROJETS = (
    Champ("appel_reference", "string", "Référence de l'appel (jeu « appels »)."),
    Champ("appel_titre", "string", "Titre de l'appel."),
    Champ("region_code", "string", "Code INSEE de la région qui lance l'appel."),
    Champ("organisme", "string", "Nom de l'organisme retenu."),
    Champ("decision", "string", "retenue, ou reorientee (retenue sous un autre type).", valeurs=tuple(RETENUES)),
    Champ("type_code", "string", "Code du type de dispositif retenu ; vide s'il n'est pas déterminé."),
    Champ("unite", "string", "Unité de capacité du type retenu."),
    Champ(
        "capacite_retenue", "number", "Capacité retenue, dans l'unité de la ligne ; vide si la décision n'en fixe pas."
    ),
    Champ("territoire_code", "string", "Code du territoire du projet (département ou région)."),
    Champ("montant_retenu", "integer", "Montant décidé ; vide si la décision n'en fixe pas.", unite="euros"),
    Champ("date_decision", "date", "Jour de la décision (heure de Paris)."),
    FICTIF,
)


def appels_publics():
    """Les appels publiés (tout sauf les brouillons), avec leurs comptes, en une requête : le nombre de
    candidatures déposées, et pour un appel terminé le nombre et le montant des projets retenus."""
    retenues = Q(candidatures__decision__nature__in=RETENUES)
    return (
        Appel.objects.publies()
        .select_related("region")
        .annotate(
            nb_deposees=Count("candidatures", filter=Q(deposee("candidatures")), distinct=True),
            nb_retenus=Count("candidatures__decision", filter=retenues, distinct=True),
            montant=Sum("candidatures__decision__montant_retenu", filter=retenues),
        )
        .order_by("region__code", "ouverture", "reference")
    )


def lignes_appels() -> list[dict]:
    return [ligne_appel(appel) for appel in appels_publics()]


def ligne_appel(appel: Appel) -> dict:
    termine = appel.statut == StatutAppel.TERMINE
    return {
        "reference": appel.reference,
        "titre": appel.titre,
        "nature": appel.nature,
        "region_code": appel.region.code,
        "region_nom": appel.region.nom,
        "statut": appel.statut,
        "ouverture": timezone.localdate(appel.ouverture),
        "cloture": timezone.localdate(appel.cloture),
        "enveloppe": appel.enveloppe,
        "nb_candidatures_deposees": appel.nb_deposees,
        "nb_projets_retenus": appel.nb_retenus if termine else None,
        "montant_retenu": (appel.montant or 0) if termine else None,
        "fictif": appel.fictif,
    }


def decisions_publiques():
    """Les décisions qui retiennent un projet, aux appels terminés, avec ce qu'on en publie (une requête)."""
    return (
        Decision.objects.filter(nature__in=RETENUES, candidature__appel__statut=StatutAppel.TERMINE)
        .select_related(
            "candidature__appel__region",
            "candidature__organisme",
            "type_propose",
            "dispositif__type",
            "dispositif__territoire",
        )
        .only(
            "nature",
            "montant_retenu",
            "capacite_retenue",
            "decide_le",
            "candidature__appel__reference",
            "candidature__appel__titre",
            "candidature__appel__fictif",
            "candidature__appel__region__code",
            "candidature__organisme__nom",
            "candidature__organisme__fictif",
            "type_propose__code",
            "type_propose__unite",
            "dispositif__type__code",
            "dispositif__type__unite",
            "dispositif__territoire__code",
        )
        .order_by("candidature__appel__region__code", "candidature__appel__reference", "decide_le", "pk")
    )


def lignes_projets() -> list[dict]:
    return [ligne_projet(decision) for decision in decisions_publiques()]


def ligne_projet(decision: Decision) -> dict:
    appel, organisme = decision.candidature.appel, decision.candidature.organisme
    projet = decision.dispositif
    type_ = projet.type if projet else decision.type_propose
    return {
        "appel_reference": appel.reference,
        "appel_titre": appel.titre,
        "region_code": appel.region.code,
        "organisme": organisme.nom,
        "decision": decision.nature,
        "type_code": type_.code if type_ else None,
        "unite": type_.unite if type_ else None,
        "capacite_retenue": decision.capacite_retenue,
        "territoire_code": projet.territoire.code if projet else None,
        "montant_retenu": decision.montant_retenu,
        "date_decision": timezone.localdate(decision.decide_le),
        "fictif": appel.fictif or organisme.fictif,
    }


def mise_a_jour_appels():
    """Le jour de la dernière modification d'un appel publié."""
    dernier = Appel.objects.publies().aggregate(d=Max("updated_at"))["d"]
    return timezone.localdate(dernier) if dernier else None


def mise_a_jour_projets():
    """Le jour de la dernière décision publiée."""
    derniere = decisions_publiques().aggregate(d=Max("decide_le"))["d"]
    return timezone.localdate(derniere) if derniere else None


JEU_APPELS = Jeu(
    slug="appels",
    titre="Appels de l'ARS et leurs résultats",
    description=(
        "Les appels à manifestation d'intérêt, à projets et à candidatures publiés pour les dispositifs du PRAPS : "
        "dates, enveloppe, nombre de candidatures déposées et, une fois l'appel terminé, nombre de projets "
        "retenus et montant décidé. Le détail des projets retenus est dans le jeu « projets-retenus »."
    ),
    champs=CHAMPS_APPELS,
    lignes=lignes_appels,
    mise_a_jour=mise_a_jour_appels,
    cle_primaire=("reference",),
)

JEU_PROJETS = Jeu(
    slug="projets-retenus",
    titre="Projets retenus aux appels de l'ARS",
    description=(
        "Pour chaque appel terminé, les projets retenus : organisme, type de dispositif et capacité retenus, "
        "montant décidé, date de la décision. Ni le contenu des lettres d'intention ni les candidatures non "
        "retenues ne sont publiés."
    ),
    champs=CHAMPS_PROJETS,
    lignes=lignes_projets,
    mise_a_jour=mise_a_jour_projets,
)
