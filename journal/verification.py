"""La vérification de la chaîne du journal (`manage.py verifier_journal`) : chaque maillon recalculé depuis le
premier, puis les entrées sans maillon. Lue par lots : le journal peut compter des millions d'entrées."""

from dataclasses import dataclass

from auditlog.models import LogEntry

from journal.models import EMPREINTE_INITIALE, Maillon, TeteJournal, empreinte

TAILLE_DU_LOT = 2000


@dataclass
class Verification:
    maillons_verifies: int = 0
    entrees_hors_chaine: int = 0
    premiere_cassee: dict | None = None  # {"entree", "rang", "raison"} : la première rupture, dans l'ordre
    derniere_empreinte: str = EMPREINTE_INITIALE  # à noter ailleurs : réécrire toute la fin la changerait
    ruptures: int = 0

    def casser(self, *, entree, rang, raison):
        self.ruptures += 1
        if self.premiere_cassee is None:
            self.premiere_cassee = {"entree": entree, "rang": rang, "raison": raison}


def verifier_chaine() -> Verification:
    verification = Verification()
    precedente, rang_attendu = EMPREINTE_INITIALE, 1
    dernier = 0
    while lot := list(Maillon.objects.filter(rang__gt=dernier).order_by("rang")[:TAILLE_DU_LOT]):
        entrees = LogEntry.objects.in_bulk([m.entree_id for m in lot])
        for maillon in lot:
            entree = entrees.get(maillon.entree_id)
            raison = rupture(maillon, entree, precedente, rang_attendu)
            if raison:
                verification.casser(entree=maillon.entree_id, rang=maillon.rang, raison=raison)
            precedente, rang_attendu = maillon.empreinte, maillon.rang + 1
            verification.maillons_verifies += 1
        dernier = lot[-1].rang
    verification.derniere_empreinte = precedente
    tete = TeteJournal.objects.filter(pk=1).first()
    if tete is not None and (tete.rang, tete.empreinte) != (rang_attendu - 1, precedente):
        raison = f"la chaîne s'arrête au rang {rang_attendu - 1}, sa tête en annonce {tete.rang} : fin supprimée"
        verification.casser(entree=None, rang=rang_attendu, raison=raison)
    for pk in LogEntry.objects.filter(maillon__isnull=True).order_by("pk").values_list("pk", flat=True).iterator():
        verification.entrees_hors_chaine += 1
        verification.casser(entree=pk, rang=None, raison="entrée sans maillon : insérée hors de l'application")
    return verification


def rupture(maillon, entree, precedente: str, rang_attendu: int) -> str | None:
    """Pourquoi ce maillon casse la chaîne, ou None. Un maillon supprimé (avec ou sans son entrée) laisse un trou
    de rang et un précédent qui ne suit plus."""
    if maillon.rang != rang_attendu or maillon.precedente != precedente:
        return f"maillon précédent (rang {rang_attendu - 1}) supprimé ou remplacé"
    if entree is None:
        return "entrée supprimée"
    if empreinte(precedente, entree) != maillon.empreinte:
        return "entrée modifiée"
    return None
