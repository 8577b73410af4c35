"""Le jeu « indicateurs » : les mois tels que publiés, et le trimestre sous la règle du secret entre granularités."""

import datetime
from decimal import Decimal

from dispositifs.models import Statut
from donnees import indicateurs
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory
from tests.donnees.conftest import cellule, editer

T1 = datetime.date(2025, 1, 1)


def lignes_de(granularite, departement=None, type_=None):
    code_departement = departement.code if departement else None
    code_type = type_.code if type_ else None
    return {
        ligne["periode"]: (ligne["valeur"], ligne["secret"])
        for ligne in indicateurs.lignes()
        if ligne["granularite"] == granularite
        and ligne["departement_code"] == code_departement
        and ligne["type_code"] == code_type
    }


def test_les_mois_sont_ceux_des_editions_masques_compris(trimestre):
    _, (nord, _), (_, lam), _ = trimestre
    mois = lignes_de("mois", nord, lam)
    assert mois[T1] == (Decimal(20), False)
    assert mois[datetime.date(2025, 2, 1)] == (None, True)


def test_un_trimestre_dont_un_mois_est_masque_est_masque(trimestre):
    _, (nord, somme), (lhss, lam), _ = trimestre
    assert lignes_de("trimestre", nord, lam) == {T1: (None, True)}
    assert lignes_de("trimestre", nord) == {T1: (None, True)}  # le total du Nord, masqué en février
    # Le total de la région, publié chaque mois, se publie aussi au trimestre : moyenne des mois (un stock).
    assert lignes_de("trimestre") == {T1: (Decimal("105.67"), False)}  # (110 + 95 + 112) / 3


def test_un_trimestre_sans_mois_masque_se_calcule_depuis_ses_mois_publies(trimestre, region_hdf):
    _, (nord, somme), (lhss, lam), file_active = trimestre
    # Février masque toute la région dans cet exemple : on republie février en clair pour la Somme × LAM.
    edition = region_hdf.editions_publiques.get(mois=datetime.date(2025, 2, 1))
    tableau = edition.tableaux[str(file_active.pk)]
    tableau["masques"] = [m for m in tableau["masques"] if m != [somme.pk, lam.pk]]
    edition.save()
    assert file_active.agregation == "moyenne"
    assert lignes_de("trimestre", somme, lam) == {T1: (Decimal(35), False)}


def test_un_trimestre_pas_encore_clos_n_est_pas_publie(region_hdf, trimestre):
    _, (nord, _), (lhss, _), file_active = trimestre
    editer(region_hdf, datetime.date(2025, 4, 1), file_active, [cellule(nord, lhss, 50)])
    assert datetime.date(2025, 4, 1) not in lignes_de("trimestre", nord, lhss)
    assert lignes_de("annee", nord, lhss) == {}  # l'année attend ses douze mois


def test_aucune_valeur_masquee_ne_se_retrouve_par_difference_entre_granularites(trimestre):
    """L'attaquant du jeu publié : pour chaque case, trimestre publié − mois publiés ne doit rien livrer."""
    lignes = indicateurs.lignes()
    cases = {}
    for ligne in lignes:
        cle = (ligne["departement_code"], ligne["type_code"], ligne["indicateur_code"])
        cases.setdefault(cle, {}).setdefault(ligne["granularite"], []).append(ligne)
    for granularites in cases.values():
        for periode in granularites.get("trimestre", []):
            if periode["secret"]:
                continue
            contenus = [m for m in granularites["mois"] if m["periode"].month in range(1, 4)]
            assert not any(m["secret"] for m in contenus)


def test_une_case_ou_existe_un_dispositif_fictif_est_marquee_fictive(trimestre):
    _, (nord, somme), (lhss, lam), _ = trimestre
    DispositifFactory(
        territoire=nord, type=lhss, statut=Statut.INSTALLE, fictif=False, organisme=OrganismeFactory(fictif=False)
    )
    DispositifFactory(territoire=somme, type=lam, fictif=False, organisme=OrganismeFactory(fictif=True))
    fictives = {(ligne["departement_code"], ligne["type_code"]) for ligne in indicateurs.lignes() if ligne["fictif"]}
    assert fictives == {("80", "LAM"), ("80", None), (None, "LAM"), (None, None)}
