"""La trace d'une cible : les appels lancés sur son écart (Appel.cibles, posé par « Lancer un appel sur ces
écarts »), leurs décisions, les dispositifs qu'elles ont créés (Decision.dispositif) et la dernière déclaration
validée de chacun. Quatre requêtes, quel que soit le nombre d'appels, de décisions et de dispositifs."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from appels.models import Appel, Candidature, Decision
from config.policy import appels_visibles, candidatures_visibles, dispositifs_suivis
from indicateurs.models import Declaration, StatutDeclaration


@dataclass
class AppelDeLaCible:
    appel: Appel
    decisions: list[Decision] = field(default_factory=list)


def trace_de_la_cible(cible, user) -> list[AppelDeLaCible]:
    """Ce que `user` peut voir de la trace : les appels qu'il voit, les décisions des candidatures qu'il voit, les
    indicateurs des dispositifs qu'il suit (chaque décision porte `derniere_declaration`, ou None)."""
    appels = list(appels_visibles(user).filter(cibles=cible).order_by("cloture", "pk"))
    candidatures = candidatures_visibles(user, Candidature.objects.filter(appel__in=appels))
    decisions = (
        Decision.objects.filter(candidature__in=candidatures)
        .select_related("candidature__organisme", "dispositif__type")
        .order_by("candidature__organisme__nom", "pk")
    )
    decisions = list(decisions)
    dernieres = dernieres_declarations([d.dispositif_id for d in decisions if d.dispositif_id], user)
    par_appel = {appel.pk: AppelDeLaCible(appel) for appel in appels}
    for decision in decisions:
        decision.derniere_declaration = dernieres.get(decision.dispositif_id)
        par_appel[decision.candidature.appel_id].decisions.append(decision)
    return list(par_appel.values())


def dernieres_declarations(dispositifs: list[int], user) -> dict:
    """{dispositif: sa dernière déclaration validée, valeurs et indicateurs préchargés} (deux requêtes)."""
    if not dispositifs:
        return {}
    derniere = (
        Declaration.objects.filter(dispositif=OuterRef("dispositif"), statut=StatutDeclaration.VALIDEE)
        .order_by("-mois")
        .values("pk")[:1]
    )
    declarations = Declaration.objects.filter(
        dispositif__in=dispositifs_suivis(user).filter(pk__in=dispositifs), pk=Subquery(derniere)
    ).avec_valeurs()
    return {declaration.dispositif_id: declaration for declaration in declarations}
