"""Démonstration : les enveloppes FIR et ONDAM médico-social des Hauts-de-France pour 2025 et 2026, et les crédits
de ces deux années des dispositifs autorisés de la démonstration (dispositifs/demo.py).

Un seul montant vient des sources : les 2,4 M€ pérennes du déploiement des SSIAD précarité (source 000), enveloppe
ONDAM réservée à ce type. Les autres enveloppes, tous les crédits et leurs références sont fictifs et marqués comme
tels. L'enveloppe ONDAM « tous types » de 2026 est volontairement dépassée (engagement confirmé) : la page budget
montre ainsi un disponible négatif.
"""

from decimal import Decimal

from django.db import transaction

from comptes.models import Utilisateur
from dispositifs.models import Dispositif, TypeDispositif
from financements.models import Credit, Enveloppe, Source
from financements.references import charger_couts_reference
from financements.services import enregistrer_credit, enregistrer_enveloppe
from territoires.models import Niveau, Territoire

FICTIF = "Montant fictif (démonstration)"
SOURCE_000 = "PRAPS Hauts-de-France (source 000) : 2,4 M€ pérennes pour le déploiement des SSIAD précarité"
ANNEES = (2025, 2026)

# (année, source, type ou None, montant, référence)
ENVELOPPES = [
    (2025, Source.ONDAM_MS, None, 1_300_000, FICTIF),
    (2025, Source.FIR, None, 200_000, FICTIF),
    (2025, Source.ONDAM_MS, "SSIAD-PRECARITE", 2_400_000, SOURCE_000),
    (2026, Source.ONDAM_MS, None, 1_150_000, FICTIF),
    (2026, Source.FIR, None, 150_000, FICTIF),
    (2026, Source.ONDAM_MS, "SSIAD-PRECARITE", 2_400_000, SOURCE_000),
]

# Par dispositif autorisé de la démonstration (nom) : (source, montant annuel, reconductible) pour chaque année.
CREDITS = {
    "LHSS fictif d'Arras": [(Source.ONDAM_MS, 280_000, True), (Source.FIR, 40_000, True)],
    "LAM fictif d'Amiens": [(Source.ONDAM_MS, 810_000, True)],
    "ACT fictif de Laon": [(Source.ONDAM_MS, 36_000, True)],
    "ACT fictif d'Abbeville": [(Source.ONDAM_MS, 36_000, True)],
    "ACT fictif de Beauvais": [(Source.ONDAM_MS, 36_000, True), (Source.CNR, 12_000, False)],
}
CREDIT_SSIAD = (Source.ONDAM_MS, 400_000, True)  # chacun des SSIAD précarité installés


def hauts_de_france():
    return Territoire.objects.get(niveau=Niveau.REGION, code="32")


def dispositifs_demo():
    return Dispositif.objects.filter(fictif=True).dans(hauts_de_france())


def effacer_financements_demo():
    """Avant de recréer les dispositifs de démonstration : leurs crédits les protègent de l'effacement."""
    Credit.objects.filter(dispositif__in=dispositifs_demo()).delete()


@transaction.atomic
def creer_financements_demo() -> dict:
    """Recrée enveloppes et crédits de la démonstration (idempotent), par les services de la page."""
    charger_couts_reference()
    planificateur = Utilisateur.objects.get(email="planificateur@demo.example")
    region = hauts_de_france()
    effacer_financements_demo()
    Enveloppe.objects.filter(region=region, annee__in=ANNEES).delete()
    for annee, source, code_type, montant, reference in ENVELOPPES:
        enregistrer_enveloppe(
            user=planificateur,
            region=region,
            annee=annee,
            source=source,
            type=TypeDispositif.objects.get(code=code_type) if code_type else None,
            montant=Decimal(montant),
            reference=reference,
        )
    credits = 0
    for dispositif in dispositifs_demo().en_service().select_related("type", "territoire"):
        lignes = CREDITS.get(dispositif.nom) or ([CREDIT_SSIAD] if dispositif.type.code == "SSIAD-PRECARITE" else [])
        for annee in ANNEES:
            for rang, (source, montant, reconductible) in enumerate(lignes, start=1):
                enregistrer_credit(
                    user=planificateur,
                    dispositif=dispositif,
                    annee=annee,
                    source=source,
                    montant=Decimal(montant),
                    reconductible=reconductible,
                    reference=f"Notification fictive ARS HDF n° {annee}-{dispositif.pk:03d}-{rang}",
                    commentaire=FICTIF,
                    confirmer_depassement=True,
                )
                credits += 1
    return {"enveloppes": len(ENVELOPPES), "credits": credits}
